"""The product detail is cached per catalog version; its stock is live, never cached."""
from __future__ import annotations

from sqlalchemy import update

from core.catalog.models import Size, Variant
from core.catalog.version import current
from core.testing import sizes_of


def _sizes(testapp, slug):
    return [s for v in testapp.get(f"/api/products/{slug}/").json["variants"] for s in v["sizes"]]


def test_stock_moves_show_at_once_without_a_version_bump(testapp, db, make_category, make_product):
    product = make_product(category=make_category("Live"), name="Live tee", slug="live-tee", sizes={"S": 3, "M": 1})
    assert [s["stock"] for s in _sizes(testapp, "live-tee")] == [3, 1]
    before = current(db)
    first, second = sizes_of(db, product)
    first.stock = 0  # an ORM flush that changes only the stock (what checkout does)
    db.flush()
    db.execute(update(Size).where(Size.id == second.id).values(stock=7))  # a bulk stock update
    assert current(db) == before  # stock alone never bumps the catalog version
    assert [(s["stock"], s["in_stock"]) for s in _sizes(testapp, "live-tee")] == [(0, False), (7, True)]


def test_a_change_of_shape_bumps_the_version_and_shows(testapp, db, make_category, make_product):
    product = make_product(category=make_category("Shape"), name="Shape tee", slug="shape-tee", sizes=("S", "M"),
                           stock=2)
    testapp.get("/api/products/shape-tee/")
    before = current(db)
    first, _ = sizes_of(db, product)
    first.is_active = False
    db.flush()
    assert current(db) > before
    assert len(_sizes(testapp, "shape-tee")) == 1
    db.execute(update(Variant).where(Variant.product_id == product.id).values(name="Renamed"))
    assert testapp.get("/api/products/shape-tee/").json["variants"][0]["name"] == "Renamed"


def test_a_missing_product_is_404_cached_or_not(testapp):
    for _ in range(2):
        assert testapp.get("/api/products/no-such-thing/", status=404).json["errors"][0]["name"] == "slug"
