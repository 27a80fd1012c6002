"""Amounts are exact: integer minor units, rendered as decimal strings."""
from __future__ import annotations


def add(testapp, headers, size_id, quantity):
    return testapp.post_json("/api/cart/add/", {"size_id": size_id, "quantity": quantity}, headers=headers).json


def test_three_times_19_99_is_exactly_59_97(testapp, headers, product):
    cart = add(testapp, headers, product(price="19.99").size.id, 3)
    assert cart["items"][0]["line_total"] == "59.97" and cart["subtotal"] == "59.97"


def test_seven_times_0_10_is_exactly_0_70(testapp, headers, product):
    cart = add(testapp, headers, product(price="0.10").size.id, 7)
    assert cart["items"][0]["line_total"] == "0.70" and cart["subtotal"] == "0.70"


def test_the_subtotal_adds_awkward_lines_exactly(testapp, headers, product):
    add(testapp, headers, product(price="19.99").size.id, 3)
    add(testapp, headers, product(price="0.10").size.id, 7)
    cart = add(testapp, headers, product(price="0.01").size.id, 1)
    assert cart["subtotal"] == "60.68" and cart["item_count"] == 11


def test_a_variant_price_overrides_the_product_price(testapp, headers, product):
    cart = add(testapp, headers, product(price="10.00", variant_price="12.50").size.id, 2)
    assert cart["items"][0]["unit_price"] == "12.50" and cart["subtotal"] == "25.00"


def test_prices_are_read_from_the_current_catalog(testapp, headers, product, db):
    made = product(price="10.00")
    add(testapp, headers, made.size.id, 2)
    made.product.price = 1234
    db.flush()
    cart = testapp.get("/api/cart/", headers=headers).json
    assert cart["items"][0]["unit_price"] == "12.34" and cart["subtotal"] == "24.68"


def test_an_item_says_when_it_is_no_longer_available(testapp, headers, product, vendor, db):
    seller = vendor()
    made = product(stock=5, vendor=seller)
    add(testapp, headers, made.size.id, 4)
    made.size.stock = 3
    db.flush()
    assert testapp.get("/api/cart/", headers=headers).json["items"][0]["available"] is False
    made.size.stock = 4
    db.flush()
    assert testapp.get("/api/cart/", headers=headers).json["items"][0]["available"] is True
    seller.status = "suspended"
    db.flush()
    assert testapp.get("/api/cart/", headers=headers).json["items"][0]["available"] is False
