"""Public product queries: visibility, filters, ordering (docs/api.md › Catalog › GET /api/products/).

Every public query starts from :func:`public_products`, which keeps only active products in
active categories that are sold (:mod:`core.catalog.sellable`: the clauses of
``agora_product_sellable``, e.g. a plugin's "the vendor is approved") and ANDs the
clauses plugins return from ``agora_product_visibility``.  Category and vendor are joined and
eagerly filled, so serialising a page needs no further statement.  Those joins use *aliases*: a plugin's clause speaks about
``Product`` (correlated subqueries such as ``exists().where(Vendor.id == Product.vendor_id)``
work) and never collides with the joined tables.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, contains_eager

from core.catalog import search as fulltext
from core.catalog import sellable
from core.catalog.categories import subtree_ids
from core.catalog.models import Category, Product, Vendor

CategoryJoin = aliased(Category, name="product_category")
VendorJoin = aliased(Vendor, name="product_vendor")
ORDER_COLUMNS = {"price": Product.min_price, "name": Product.name, "created_at": Product.created_at}


@dataclass
class ProductFilters:
    """The list filters, prices already in minor units."""

    category: str | None = None
    search: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    vendor: str | None = None
    in_stock: bool | None = None
    ordering: str = "-created_at"


def visibility_clauses(request, query: Select) -> list:
    hook = request.hooks
    return [c for c in hook.agora_product_visibility(query=query, request=request) if c is not None]


def public_products(request) -> Select:
    """Active, visible products with category and vendor joined (see :func:`with_labels`)."""
    query = (
        select(Product)
        .join(CategoryJoin, CategoryJoin.id == Product.category_id)
        .outerjoin(VendorJoin, VendorJoin.id == Product.vendor_id)
        .where(Product.is_active.is_(True), CategoryJoin.is_active.is_(True), sellable.criterion(request.read_db))
    )
    clauses = visibility_clauses(request, query)
    return query.where(*clauses) if clauses else query


def filtered(query: Select, filters: ProductFilters, dialect: str) -> tuple[Select, list]:
    """Apply the filters; returns the query and the ORDER BY of the search rank (maybe empty).

    The price range, the ``price`` ordering and the card's ``price`` are one number: the
    product's lowest active variant price (``products.min_price``, the "from" price the card
    shows).  A product whose dearer variants fall in the range but whose card price does not is
    not matched, so a storefront never shows a card outside the range the shopper asked for."""
    rank = []
    if filters.category:
        query = query.where(Product.category_id.in_(select(subtree_ids(filters.category).c.id)))
    if filters.vendor:
        query = query.where(VendorJoin.slug == filters.vendor)
    if filters.min_price is not None:
        query = query.where(Product.min_price >= filters.min_price)
    if filters.max_price is not None:
        query = query.where(Product.min_price <= filters.max_price)
    if filters.in_stock is not None:
        query = query.where(Product.in_stock.is_(filters.in_stock))
    if filters.search:
        found = fulltext.search_clause(dialect, filters.search)
        if found is not None:
            if found.join is not None:
                query = query.join(found.join, found.where)
            else:
                query = query.where(found.where)
            rank = [found.rank]
    return query, rank


def ordered(query: Select, ordering: str, rank: list, explicit: bool) -> Select:
    """``ordering`` with ``id`` as a tie-breaker; a search without explicit ordering ranks."""
    column = ORDER_COLUMNS[ordering.lstrip("-")]
    descending = ordering.startswith("-")
    order = [column.desc(), Product.id.desc()] if descending else [column.asc(), Product.id.asc()]
    if rank and not explicit:
        order = rank + order
    return query.order_by(*order)


def with_labels(query: Select) -> Select:
    """Fill ``product.category`` and ``product.vendor`` from the joins already in ``query``."""
    return query.options(contains_eager(Product.category.of_type(CategoryJoin)),
                         contains_eager(Product.vendor.of_type(VendorJoin)))


def count_of(db, query: Select) -> int:
    """Rows of ``query`` (its ORDER BY dropped)."""
    inner = query.order_by(None).with_only_columns(Product.id).subquery()
    return db.execute(select(func.count()).select_from(inner)).scalar_one()
