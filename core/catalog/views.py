"""The public catalog services (docs/api.md › Catalog): products and the category tree.

Anonymous reads cost a constant number of statements: a product list is a COUNT and one
page query (category and vendor joined); a product detail is the catalog version plus its
sizes' live stock once cached (``core.catalog.detail``).  Anonymous reads use
``request.read_db`` (a replica when ``agora.database_read_url`` is set; see ``core.db``).
Category writes live in ``category_views``.
"""
from __future__ import annotations

from cornice import Service

from core.catalog import categories as tree
from core.catalog import version
from core.catalog.detail import cached_detail
from core.catalog.queries import ProductFilters, count_of, filtered, ordered, public_products, with_labels
from core.catalog.schemas import CategoryOut, ProductDetailOut, ProductListQuery, ProductSummaryOut, SlugPath
from core.catalog.serialize import product_summaries
from core.errors import AgoraError
from core.jsonutil import dumps, json_response
from core.money import to_minor
from core.openapi import responds
from core.pagination import paginate
from core.validation import In, validate

products_svc = Service("products", "/api/products/", description="Browse and search products")
product_svc = Service("product", "/api/products/{slug}/", description="One product with variants and sizes")
categories_svc = Service("categories", "/api/categories/", description="The category tree")
category_svc = Service("category", "/api/categories/{slug}/", description="One category")


def _minor(request, name: str):
    amount = request.validated["querystring"].get(name)
    if amount is None:
        return None
    currency = request.settings["agora.currency"]
    try:
        return to_minor(amount, currency)
    except ValueError as exc:
        raise AgoraError(400, f"Not a valid amount: {exc}.", name=name, location="querystring") from None


def filters_from(request) -> ProductFilters:
    query = request.validated["querystring"]
    return ProductFilters(
        category=query.get("category") or None, search=(query.get("search") or "").strip() or None,
        min_price=_minor(request, "min_price"), max_price=_minor(request, "max_price"),
        vendor=query.get("vendor") or None, in_stock=query.get("in_stock"),
        ordering=query["ordering"],
    )


@products_svc.get(schema=In(querystring=ProductListQuery), validators=(validate,))
@responds(200, ProductSummaryOut, paginated=True)
def list_products(request):
    """A page of the public catalog.

    Everything a list page shows (summaries, prices, in-stock flags, count) changes only with
    the catalog version, so whole rendered pages are cached per worker under (version, URL): a
    hit costs one primary-key lookup, and is served by :mod:`core.catalog.fastpath` without the
    rest of the stack when the read database is PostgreSQL.  Stock numbers, which move without a version bump, appear only on
    the product detail, which is not cached."""
    db = request.read_db
    current = version.current(db)
    return json_response(version.cache_of(request, "pages").get_or_compute(
        current, request.url, lambda: dumps(_list_page(request, current))))


def _list_page(request, current: int) -> dict:
    db = request.read_db
    filters = filters_from(request)
    query, rank = filtered(public_products(request), filters, db.get_bind().dialect.name)
    query = ordered(query, filters.ordering, rank, explicit="ordering" in request.GET)

    def fetch(offset, limit):
        return db.execute(with_labels(query).offset(offset).limit(limit)).unique().scalars().all()

    # The count is the expensive half of a list page: cached per worker, exact through the
    # catalog version (see core.catalog.version).
    key = (filters.category, filters.search, filters.min_price, filters.max_price, filters.vendor,
           filters.in_stock)
    count = version.cache_of(request, "counts").get_or_compute(current, key, lambda: count_of(db, query))
    return paginate(request, count, fetch, lambda rows: product_summaries(db, rows))


@product_svc.get(schema=In(path=SlugPath), validators=(validate,))
@responds(200, ProductDetailOut)
def get_product(request):
    """Read one product by slug, with its active variants, sizes (with stock) and images."""
    return cached_detail(request, request.read_db, request.validated["path"]["slug"])


@categories_svc.get()
@responds(200, CategoryOut, many=True)
def category_tree(request):
    """Read the category tree.

    Active categories only, nested under ``children``."""
    db = request.read_db
    return json_response(version.cache_of(request, "tree").get_or_compute(
        version.current(db), "tree", lambda: dumps(tree.tree(tree.load_all(db)))))


@category_svc.get(schema=In(path=SlugPath), validators=(validate,))
@responds(200, CategoryOut)
def get_category(request):
    """Read one category and its sub-tree by slug."""
    return tree.public_subtree(request.read_db, request.validated["path"]["slug"])


SERVICES = [products_svc, product_svc, categories_svc, category_svc]
