"""The cart's settings, declared as typed keys (validated by core at start-up).

``agora.cart.max_quantity`` (env ``AGORA_CART_MAX_QUANTITY``): most of one size in a cart, default 99.
``agora.cart.guest_days`` (env ``AGORA_CART_GUEST_DAYS``): days a guest cart lives, default 30; the
worker deletes older ones.
"""
from __future__ import annotations

from config import Key, positive_int

MAX_QUANTITY = "agora.cart.max_quantity"
GUEST_DAYS = "agora.cart.guest_days"
KEYS = [Key(MAX_QUANTITY, 99, positive_int), Key(GUEST_DAYS, 30, positive_int)]


def max_quantity(settings) -> int:
    """The configured maximum of one size in a cart (a positive integer, checked at start-up)."""
    return settings[MAX_QUANTITY]


def guest_days(settings) -> int:
    """Days a guest cart lives after it was created."""
    return settings[GUEST_DAYS]
