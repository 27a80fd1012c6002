"""The cart's side of checkout: supply the lines, then remove what was bought.

Core's orders subsystem calls these through ``agora_checkout_lines`` and
``agora_checkout_completed`` (see ``plugins.cart``), so it never imports this plugin.
"""
from __future__ import annotations

from sqlalchemy import and_, delete, or_, select, update

from core.orders.checkout_types import CheckoutLine
from plugins.cart.items import cart_of
from plugins.cart.models import Cart, CartItem
from plugins.cart.shoppers import Shopper, as_shopper


def checkout_lines(db, owner) -> list[CheckoutLine]:
    """Every item of the shopper's cart as a line (``source_id`` = the item id), oldest first.

    Unavailable items are included: checkout validation refuses them with a reason."""
    rows = db.execute(
        select(CartItem.id, CartItem.size_id, CartItem.quantity)
        .join(Cart, Cart.id == CartItem.cart_id)
        .where(cart_of(as_shopper(owner)))
        .order_by(CartItem.added_at, CartItem.id)
    ).all()
    return [CheckoutLine(size_id=size_id, quantity=quantity, source_id=item_id)
            for item_id, size_id, quantity in rows]


def remove_bought(db, owner, lines) -> None:
    """Take the bought quantities out of the shopper's cart; items bought in full disappear.

    Only lines whose ``source_id`` is an item of *this* shopper's cart for the same size are
    touched, so lines supplied by another plugin cannot remove unrelated items."""
    own_cart = select(Cart.id).where(cart_of(as_shopper(owner))).scalar_subquery()
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


def remove_bought_by_guest(db, lines) -> None:
    """The webhook path of a guest order (no token at hand): remove the bought items from the
    guest cart that holds them — only guest carts, so no account's cart is touched."""
    ids = [line.source_id for line in lines if line.source_id is not None]
    if not ids:
        return
    carts = db.execute(select(Cart.id).join(CartItem, CartItem.cart_id == Cart.id)
                       .where(CartItem.id.in_(ids), Cart.user_id.is_(None)).distinct()).scalars().all()
    if len(carts) == 1:
        remove_bought(db, Shopper(guest_cart_id=carts[0]), lines)
