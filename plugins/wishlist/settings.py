"""The wishlist's settings: ``agora.wishlist.max_items`` (entries per user, default 500)."""
from __future__ import annotations

from core.plugins import PluginError

DEFAULTS = {"agora.wishlist.max_items": "500"}
MAX_BULK = 100  # ids in one bulk-add or bulk-remove body


def max_items(settings) -> int:
    raw = settings.get("agora.wishlist.max_items", DEFAULTS["agora.wishlist.max_items"])
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = 0
    if value < 1:
        raise PluginError(f"plugin 'wishlist': agora.wishlist.max_items must be a positive integer, not {raw!r}")
    return value
