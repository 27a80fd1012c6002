"""The wishlist's settings, declared as typed keys (validated by core at start-up).

``agora.wishlist.max_items`` (env ``AGORA_WISHLIST_MAX_ITEMS``): entries per user, default 500.
"""
from __future__ import annotations

from config import Key, positive_int

MAX_ITEMS = "agora.wishlist.max_items"
KEYS = [Key(MAX_ITEMS, 500, positive_int)]
MAX_BULK = 100  # ids in one bulk-add or bulk-remove body


def max_items(settings) -> int:
    return settings[MAX_ITEMS]
