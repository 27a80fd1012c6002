"""The cart's settings, declared as typed keys (validated by core at start-up).

``agora.cart.max_quantity`` (env ``AGORA_CART_MAX_QUANTITY``): most of one size in a cart, default 99.
"""
from __future__ import annotations

from config import Key, positive_int

MAX_QUANTITY = "agora.cart.max_quantity"
KEYS = [Key(MAX_QUANTITY, 99, positive_int)]


def max_quantity(settings) -> int:
    """The configured maximum of one size in a cart (a positive integer, checked at start-up)."""
    return settings[MAX_QUANTITY]
