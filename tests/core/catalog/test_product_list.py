"""GET /api/products/: visibility, filters, ordering, pagination and 400s."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import exists, or_

from core.catalog.models import Product, Vendor
from core.hooks import hookimpl


def slugs(answer) -> list[str]:
    return [p["slug"] for p in answer["results"]]


@pytest.fixture
def shop(make_category, make_product, make_vendor):
    clothes = make_category("Clothes")
    shirts = make_category("Shirts", parent=clothes)
    oxford = make_category("Oxford", parent=shirts)
    hats = make_category("Hats")
    acme = make_vendor(name="Acme")
    return {
        "clothes": clothes, "shirts": shirts, "hats": hats, "acme": acme,
        "cheap": make_product(category=hats, name="Cap", slug="cap", price=500, age_days=3),
        "shirt": make_product(category=shirts, name="Blue shirt", slug="blue-shirt", price=3000, vendor=acme,
                              age_days=2, images=1, variants=[{"price": 2500, "stock": 0}, {"price": 6000, "stock": 1}]),
        "oxford": make_product(category=oxford, name="Oxford shirt", slug="oxford-shirt", price=4500, age_days=1,
                               sizes=("S", "M"), stock=0),
    }


def test_list_answers_summaries_newest_first(testapp, shop):
    answer = testapp.get("/api/products/").json
    assert answer["count"] == 3 and answer["next"] is None and answer["previous"] is None
    assert slugs(answer) == ["oxford-shirt", "blue-shirt", "cap"]
    shirt = answer["results"][1]
    assert shirt == {
        "id": shop["shirt"].id, "slug": "blue-shirt", "name": "Blue shirt", "price": "25.00", "currency": "USD",
        "category": {"slug": "shirts", "name": "Shirts"}, "vendor": {"slug": shop["acme"].slug, "name": "Acme"},
        "image": shirt["image"], "in_stock": True,
    }
    assert shirt["image"].startswith("https://") and answer["results"][2]["vendor"] is None


def test_inactive_products_and_products_of_inactive_categories_are_hidden(testapp, make_category, make_product):
    gone = make_category("Gone", active=False)
    live = make_category("Live")
    make_product(category=live, name="Hidden", is_active=False)
    make_product(category=gone, name="Orphan")
    make_product(category=live, name="Shown", slug="shown")
    assert slugs(testapp.get("/api/products/").json) == ["shown"]


def test_category_filter_includes_sub_categories(testapp, shop):
    assert set(slugs(testapp.get("/api/products/?category=clothes").json)) == {"blue-shirt", "oxford-shirt"}
    assert slugs(testapp.get("/api/products/?category=hats").json) == ["cap"]
    assert testapp.get("/api/products/?category=nope").json["count"] == 0


def test_price_range_filters_on_the_price_the_card_shows(testapp, shop):
    # blue-shirt's card says 25.00 (its cheapest variant); its 60.00 variant must not pull the card
    # into a 50-70 range, where the shopper would see a 25.00 card among 50-70 results.
    assert slugs(testapp.get("/api/products/?min_price=50&max_price=70").json) == []
    assert slugs(testapp.get("/api/products/?min_price=20&max_price=30").json) == ["blue-shirt"]
    assert slugs(testapp.get("/api/products/?max_price=5").json) == ["cap"]
    assert slugs(testapp.get("/api/products/?min_price=40.5").json) == ["oxford-shirt"]
    for answer in (testapp.get("/api/products/?min_price=24&max_price=46").json,
                   testapp.get("/api/products/?min_price=25&max_price=25").json):
        for card in answer["results"]:
            assert Decimal(24) <= Decimal(card["price"]) <= Decimal(46)  # inside the range asked for


@pytest.mark.parametrize("name", ["min_price", "max_price"])
@pytest.mark.parametrize("value", ["1e309", "4.23e16", "21474836.48", "99999999999"])
def test_price_bounds_beyond_any_storable_price_are_a_400_naming_the_parameter(testapp, shop, name, value):
    answer = testapp.get(f"/api/products/?{name}={value}", status=400).json
    assert answer["status"] == "error"
    assert [(e["location"], e["name"]) for e in answer["errors"]] == [("querystring", name)]


def test_the_largest_storable_price_is_a_valid_bound(testapp, shop):
    assert testapp.get("/api/products/?min_price=21474836.47").json["count"] == 0
    assert testapp.get("/api/products/?max_price=21474836.47").json["count"] == 3


def test_vendor_and_in_stock_filters(testapp, shop):
    assert slugs(testapp.get(f"/api/products/?vendor={shop['acme'].slug}").json) == ["blue-shirt"]
    assert slugs(testapp.get("/api/products/?in_stock=true").json) == ["blue-shirt", "cap"]
    assert slugs(testapp.get("/api/products/?in_stock=false").json) == ["oxford-shirt"]


def test_filters_combine(testapp, shop):
    answer = testapp.get("/api/products/?category=clothes&in_stock=true&min_price=10&search=shirt").json
    assert slugs(answer) == ["blue-shirt"]


@pytest.mark.parametrize("ordering, expected", [
    ("price", ["cap", "blue-shirt", "oxford-shirt"]),
    ("-price", ["oxford-shirt", "blue-shirt", "cap"]),
    ("name", ["blue-shirt", "cap", "oxford-shirt"]),
    ("-name", ["oxford-shirt", "cap", "blue-shirt"]),
    ("created_at", ["cap", "blue-shirt", "oxford-shirt"]),
    ("-created_at", ["oxford-shirt", "blue-shirt", "cap"]),
])
def test_ordering(testapp, shop, ordering, expected):
    assert slugs(testapp.get(f"/api/products/?ordering={ordering}").json) == expected


def test_pages_link_to_each_other_and_a_page_past_the_end_is_404(testapp, shop):
    first = testapp.get("/api/products/?page_size=2").json
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    second = testapp.get(first["next"]).json
    assert slugs(second) == ["cap"] and second["next"] is None and second["previous"]
    error = testapp.get("/api/products/?page=3&page_size=2", status=404).json
    assert error["status"] == "error" and error["errors"][0]["name"] == "page"


def test_empty_catalog_page_one_is_an_empty_200(testapp):
    assert testapp.get("/api/products/").json == {"count": 0, "next": None, "previous": None, "results": []}


def test_page_size_above_the_cap_is_capped(testapp, make_category, make_product):
    category = make_category("Bulk")
    for n in range(101):
        make_product(category=category, name=f"Item {n}", variants=[])
    answer = testapp.get("/api/products/?page_size=500").json
    assert answer["count"] == 101 and len(answer["results"]) == 100 and "page=2" in answer["next"]


@pytest.mark.parametrize("query, name", [
    ("page_size=0", "page_size"), ("page_size=x", "page_size"), ("page=0", "page"), ("page=abc", "page"),
    ("min_price=abc", "min_price"), ("max_price=-1", "max_price"), ("min_price=1.234", "min_price"),
    ("max_price=NaN", "max_price"), ("in_stock=maybe", "in_stock"), ("ordering=id", "ordering"),
    ("ordering=-popularity", "ordering"),
])
def test_malformed_query_is_400_in_the_error_shape(testapp, query, name):
    error = testapp.get(f"/api/products/?{query}", status=400).json
    assert error["status"] == "error"
    assert [(e["location"], e["name"]) for e in error["errors"]] == [("querystring", name)]


class HideVendorProducts:
    """A plugin whose visibility clause hides products of vendors that are not approved."""

    @hookimpl
    def agora_product_visibility(self, query, request):
        approved = exists().where(Vendor.id == Product.vendor_id, Vendor.status == "approved")
        return or_(Product.vendor_id.is_(None), approved)


@pytest.fixture
def visibility_plugin(loaded):
    pm, plugin = loaded[1], HideVendorProducts()
    pm.register(plugin, name="hide-vendor-products")
    yield
    pm.unregister(plugin)


def test_visibility_clauses_of_plugins_are_anded(testapp, make_category, make_product, make_vendor,
                                                 visibility_plugin):
    category = make_category("Mixed")
    make_product(category=category, name="Ok", slug="ok", vendor=make_vendor(name="Good"))
    make_product(category=category, name="Suspended", slug="suspended",
                 vendor=make_vendor("suspended", name="Bad"))
    make_product(category=category, name="House", slug="house")
    assert set(slugs(testapp.get("/api/products/").json)) == {"ok", "house"}
    testapp.get("/api/products/suspended/", status=404)


@pytest.mark.parametrize("page", ["2147483648", "99999999999999999999", str(10**30)])
def test_a_page_number_beyond_any_list_is_past_the_end(testapp, shop, page):
    assert testapp.get(f"/api/products/?page={page}", status=404).json["status"] == "error"
