"""Agora's own suite uses the fixtures it ships to plugin authors (core.testing)."""
