"""Stock under lock: the checkout's check-and-decrement and the cancellation's restock.

Both lock the sizes' rows in id order (``SELECT … FOR UPDATE ORDER BY id``), so two checkouts,
or a checkout and a cancellation, never wait on each other in opposite orders.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from core.catalog import sellable
from core.catalog.models import Size
from core.catalog.summary import refresh_products
from core.errors import AgoraError
from core.orders import reservations
from core.orders.checkout_types import CheckoutLine
from core.orders.models import OrderItem


class CheckoutRefused(AgoraError):
    """The order cannot be placed; the authorization must be released."""


def lock_and_check_stock(db, lines: list[CheckoutLine], details: dict, reference: str | None = None) -> set[int]:
    """Lock the sizes in id order, re-read their stock under the lock, check every line can
    be served from what others do not hold (:mod:`core.orders.reservations`), decrement, and
    release intent ``reference``'s own reservation.  Returns the ids of products with a size
    that nobody can buy any more."""
    wanted: dict[int, int] = defaultdict(int)
    for line in lines:
        wanted[line.size_id] += line.quantity
    # populate_existing: the values read under the lock replace the copies loaded for pricing.
    locked = db.execute(select(Size).where(Size.id.in_(sorted(wanted))).order_by(Size.id).with_for_update()
                        .execution_options(populate_existing=True)).scalars().all()
    # Read under the locks: reservations of these sizes are only written by a holder of them.
    free = reservations.available(db, wanted, exclude_reference=reference)
    emptied: set[int] = set()
    for size in locked:
        _, variant, product, _, allowed = details[size.id]
        quantity = wanted[size.id]
        problem = sellable.problem(size, variant, product, allowed)
        if problem:
            raise CheckoutRefused(400, problem, name="cart")
        left = min(size.stock, free.get(size.id, 0))
        if left < quantity:
            message = f"{product.name} ({variant.name}, {size.label}) has {left} left; you asked for {quantity}."
            raise CheckoutRefused(409, message, errors=[{"location": "body", "name": f"size.{size.id}",
                                                         "description": message, "available": left}])
        size.stock -= quantity
        if left == quantity:
            emptied.add(product.id)
    if len(locked) != len(wanted):
        raise CheckoutRefused(400, "A size in your cart does not exist any more.", name="cart")
    if reference is not None:
        reservations.release(db, reference)
    return emptied


def restock(db, items: list[OrderItem]) -> None:
    """Return the units of ``items`` to stock (cancellation), locking sizes in id order."""
    by_size: dict[int, int] = defaultdict(int)
    for item in items:
        by_size[item.size_id] += item.quantity
    sizes = db.execute(select(Size).where(Size.id.in_(sorted(by_size))).order_by(Size.id).with_for_update()).scalars()
    product_ids = {item.product_id for item in items}
    for size in sizes:
        size.stock += by_size[size.id]
    refresh_products(db, product_ids)
