"""Changing a wishlist: add one product, add many, remove one, remove many.

Functions take the session and plain values and raise :class:`core.errors.AgoraError`.
A product can be wished for when it exists (404 otherwise) and is sold: active and meeting
the plugins' criteria of :mod:`core.catalog.sellable` (400 otherwise).  ``(user_id, product_id)`` is unique and rows are
inserted with ``ON CONFLICT DO NOTHING``, so concurrent adds never duplicate nor fail.
The cap (``agora.wishlist.max_items``) is checked before inserting; two concurrent adds
at the very limit may overshoot it by one, which is harmless.
"""
from __future__ import annotations

from sqlalchemy import delete, func, select

from core.catalog import sellable
from core.catalog.models import Product
from core.db import dialect_insert, utcnow
from core.errors import AgoraError, not_found
from plugins.wishlist.models import WishlistItem


def is_sold(product: Product, allowed: bool) -> bool:
    """Active and ``allowed`` (``core.catalog.sellable.column`` loaded with the product)."""
    return bool(product.is_active and allowed)


def count(db, user_id: int) -> int:
    return db.execute(select(func.count(WishlistItem.id)).where(WishlistItem.user_id == user_id)).scalar_one()


def _existing(db, user_id: int, product_ids) -> dict[int, int]:
    """``{product_id: entry id}`` of those products already in the user's wishlist."""
    rows = db.execute(select(WishlistItem.product_id, WishlistItem.id).where(
        WishlistItem.user_id == user_id, WishlistItem.product_id.in_(list(product_ids))))
    return dict(rows.all())


def _insert(db, user_id: int, product_ids: list[int]) -> None:
    now = utcnow()
    stmt = dialect_insert(db, WishlistItem).values(  # ORM-enabled: zope.sqlalchemy sees the write
        [{"user_id": user_id, "product_id": pid, "added_at": now} for pid in product_ids])
    db.execute(stmt.on_conflict_do_nothing(index_elements=[WishlistItem.user_id, WishlistItem.product_id]))


def add(db, user_id: int, product_id: int, *, cap: int) -> tuple[int, bool]:
    """Put a product in the wishlist; returns ``(entry id, created)``."""
    row = db.execute(select(Product, sellable.column(db)).where(Product.id == product_id)).one_or_none()
    if row is None:
        raise AgoraError(404, f"There is no product {product_id}.", name="product_id")
    if not is_sold(*row):
        raise AgoraError(400, f"{row[0].name} is not sold any more.", name="product_id")
    found = _existing(db, user_id, [product_id]).get(product_id)
    if found is not None:
        return found, False
    if count(db, user_id) >= cap:
        raise AgoraError(400, f"Your wishlist is full ({cap} products); remove some first.", name="product_id")
    _insert(db, user_id, [product_id])
    return _existing(db, user_id, [product_id])[product_id], True


def bulk_add(db, user_id: int, product_ids: list[int], *, cap: int) -> dict:
    """Add what can be added; report the rest with a reason, never fail part-way.

    ``{"added": [product ids], "skipped": [{"product_id", "reason"}]}`` where reason is one
    of ``not_found``, ``not_sold``, ``already_in_wishlist``, ``wishlist_full``."""
    wanted = list(dict.fromkeys(product_ids))  # de-duplicated, order kept
    products = {p.id: (p, v) for p, v in db.execute(
        select(Product, sellable.column(db)).where(Product.id.in_(wanted))).all()}
    existing = _existing(db, user_id, wanted)
    room = cap - count(db, user_id)
    added, skipped = [], []
    for pid in wanted:
        reason = None
        if pid not in products:
            reason = "not_found"
        elif not is_sold(*products[pid]):
            reason = "not_sold"
        elif pid in existing:
            reason = "already_in_wishlist"
        elif len(added) >= room:
            reason = "wishlist_full"
        if reason:
            skipped.append({"product_id": pid, "reason": reason})
        else:
            added.append(pid)
    if added:
        _insert(db, user_id, added)
    return {"added": added, "skipped": skipped}


def own_entry(db, user_id: int, entry_id: int) -> WishlistItem:
    """The user's entry, or 404 (another user's entry is answered exactly like a missing one)."""
    entry = db.execute(select(WishlistItem).where(
        WishlistItem.id == entry_id, WishlistItem.user_id == user_id)).scalar_one_or_none()
    if entry is None:
        raise not_found(f"There is no entry {entry_id} in your wishlist.", name="id")
    return entry


def remove(db, user_id: int, entry_id: int) -> None:
    db.delete(own_entry(db, user_id, entry_id))


def bulk_remove(db, user_id: int, entry_ids: list[int]) -> int:
    """Remove the user's entries among ``entry_ids`` (others' and unknown ids are ignored)."""
    result = db.execute(delete(WishlistItem).where(
        WishlistItem.user_id == user_id, WishlistItem.id.in_(set(entry_ids))))
    return result.rowcount
