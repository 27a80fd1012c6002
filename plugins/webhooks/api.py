"""What other plugins may call (stable).  A plugin using it declares ``requires = ("webhooks",)``;
one that only wants its events delivered when webhooks happen to be enabled fires a hook that
this plugin implements instead (the way orders, vendors and products do)."""
from __future__ import annotations

from plugins.webhooks.events import EVENT_TYPES, emit  # noqa: F401

__all__ = ["EVENT_TYPES", "emit"]
