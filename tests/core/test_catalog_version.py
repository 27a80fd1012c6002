"""List counts and the category tree are cached per catalog version, and stay exact."""
from core.catalog.models import Category
from core.catalog.version import current


def test_a_new_product_bumps_the_version_and_the_count(testapp, db, make_product):
    before = testapp.get("/api/products/").json["count"]
    version = current(db)
    make_product()
    assert current(db) > version
    assert testapp.get("/api/products/").json["count"] == before + 1


def test_deactivating_a_product_through_the_summary_refresh_is_seen(testapp, db, make_product):
    product = make_product()
    count = testapp.get("/api/products/").json["count"]
    product.is_active = False
    db.flush()
    assert testapp.get("/api/products/").json["count"] == count - 1


def test_a_suspended_vendor_disappears_from_the_cached_count(testapp, db, make_vendor, make_product):
    vendor = make_vendor(name="Shop")
    make_product(vendor=vendor)
    count = testapp.get(f"/api/products/?vendor={vendor.slug}").json["count"]
    assert count == 1
    vendor.status = "suspended"
    db.flush()
    assert testapp.get(f"/api/products/?vendor={vendor.slug}").json["count"] == 0


def test_a_new_category_appears_in_the_cached_tree(testapp, db):
    slugs = lambda: {c["slug"] for c in testapp.get("/api/categories/").json}  # noqa: E731
    assert "fresh-cache" not in slugs()
    db.add(Category(name="Fresh", slug="fresh-cache"))
    db.flush()
    assert "fresh-cache" in slugs()


def test_stock_moves_alone_do_not_bump_the_version(db, make_product):
    from core.testing import sizes_of

    product = make_product(stock=5)
    version = current(db)
    sizes_of(db, product)[0].stock = 4
    db.flush()
    assert current(db) == version
