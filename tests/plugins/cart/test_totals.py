"""Amounts are exact: integer minor units, rendered as decimal strings."""
from __future__ import annotations

from core.testing import sizes_of


def add(testapp, headers, size_id, quantity):
    return testapp.post_json("/api/cart/add/", {"size_id": size_id, "quantity": quantity}, headers=headers).json


def size_id(db, product) -> int:
    return sizes_of(db, product)[0].id


def test_three_times_19_99_is_exactly_59_97(testapp, db, headers, make_product):
    cart = add(testapp, headers, size_id(db, make_product(price=1999)), 3)
    assert cart["items"][0]["line_total"] == "59.97" and cart["subtotal"] == "59.97"


def test_seven_times_0_10_is_exactly_0_70(testapp, db, headers, make_product):
    cart = add(testapp, headers, size_id(db, make_product(price=10, stock=10)), 7)
    assert cart["items"][0]["line_total"] == "0.70" and cart["subtotal"] == "0.70"


def test_the_subtotal_adds_awkward_lines_exactly(testapp, db, headers, make_product):
    add(testapp, headers, size_id(db, make_product(price=1999)), 3)
    add(testapp, headers, size_id(db, make_product(price=10, stock=10)), 7)
    cart = add(testapp, headers, size_id(db, make_product(price=1)), 1)
    assert cart["subtotal"] == "60.68" and cart["item_count"] == 11


def test_a_variant_price_overrides_the_product_price(testapp, db, headers, make_product):
    cart = add(testapp, headers, size_id(db, make_product(price=1000, variant_price=1250)), 2)
    assert cart["items"][0]["unit_price"] == "12.50" and cart["subtotal"] == "25.00"


def test_prices_are_read_from_the_current_catalog(testapp, headers, make_product, db):
    product = make_product(price=1000)
    add(testapp, headers, size_id(db, product), 2)
    product.price = 1234
    db.flush()
    cart = testapp.get("/api/cart/", headers=headers).json
    assert cart["items"][0]["unit_price"] == "12.34" and cart["subtotal"] == "24.68"


def test_an_item_says_when_it_is_no_longer_available(testapp, headers, make_product, make_vendor, db):
    seller = make_vendor()
    [size] = sizes_of(db, make_product(stock=5, vendor=seller))
    add(testapp, headers, size.id, 4)
    size.stock = 3
    db.flush()
    assert testapp.get("/api/cart/", headers=headers).json["items"][0]["available"] is False
    size.stock = 4
    db.flush()
    assert testapp.get("/api/cart/", headers=headers).json["items"][0]["available"] is True
    seller.status = "suspended"
    db.flush()
    assert testapp.get("/api/cart/", headers=headers).json["items"][0]["available"] is False
