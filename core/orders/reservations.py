"""Stock held while paying: reservations, and the one availability rule every reader uses.

Available units of a size = ``stock`` − the *live* reservations of others (``expires_at`` in
the future).  The catalog (``stock``/``in_stock`` of a product, the list filter ``in_stock``
through ``products.in_stock``), the cart's add and its ``available`` flag, payment-intent
creation and checkout all ask :func:`available` (or build on :func:`reserved_units`), so no
two of them can disagree.

Invariant: the live reservations of a size never exceed its stock.  Reserving locks the
sizes' rows in id order (``SELECT … FOR UPDATE``, the order checkout locks them in), reads
the others' live reservations under that lock and inserts only what fits; checkout takes
the same locks, sells at most ``stock − others``, and deletes its own rows.  So a checkout
whose reservation is live always finds its units, and an expired one sells only what is
still there.

``products.in_stock`` (what list pages and their per-version cache show) counts reservations
too (:func:`core.catalog.summary.refresh_products`): reserving the last units and releasing
them refresh the product, which bumps the catalog version.  A reservation that merely
expires stays counted in ``in_stock`` until the worker deletes it (:func:`sweep_expired`),
which refreshes the product: between the two the list errs on the side of "out of stock",
never the other way.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import and_, delete, func, select

from core.catalog.models import Product, Size, Variant
from core.db import utcnow
from core.errors import AgoraError
from core.orders.models import StockReservation

TTL_SETTING = "agora.checkout.reservation_ttl"


def user_owner(user_id: int) -> str:
    """The reservation owner key of a signed-in buyer's cart."""
    return f"user:{user_id}"


def guest_owner(token_hash: str) -> str:
    """The reservation owner key of a guest cart (by the hash of its token)."""
    return f"guest:{token_hash}"


def reserved_units(size_id, *, now=None, exclude_owner=None, exclude_reference=None):
    """A correlated scalar subquery: the live reserved units of ``size_id`` (a column or value),
    leaving out one owner's or one intent's rows.

    ``now``, ``exclude_owner`` and ``exclude_reference`` may be values or ``bindparam()``s (a
    statement built once and executed with the values, see :mod:`plugins.cart.serialize`)."""
    now = utcnow() if now is None else now
    where = [StockReservation.size_id == size_id, StockReservation.expires_at > now]
    if exclude_owner is not None:
        where.append(StockReservation.owner != exclude_owner)
    if exclude_reference is not None:
        where.append(StockReservation.payment_reference != exclude_reference)
    return select(func.coalesce(func.sum(StockReservation.quantity), 0)).where(*where).scalar_subquery()


def available_column(*, now=None, exclude_owner=None, exclude_reference=None):
    """``sizes.stock − live reservations of others`` as a column expression (for one SELECT)."""
    return Size.stock - reserved_units(Size.id, now=now, exclude_owner=exclude_owner,
                                       exclude_reference=exclude_reference)


def available(db, size_ids, *, exclude_owner: str | None = None, exclude_reference: str | None = None) -> dict[int, int]:
    """size id → units another buyer may still take (never below 0), in one statement."""
    ids = sorted(set(size_ids))
    if not ids:
        return {}
    rows = db.execute(select(Size.id, available_column(exclude_owner=exclude_owner,
                                                       exclude_reference=exclude_reference))
                      .where(Size.id.in_(ids))).all()
    return {size_id: max(0, int(units)) for size_id, units in rows}


def _wanted(lines) -> dict[int, int]:
    wanted: dict[int, int] = defaultdict(int)
    for line in lines:
        wanted[int(line["size_id"])] += int(line["quantity"])
    return wanted


def _label(db, size_ids) -> dict[int, str]:
    rows = db.execute(select(Size.id, Size.label, Variant.name, Product.name)
                      .join(Variant, Variant.id == Size.variant_id).join(Product, Product.id == Variant.product_id)
                      .where(Size.id.in_(sorted(size_ids)))).all()
    return {sid: f"{product} ({variant}, {label})" for sid, label, variant, product in rows}


def reserve(db, *, owner: str, reference: str, lines: list[dict], ttl: int) -> None:
    """Hold ``lines`` (``[{size_id, quantity}]``) for intent ``reference`` for ``ttl`` seconds.

    Replaces whatever the same owner held (a new intent for the same cart).  Locks the sizes in
    id order; 409 naming what is left when a size cannot cover its quantity."""
    wanted = _wanted(lines)
    if not wanted:
        return
    db.execute(select(Size.id).where(Size.id.in_(sorted(wanted))).order_by(Size.id).with_for_update()).all()
    _delete(db, StockReservation.owner == owner)
    now = utcnow()
    left = available(db, wanted, exclude_owner=owner)
    short = [sid for sid, quantity in wanted.items() if left.get(sid, 0) < quantity]
    if short:
        names = _label(db, short)
        errors = [{"location": "body", "name": f"size.{sid}", "available": left.get(sid, 0),
                   "description": f"{names.get(sid, f'Size {sid}')} has {left.get(sid, 0)} left "
                                  f"(others are paying for the rest); you asked for {wanted[sid]}."}
                  for sid in sorted(short)]
        raise AgoraError(409, errors[0]["description"], errors=errors)
    expires = now + timedelta(seconds=ttl)
    db.add_all([StockReservation(size_id=sid, quantity=quantity, payment_reference=reference, owner=owner,
                                 expires_at=expires, created_at=now) for sid, quantity in sorted(wanted.items())])
    db.flush()
    # What anyone may still take now: the others' share less this reservation (this owner held
    # nothing else of these sizes any more, and nobody else writes them while the locks are held).
    emptied = [sid for sid, quantity in wanted.items() if left.get(sid, 0) - quantity <= 0]
    _refresh(db, emptied, only_in_stock=True)


def release(db, reference: str, *, refresh: bool = True) -> None:
    """Delete intent ``reference``'s reservation (checkout, cancellation of the intent).

    ``refresh=False``: the caller refreshes the products' summaries itself (checkout, which
    sells the units in the same transaction: :func:`core.orders.stock.check_and_take_stock`)."""
    if refresh:
        _delete(db, StockReservation.payment_reference == reference)
    else:
        db.execute(delete(StockReservation).where(StockReservation.payment_reference == reference))


def release_owner(db, owner: str) -> None:
    """Delete everything ``owner`` holds (a guest cart merged into an account's)."""
    _delete(db, StockReservation.owner == owner)


def sweep_expired(db) -> int:
    """Delete expired reservations (the worker); returns how many rows went."""
    return _delete(db, StockReservation.expires_at <= utcnow())


def _delete(db, where) -> int:
    size_ids = db.execute(delete(StockReservation).where(where).returning(StockReservation.size_id)).scalars().all()
    if size_ids:
        _refresh(db, size_ids, only_in_stock=False)
    return len(size_ids)


def _refresh(db, size_ids, *, only_in_stock: bool) -> None:
    """Refresh the summaries of the products of ``size_ids`` whose ``in_stock`` may flip: those
    shown in stock (after reserving the last units), or out of stock (after a release)."""
    from core.catalog.summary import refresh_products

    if not size_ids:
        return
    product_ids = db.execute(
        select(Product.id).join(Variant, Variant.product_id == Product.id).join(Size, Size.variant_id == Variant.id)
        .where(and_(Size.id.in_(sorted(set(size_ids))), Product.in_stock.is_(only_in_stock)))).scalars().all()
    refresh_products(db, product_ids)
