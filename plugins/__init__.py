"""Agora's first-party plugins, each a pluggy plugin module registered through the
``agora.plugins`` entry-point group exactly like a third-party one."""
