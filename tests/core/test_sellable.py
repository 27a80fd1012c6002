"""What is sold reaches core only through ``agora_product_sellable``: core's rule is "active";
the vendors plugin adds "the vendor is approved".  Without that plugin a product of any vendor
row is shown and sold; with it a suspended vendor's product is neither listed, nor shown, nor
added to a cart, nor wished for — and the check adds no statement of its own."""
from __future__ import annotations

import pytest
import webtest
from sqlalchemy.orm import Session

from core import load, make_app
from core.testing import ini_for, sizes_of


@pytest.fixture
def app_with(database_url, connection):
    def build(plugins: list[str]) -> webtest.TestApp:
        settings, pm, loaded = load(ini_for(database_url, plugins), environ={})
        app = make_app(settings, pm, loaded, dbsession_factory=lambda: Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))
        return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.4"})

    return build


@pytest.fixture
def suspended_product(make_vendor, make_product):
    return make_product(vendor=make_vendor("suspended"), stock=3)


def _listed(app, product) -> bool:
    return product.slug in {p["slug"] for p in app.get("/api/products/", {"page_size": 100}).json["results"]}


def test_without_the_vendors_plugin_any_vendors_products_are_sold(app_with, suspended_product, db, customer,
                                                                 auth_headers):
    app = app_with(["cart", "wishlist"])
    headers = auth_headers(customer)
    assert _listed(app, suspended_product)
    app.get(f"/api/products/{suspended_product.slug}/", status=200)
    size = sizes_of(db, suspended_product)[0]
    cart = app.post_json("/api/cart/add/", {"size_id": size.id, "quantity": 1}, headers=headers, status=201).json
    assert [item["available"] for item in cart["items"]] == [True]
    app.post_json("/api/wishlist/add/", {"product_id": suspended_product.id}, headers=headers, status=201)


def test_with_the_vendors_plugin_a_suspended_vendors_products_are_not_sold(app_with, suspended_product, db,
                                                                          customer, auth_headers, make_product,
                                                                          make_vendor):
    app = app_with(["vendors", "cart", "wishlist"])
    headers = auth_headers(customer)
    assert not _listed(app, suspended_product)
    app.get(f"/api/products/{suspended_product.slug}/", status=404)
    size = sizes_of(db, suspended_product)[0]
    refused = app.post_json("/api/cart/add/", {"size_id": size.id, "quantity": 1}, headers=headers, status=400)
    assert "not sold" in refused.json["errors"][0]["description"]
    app.post_json("/api/wishlist/add/", {"product_id": suspended_product.id}, headers=headers, status=400)
    approved = make_product(vendor=make_vendor("approved"))
    own = make_product()  # no vendor: sold
    assert _listed(app, approved) and _listed(app, own)


def test_a_vendor_suspended_after_the_add_makes_the_item_unavailable(app_with, make_vendor, make_product, db,
                                                                    customer, auth_headers):
    app = app_with(["vendors", "cart"])
    headers = auth_headers(customer)
    vendor = make_vendor("approved")
    size = sizes_of(db, make_product(vendor=vendor))[0]
    app.post_json("/api/cart/add/", {"size_id": size.id, "quantity": 1}, headers=headers, status=201)
    vendor.status = "suspended"
    db.flush()
    cart = app.get("/api/cart/", headers=headers).json
    assert [item["available"] for item in cart["items"]] == [False]
