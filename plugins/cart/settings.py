"""The cart's settings: ``agora.cart.max_quantity`` (most of one size in a cart, default 99)."""
from __future__ import annotations

from core.plugins import PluginError

DEFAULTS = {"agora.cart.max_quantity": "99"}


def max_quantity(settings) -> int:
    """The configured maximum, a positive integer (plugin keys arrive as ini strings)."""
    raw = settings.get("agora.cart.max_quantity", DEFAULTS["agora.cart.max_quantity"])
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = 0
    if value < 1:
        raise PluginError(f"plugin 'cart': agora.cart.max_quantity must be a positive integer, not {raw!r}")
    return value
