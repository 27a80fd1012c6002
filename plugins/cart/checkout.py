"""The cart's side of checkout: supply the lines, then remove what was bought.

Core's orders subsystem calls these through ``agora_checkout_lines`` and
``agora_checkout_completed`` (see ``plugins.cart``), so it never imports this plugin.
"""
from __future__ import annotations

from sqlalchemy import and_, delete, or_, select, update

from core.orders.checkout_types import CheckoutLine
from plugins.cart.models import Cart, CartItem


def checkout_lines(db, user_id: int) -> list[CheckoutLine]:
    """Every item of the user's cart as a line (``source_id`` = the item id), oldest first.

    Unavailable items are included: checkout validation refuses them with a reason."""
    rows = db.execute(
        select(CartItem.id, CartItem.size_id, CartItem.quantity)
        .join(Cart, Cart.id == CartItem.cart_id)
        .where(Cart.user_id == user_id)
        .order_by(CartItem.added_at, CartItem.id)
    ).all()
    return [CheckoutLine(size_id=size_id, quantity=quantity, source_id=item_id)
            for item_id, size_id, quantity in rows]


def remove_bought(db, user_id: int, lines) -> None:
    """Take the bought quantities out of the user's cart; items bought in full disappear.

    Only lines whose ``source_id`` is an item of *this* user's cart for the same size are
    touched, so lines supplied by another plugin cannot remove unrelated items."""
    own_cart = select(Cart.id).where(Cart.user_id == user_id).scalar_subquery()
    bought = [line for line in lines if line.source_id is not None]
    if not bought:
        return
    # Items bought in full (the usual case) go in one statement; only what remains is reduced.
    whole = or_(*(and_(CartItem.id == line.source_id, CartItem.size_id == line.size_id,
                       CartItem.quantity <= line.quantity) for line in bought))
    deleted = set(db.execute(delete(CartItem).where(CartItem.cart_id == own_cart, whole)
                             .returning(CartItem.id)).scalars())
    for line in bought:
        if line.source_id in deleted:
            continue
        db.execute(update(CartItem).where(CartItem.id == line.source_id, CartItem.size_id == line.size_id,
                                          CartItem.cart_id == own_cart, CartItem.quantity > line.quantity)
                   .values(quantity=CartItem.quantity - line.quantity))
