"""The product detail, cached per catalog version, with its sizes' stock read live.

Everything a product detail shows except stock (names, prices, variants, sizes, images,
visibility) changes only with the catalog version (:mod:`core.catalog.version`: products,
variants, sizes, images, categories and vendors bump it).  So the detail is built once per
worker and version (:func:`core.catalog.serialize.product_detail`) and kept without its
stock numbers; each request then reads the stock of the product's sizes and fills them in.
A warm detail costs one statement, the version and the stock together, when the fast answer
serves it (:mod:`core.catalog.fastpath`, PostgreSQL), else two; a cold one costs the version,
the product, and the two of ``product_detail`` (variants with sizes and stock, images).

Stock is live data: it is never stored in the cache.  :func:`live_stock` is the one place
that says how many units of a size a shopper can buy; when availability is more than
``sizes.stock`` (reservations), that function is what changes.
"""
from __future__ import annotations

import copy

from core.catalog import version
from core.catalog.models import Product
from core.catalog.queries import public_products, with_labels
from core.catalog.serialize import product_detail
from core.errors import not_found
from core.orders.reservations import available

_MISSING = object()


def live_stock(db, size_ids: list[int]) -> dict[int, int]:
    """``{size id: units available}`` for ``size_ids`` in one statement: the stock less the live
    reservations of buyers who are paying (:func:`core.orders.reservations.available`)."""
    if not size_ids:
        return {}
    return available(db, size_ids)


def _static_detail(request, db, slug: str, fresh_stock: dict):
    """The detail without stock (sizes keep their ids), or ``_MISSING``; the stock read while
    building it (same snapshot) goes into ``fresh_stock``, sparing this request the stock query."""
    query = with_labels(public_products(request).where(Product.slug == slug))
    product = db.execute(query).unique().scalar_one_or_none()
    if product is None:
        return _MISSING
    detail = product_detail(db, product)
    for variant in detail["variants"]:
        for size in variant["sizes"]:
            fresh_stock[size["id"]] = size.pop("stock", 0)
            size.pop("in_stock", None)
    fresh_stock[None] = True
    return detail


def cached_detail(request, db, slug: str) -> dict:
    """The public detail of ``slug`` (404 when it is not visible), stock as of now."""
    current = version.current(db)
    fresh: dict = {}
    static = version.cache_of(request, "details").get_or_compute(
        current, slug, lambda: _static_detail(request, db, slug, fresh))
    if static is _MISSING:
        raise not_found(f"No product '{slug}'.", name="slug")
    ids = [size["id"] for variant in static["variants"] for size in variant["sizes"]]
    return with_stock(static, fresh if fresh else live_stock(db, ids))


def with_stock(static: dict, stock: dict) -> dict:
    """The cached stock-less detail ``static`` with each size's ``stock``/``in_stock`` from ``stock``."""
    answer = copy.copy(static)
    answer["variants"] = [
        {**variant, "sizes": [{**size, "stock": stock.get(size["id"], 0), "in_stock": stock.get(size["id"], 0) > 0}
                              for size in variant["sizes"]]}
        for variant in static["variants"]]
    return answer
