"""POST /api/cart/add/ and GET /api/cart/ through the app (docs/api.md › Cart)."""
from __future__ import annotations

import pytest

from core.catalog.models import Variant
from core.testing import sizes_of


def add(testapp, headers, size_id, quantity=1, status=201):
    return testapp.post_json("/api/cart/add/", {"size_id": size_id, "quantity": quantity},
                             headers=headers, status=status).json


def test_a_new_shopper_has_an_empty_cart(testapp, headers):
    cart = testapp.get("/api/cart/", headers=headers).json
    assert cart["items"] == [] and cart["item_count"] == 0
    assert cart["subtotal"] == "0.00" and cart["currency"] == "USD"
    assert isinstance(cart["id"], int)
    assert testapp.get("/api/cart/", headers=headers).json["id"] == cart["id"]  # one cart per user


def test_cart_needs_a_token(testapp):
    for method, path in [("get", "/api/cart/"), ("delete", "/api/cart/"),
                         ("post", "/api/cart/add/"), ("put", "/api/cart/update/1/"),
                         ("delete", "/api/cart/remove/1/")]:
        answer = getattr(testapp, method)(path, status=401).json
        assert answer["status"] == "error"


def test_adding_answers_201_with_the_cart_priced_from_the_catalog(testapp, db, headers, make_product):
    product = make_product(price=1999, variants=("Blue",), sizes=("S", "M"))
    _, medium = sizes_of(db, product)
    cart = add(testapp, headers, medium.id, 2)
    [item] = cart["items"]
    assert item["product"]["id"] == product.id and item["product"]["slug"] == product.slug
    assert item["variant"] == {"id": medium.variant_id, "name": "Blue"}
    assert item["size"] == {"id": medium.id, "label": "M"}
    assert (item["quantity"], item["unit_price"], item["line_total"]) == (2, "19.99", "39.98")
    assert item["available"] is True
    assert cart["item_count"] == 2 and cart["subtotal"] == "39.98"


def test_quantity_defaults_to_one(testapp, db, headers, make_product):
    [size] = sizes_of(db, make_product())
    cart = testapp.post_json("/api/cart/add/", {"size_id": size.id}, headers=headers, status=201).json
    assert cart["items"][0]["quantity"] == 1


def test_adding_the_same_size_again_adds_to_its_quantity(testapp, db, headers, make_product):
    [size] = sizes_of(db, make_product(stock=10))
    add(testapp, headers, size.id, 2)
    cart = add(testapp, headers, size.id, 3)
    assert len(cart["items"]) == 1 and cart["items"][0]["quantity"] == 5


def test_a_total_above_stock_answers_409_naming_what_is_left(testapp, db, headers, make_product):
    [size] = sizes_of(db, make_product(stock=3))
    add(testapp, headers, size.id, 2)
    answer = add(testapp, headers, size.id, 2, status=409)
    assert "3 left" in answer["errors"][0]["description"]
    assert answer["errors"][0]["name"] == "quantity"
    # the refused add changed nothing
    assert testapp.get("/api/cart/", headers=headers).json["items"][0]["quantity"] == 2


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True, None, 100])
def test_a_bad_quantity_answers_400(testapp, db, headers, make_product, quantity):
    [size] = sizes_of(db, make_product(stock=1000))
    answer = add(testapp, headers, size.id, quantity, status=400)
    assert answer["errors"][0]["name"] == "quantity"


def test_a_total_above_the_maximum_answers_400(testapp, db, headers, make_product):
    [size] = sizes_of(db, make_product(stock=1000))
    add(testapp, headers, size.id, 60)
    answer = add(testapp, headers, size.id, 60, status=400)
    assert "At most 99" in answer["errors"][0]["description"]


def test_an_unknown_size_answers_404(testapp, headers):
    answer = add(testapp, headers, 999_999, status=404)
    assert answer["errors"][0]["name"] == "size_id"


def test_a_missing_or_non_integer_size_answers_400(testapp, headers):
    testapp.post_json("/api/cart/add/", {"quantity": 1}, headers=headers, status=400)
    testapp.post_json("/api/cart/add/", {"size_id": "abc"}, headers=headers, status=400)


def test_a_body_that_is_not_json_answers_415(testapp, headers):
    testapp.post("/api/cart/add/", "size_id=1", headers=headers, status=415)


@pytest.mark.parametrize("what", ["product", "variant", "size", "vendor"])
def test_something_not_sold_answers_400(testapp, headers, make_product, make_vendor, db, what):
    product = make_product(vendor=make_vendor("suspended") if what == "vendor" else make_vendor())
    [size] = sizes_of(db, product)
    if what != "vendor":
        {"product": product, "variant": db.get(Variant, size.variant_id), "size": size}[what].is_active = False
        db.flush()
    answer = add(testapp, headers, size.id, status=400)
    assert "not sold" in answer["errors"][0]["description"]


def test_the_cart_survives_a_new_login(testapp, db, customer, auth_headers, make_product):
    [size] = sizes_of(db, make_product())
    add(testapp, auth_headers(customer), size.id, 1)
    assert len(testapp.get("/api/cart/", headers=auth_headers(customer)).json["items"]) == 1


def test_carts_are_per_user(testapp, db, headers, make_user, auth_headers, make_product):
    [size] = sizes_of(db, make_product())
    add(testapp, headers, size.id, 1)
    assert testapp.get("/api/cart/", headers=auth_headers(make_user())).json["items"] == []


def test_an_unsupported_method_answers_405(testapp, headers):
    testapp.patch_json("/api/cart/", {}, headers=headers, status=405)
