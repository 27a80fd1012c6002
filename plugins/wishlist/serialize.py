"""Wishlist entries as JSON: ``{id, product: {summary}, added_at, available}``.

Entries of products that are no longer sold stay in the list with ``available: false``
(never hidden: the shopper decides to remove them).  A page costs a constant number of
statements: the count, then the entries with their products, categories and vendors.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from core.catalog import sellable
from core.catalog.models import Product
from core.catalog.serialize import product_summaries
from plugins.wishlist.entries import is_sold
from plugins.wishlist.models import WishlistItem


def _query(db, user_id: int):
    return (
        select(WishlistItem, Product, sellable.column(db))
        .join(Product, Product.id == WishlistItem.product_id)
        .join(Product.category)
        .outerjoin(Product.vendor)
        .options(contains_eager(Product.category), contains_eager(Product.vendor))
        .where(WishlistItem.user_id == user_id)
    )


def entries_json(db, rows) -> list[dict]:
    summaries = product_summaries(db, [row[1] for row in rows])
    return [{
        "id": entry.id,
        "product": summary,
        "added_at": entry.added_at.isoformat(),
        "available": is_sold(product, allowed) and bool(product.in_stock),
    } for (entry, product, allowed), summary in zip(rows, summaries)]


def page(db, user_id: int, offset: int, limit: int):
    """One page of the user's entries, newest first."""
    return db.execute(_query(db, user_id).order_by(WishlistItem.added_at.desc(), WishlistItem.id.desc())
                      .offset(offset).limit(limit)).all()


def entry_json(db, user_id: int, entry_id: int) -> dict:
    rows = db.execute(_query(db, user_id).where(WishlistItem.id == entry_id)).all()
    return entries_json(db, rows)[0]
