"""The fast answers of anonymous catalog reads (core.catalog.fastpath) on a database that commits.

A cached list page, tree or detail is answered by the tween in one statement on its own
connection; everything else (first reads, refusals, signed-in callers, a database that went
away) takes the full stack.  Each test checks both what is answered and which path answered."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import webtest
from sqlalchemy import event, select, text, update

from core.catalog.models import Category, Product, Size, Variant
from core.catalog.summary import refresh_products
from core.db import engine_of, read_engine_of, utcnow
from core.fastpath import fast_statements
from core.orders.models import StockReservation
from core.testing import committed_session, first_party_plugins, scratch_database

pytestmark = pytest.mark.postgresql_only


@pytest.fixture(scope="module")
def shop(db_kind):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL only")
    with scratch_database(first_party_plugins()) as (url, app):
        yield url, app


@pytest.fixture
def product(shop):
    url, _app = shop
    tag = uuid.uuid4().hex[:8]
    with committed_session(url) as db, db.begin():
        category = Category(name=f"Fast {tag}", slug=f"fast-{tag}")
        db.add(category)
        db.flush()
        item = Product(name="Before", slug=f"tee-{tag}", price=1500, currency="USD", category_id=category.id)
        db.add(item)
        db.flush()
        variant = Variant(product_id=item.id, name="Red", sku=f"r-{tag}")
        db.add(variant)
        db.flush()
        size = Size(variant_id=variant.id, label="M", sku=f"r-{tag}-m", stock=7)
        db.add(size)
        db.flush()
        refresh_products(db, [item.id])
        return {"slug": item.slug, "category": category.slug, "size_id": size.id, "product_id": item.id}


class Statements:
    """Counts the statements the app runs through its engines (the full path) and through the
    fast path's own connection."""

    def __init__(self, app):
        self.engines = {engine_of(app.registry).engine, read_engine_of(app.registry).engine}
        self.registry = app.registry
        self.count = 0

    def _count(self, *_args):
        self.count += 1

    def __enter__(self):
        for engine in self.engines:
            event.listen(engine, "before_cursor_execute", self._count)
        self.fast_before = fast_statements(self.registry)
        return self

    def __exit__(self, *exc):
        for engine in self.engines:
            event.remove(engine, "before_cursor_execute", self._count)
        self.fast = fast_statements(self.registry) - self.fast_before


def _through_engines(app, call, fast: int | None = None) -> tuple[object, int]:
    """``call()``'s answer and the statements it ran through the engines; ``fast``: how many the
    fast path must have run (one per request it looked at)."""
    with Statements(app) as counted:
        answer = call()
    if fast is not None:
        assert counted.fast == fast, (counted.fast, fast)
    return answer, counted.count


def test_a_cached_list_page_tree_and_detail_are_answered_without_the_stack(shop, product):
    _url, app = shop
    client = webtest.TestApp(app)
    for path in (f"/api/products/?category={product['category']}", "/api/categories/",
                 f"/api/products/{product['slug']}/"):
        first, full = _through_engines(app, lambda path=path: client.get(path), fast=0)  # never built: no look
        again, fast = _through_engines(app, lambda path=path: client.get(path), fast=1)  # one statement in all
        assert full > 0 and fast == 0, (path, full, fast)
        assert again.json == first.json
        assert again.headers["Content-Type"] == first.headers["Content-Type"] == "application/json"
        assert again.headers["X-Request-ID"] and again.headers["X-Content-Type-Options"] == "nosniff"


def test_the_detail_shows_live_stock_and_reservations_on_the_fast_path(shop, product):
    url, app = shop
    client = webtest.TestApp(app)
    detail = f"/api/products/{product['slug']}/"
    size_of = lambda answer: answer.json["variants"][0]["sizes"][0]  # noqa: E731
    assert size_of(client.get(detail))["stock"] == 7
    with committed_session(url) as db, db.begin():  # a stock move: no catalog version bump
        db.execute(update(Size).where(Size.id == product["size_id"]).values(stock=3))
        db.add(StockReservation(size_id=product["size_id"], quantity=2, payment_reference="pi_fast", owner="user:0",
                                expires_at=utcnow() + timedelta(minutes=5)))
        db.add(StockReservation(size_id=product["size_id"], quantity=1, payment_reference="pi_old", owner="user:1",
                                expires_at=utcnow() - timedelta(minutes=1)))  # expired: holds nothing
    answer, through_engines = _through_engines(app, lambda: client.get(detail))
    assert through_engines == 0
    assert (size_of(answer)["stock"], size_of(answer)["in_stock"]) == (1, True)
    with committed_session(url) as db, db.begin():
        db.execute(update(Size).where(Size.id == product["size_id"]).values(stock=2))
    answer, through_engines = _through_engines(app, lambda: client.get(detail))
    assert through_engines == 0 and (size_of(answer)["stock"], size_of(answer)["in_stock"]) == (0, False)


def test_a_catalog_change_is_served_on_the_next_request(shop, product):
    url, app = shop
    client = webtest.TestApp(app)
    detail, page = f"/api/products/{product['slug']}/", f"/api/products/?category={product['category']}"
    for path in (detail, page):
        client.get(path)
    with committed_session(url) as db, db.begin():
        db.get(Product, product["product_id"]).name = "After"  # an ORM flush bumps the version
    assert client.get(detail).json["name"] == "After"
    assert [p["name"] for p in client.get(page).json["results"]] == ["After"]


def test_refusals_signed_in_callers_and_unknown_routes_take_the_full_path(shop, product):
    _url, app = shop
    client = webtest.TestApp(app)
    for _ in range(2):
        assert client.get("/api/products/?page=abc", status=400).json["errors"][0]["name"] == "page"
        assert client.get("/api/products/no-such-thing/", status=404).json["errors"][0]["name"] == "slug"
    path = f"/api/products/?category={product['category']}"
    client.get(path)
    for headers in ({"Authorization": "Bearer x"}, {"X-Cart-Token": "nope"}):  # not anonymous: the primary
        _answer, through_engines = _through_engines(app, lambda headers=headers: client.get(
            path, headers=headers, expect_errors=True))
        assert through_engines > 0, headers


def test_a_dropped_connection_is_replaced_within_the_request(shop, product):
    url, app = shop
    client = webtest.TestApp(app)
    path = f"/api/products/?category={product['category']}"
    client.get(path)
    with committed_session(url) as db:  # every other connection to the database goes away
        db.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        db.commit()
    answer, through_engines = _through_engines(app, lambda: client.get(path), fast=1)
    assert through_engines == 0 and answer.json["count"] == 1  # reconnected, and still the fast answer
    with committed_session(url) as db:
        assert db.execute(select(Product.name).where(Product.slug == product["slug"])).scalar() == "Before"


def test_health_is_one_round_trip_and_says_when_the_database_is_away(shop):
    from core import load, make_app
    from core.testing import ini_for

    _url, app = shop
    answer, through_engines = _through_engines(app, lambda: webtest.TestApp(app).get("/api/health/"), fast=1)
    assert through_engines == 0
    assert answer.json["status"] == answer.json["database"] == "ok"
    assert answer.json["plugins"] == first_party_plugins() and answer.json["broker"]
    settings, pm, loaded = load(ini_for("postgresql://postgres@127.0.0.1:1/nowhere", first_party_plugins()),
                                environ={})
    away = make_app(settings, pm, loaded)
    answer = webtest.TestApp(away).get("/api/health/", status=503)
    assert answer.json["status"] == "unavailable" and answer.json["database"].startswith("unavailable: ")
    assert answer.headers["X-Request-ID"]
