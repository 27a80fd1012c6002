"""Stock under lock: the checkout's check-and-decrement and the cancellation's restock.

Both lock the sizes' rows in id order (``SELECT … FOR UPDATE ORDER BY id``), so two checkouts,
or a checkout and a cancellation, never wait on each other in opposite orders.  Checkout takes
the locks with the query that loads its lines' catalog rows
(:func:`core.orders.pricing.load_line_details` with ``lock=True``).
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


def check_and_take_stock(db, lines: list[CheckoutLine], details: dict, reference: str | None = None) -> set[int]:
    """Check every line can be served from what others do not hold (:mod:`core.orders.reservations`),
    decrement, and release intent ``reference``'s own reservation.  ``details`` must have been
    loaded with the sizes locked (``load_line_details(..., lock=True)``): their stock is the
    value read under the lock.  Returns the ids of the products whose summary must be refreshed:
    those with a size that nobody can buy any more, and those listed out of stock (selling what
    one's own reservation held leaves what others may buy unchanged, so only a stale flag can
    be wrong there; the release's own lookup of them is saved)."""
    wanted: dict[int, int] = defaultdict(int)
    for line in lines:
        wanted[line.size_id] += line.quantity
    if any(size_id not in details for size_id in wanted):
        raise CheckoutRefused(400, "A size in your cart does not exist any more.", name="cart")
    # Read under the locks: reservations of these sizes are only written by a holder of them.
    free = reservations.available(db, wanted, exclude_reference=reference)
    refresh: set[int] = set()
    for size_id in sorted(wanted):
        size, variant, product, _, allowed = details[size_id]
        quantity = wanted[size_id]
        problem = sellable.problem(size, variant, product, allowed)
        if problem:
            raise CheckoutRefused(400, problem, name="cart")
        left = min(size.stock, free.get(size.id, 0))
        if left < quantity:
            message = f"{product.name} ({variant.name}, {size.label}) has {left} left; you asked for {quantity}."
            raise CheckoutRefused(409, message, errors=[{"location": "body", "name": f"size.{size.id}",
                                                         "description": message, "available": left}])
        size.stock -= quantity
        if left == quantity or not product.in_stock:
            refresh.add(product.id)
    if reference is not None:
        reservations.release(db, reference, refresh=False)
    return refresh


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
