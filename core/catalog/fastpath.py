"""Fast answers of anonymous catalog reads (:mod:`core.fastpath`): a cached answer in one statement.

List pages and the category tree are cached per worker as rendered bodies, product details
without their stock, all under the catalog version (:mod:`core.catalog.version`).  Once an
answer is cached, the fast answer serves it:

1. one statement on the worker's own connection to the read database (the replica when
   ``agora.database_read_url`` is set, else the primary) reads the catalog version — for a
   product detail, the live stock of the product's sizes with it (one statement, one snapshot);
2. the cache entry of that version is looked up;
3. found: the answer is the cached body (a detail gets its live stock filled in); not found:
   the request goes down the full stack, whose view reads the version *in its own snapshot*,
   builds the answer and stores it under that version for the next request.

A URL this worker never built (no version of it cached) goes to the full stack without the
statement, so a cold request costs what it costs without fast answers; only the first request
after a catalog change pays one statement more.

A fast answer never computes or stores anything, so it cannot change what is served: it
answers only with entries the full stack built, under the version its own statement read
(the rule of ``core.db`` › Replicas: a cached value and the version it is found by come from
one snapshot).  A URL the full stack refused (a 400, a 404) is never cached, so it is always
refused by the full stack.  A change committed through any instance bumps the version in the
database, so the next read through every instance misses and rebuilds.

Only PostgreSQL read engines answer fast (``core.db.read_engine_of``); on SQLite and with
sessions handed in by tests every request takes the full stack.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select, true

from core.catalog import version
from core.catalog.detail import with_stock
from core.catalog.models import Product, Size, Variant
from core.catalog.version import CatalogVersion
from core.db import read_engine_of, utcnow
from core.fastpath import reader
from core.jsonutil import dumps, json_response
from core.orders.reservations import available_column

SLUG = r"([A-Za-z0-9_-]{1,200})"


def statements(dialect) -> tuple[tuple[str, dict], tuple[str, dict]]:
    """The two statements of the fast answers, rendered once for ``dialect``: (SQL, its constant
    parameters) each.

    The detail's reads the version and the live stock of the product's sizes (any variant: the
    cached detail says which are shown) by the one availability rule
    (:func:`core.orders.reservations.available_column`); one row with NULL size columns when the
    product has no sizes or there is no such slug."""
    current = select(CatalogVersion.version).where(CatalogVersion.id == 1)
    sizes = (select(Size.id, available_column(now=bindparam("now")).label("units"))
             .join(Variant, Variant.id == Size.variant_id).join(Product, Product.id == Variant.product_id)
             .where(Product.slug == bindparam("slug")).subquery())
    detail = (select(CatalogVersion.version, sizes.c.id, sizes.c.units)
              .select_from(CatalogVersion.__table__.outerjoin(sizes, true())).where(CatalogVersion.id == 1))
    compiled = [statement.compile(dialect=dialect) for statement in (current, detail)]
    return tuple((str(each), dict(each.params)) for each in compiled)


def _setup(registry):
    engine = read_engine_of(registry)
    if engine is None:
        return None
    return reader(registry, engine), statements(engine.dialect)


def cached_bodies(name: str, key_of):
    """The fast answer of the cache ``name`` of rendered bodies, keyed by ``key_of(request)``."""

    def factory(registry):
        setup = _setup(registry)
        if setup is None:
            return None
        db, ((sql, constants), _) = setup
        cache = version.registry_cache(registry, name)

        def answer(request, _match):
            key = key_of(request)
            if not cache.knows(key):
                return None  # never built here: no version to find, no statement to spend
            rows = db.rows(sql, constants)
            body = cache.peek(rows[0][0], key) if rows else None
            return None if body is None else json_response(body)

        return answer

    return factory


def product_detail(registry):
    setup = _setup(registry)
    if setup is None:
        return None
    db, (_, (sql, constants)) = setup
    cache = version.registry_cache(registry, "details")

    def answer(request, match):
        slug = match[1]
        if not cache.knows(slug):
            return None
        rows = db.rows(sql, {**constants, "now": utcnow(), "slug": slug})
        static = cache.peek(rows[0][0], slug) if rows else None
        if not isinstance(static, dict):
            return None  # not cached, or cached as "no such product" (the full stack answers the 404)
        stock = {size_id: max(0, int(units)) for _, size_id, units in rows if size_id is not None}
        return json_response(dumps(with_stock(static, stock)))

    return answer


def includeme(config):
    config.add_fast_answer(r"^/api/products/$", "/api/products/", cached_bodies("pages", lambda request: request.url))
    config.add_fast_answer(r"^/api/categories/$", "/api/categories/", cached_bodies("tree", lambda request: "tree"))
    config.add_fast_answer(rf"^/api/products/{SLUG}/$", "/api/products/{slug}/", product_detail)
