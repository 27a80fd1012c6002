"""The cart's public functions for other plugins (the wishlist's move-to-cart).

Only what is named here is a promise; everything else in ``plugins.cart`` may change.
Call these only when ``"cart"`` is in ``settings.plugins`` (its tables exist only then).
"""
from __future__ import annotations

from plugins.cart.items import add_to_cart as _add
from plugins.cart.serialize import cart_answer as _answer
from plugins.cart.settings import max_quantity


def add_to_cart(db, user, size_id: int, quantity: int, settings) -> int:
    """Add ``quantity`` of a size to ``user``'s cart with the cart's own rules and limits.

    Returns the cart item id; raises :class:`core.errors.AgoraError` (400/404/409) as
    ``POST /api/cart/add/`` would answer."""
    return _add(db, user.id, size_id, quantity, max_quantity=max_quantity(settings))


def cart_answer(db, user, settings) -> dict:
    """``user``'s cart as ``GET /api/cart/`` answers it."""
    return _answer(db, user.id, settings["agora.currency"])


__all__ = ["add_to_cart", "cart_answer"]
