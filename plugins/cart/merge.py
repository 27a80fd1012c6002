"""Merging a guest cart into an account's cart when the shopper signs in.

Strategy: **merge, summing quantities** (Vendure's ``MergeOrdersStrategy``; its other three
keep only the account's cart, only the guest's, or the guest's when the account's is empty).
We sum because each of the others silently throws away something the shopper chose: a
shopper who filled a cart as a guest and had an older cart in the account expects to find
both.  The sum is capped, per size, by the per-size maximum (``agora.cart.max_quantity``) and by
what the shopper may still take (stock less others' live reservations); a line already above
the cap is left as it is, never reduced; a line of which nothing is available is not carried.

One transaction locks both cart rows in id order (``SELECT … FOR UPDATE``), so a concurrent
add to the account's cart (whose upsert of the cart row waits on that lock) or a second merge
of the same token (which then finds the token spent: 404) cannot lose or double a quantity.
The guest cart is deleted, which spends its token, and its stock reservations are released.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from core.db import utcnow
from core.orders.reservations import available, release_owner, user_owner
from plugins.cart.items import ensure_cart
from plugins.cart.models import Cart, CartItem
from plugins.cart.shoppers import guest_shopper


def merge_guest_cart(db, user_id: int, token: str, *, max_quantity: int) -> None:
    """Add the guest cart of ``token`` into ``user_id``'s cart and spend the token (404 if unknown)."""
    guest = guest_shopper(db, token)
    own_id = ensure_cart(db, user_id)
    locked = db.execute(select(Cart.id).where(Cart.id.in_(sorted({own_id, guest.guest_cart_id})))
                        .order_by(Cart.id).with_for_update()).scalars().all()
    if guest.guest_cart_id not in locked:  # merged by a concurrent request while we waited
        guest_shopper(db, token)  # raises the 404
    incoming = db.execute(select(CartItem).where(CartItem.cart_id == guest.guest_cart_id)
                          .order_by(CartItem.added_at, CartItem.id)).scalars().all()
    own = {item.size_id: item for item in db.execute(
        select(CartItem).where(CartItem.cart_id == own_id).execution_options(populate_existing=True)).scalars()}
    left = available(db, [item.size_id for item in incoming], exclude_owner=user_owner(user_id))
    for item in incoming:
        cap = min(max_quantity, left.get(item.size_id, 0))
        mine = own.get(item.size_id)
        if mine is not None:
            mine.quantity = max(mine.quantity, min(mine.quantity + item.quantity, cap))
        elif cap > 0:
            db.add(CartItem(cart_id=own_id, size_id=item.size_id, quantity=min(item.quantity, cap),
                            added_at=item.added_at or utcnow()))
    release_owner(db, guest.reservation_owner)
    db.flush()
    db.execute(delete(CartItem).where(CartItem.cart_id == guest.guest_cart_id))
    db.execute(delete(Cart).where(Cart.id == guest.guest_cart_id))
