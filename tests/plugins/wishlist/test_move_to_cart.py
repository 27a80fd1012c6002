"""POST /api/wishlist/{id}/move-to-cart/: through the cart plugin's public API."""
from __future__ import annotations

import pytest

from core.testing import bearer, sizes_of


@pytest.fixture
def wished(testapp, db, headers, make_product):
    """A product (sizes S and M, stock 3) in the customer's wishlist: (its sizes, the entry)."""
    product = make_product(price=1999, stock=3, sizes=("S", "M"))
    entry = testapp.post_json("/api/wishlist/add/", {"product_id": product.id}, headers=headers).json
    return sizes_of(db, product), entry


def move(testapp, headers, entry_id, body, status=200):
    return testapp.post_json(f"/api/wishlist/{entry_id}/move-to-cart/", body, headers=headers, status=status).json


def test_moving_puts_the_size_in_the_cart_and_drops_the_entry(testapp, headers, wished):
    (_, medium), entry = wished
    cart = move(testapp, headers, entry["id"], {"size_id": medium.id, "quantity": 3})
    [item] = cart["items"]
    assert item["size"]["label"] == "M" and item["quantity"] == 3 and cart["subtotal"] == "59.97"
    assert testapp.get("/api/wishlist/", headers=headers).json["count"] == 0


def test_a_size_of_another_product_answers_400(testapp, db, headers, wished, make_product):
    _, entry = wished
    move(testapp, headers, entry["id"], {"size_id": sizes_of(db, make_product())[0].id}, status=400)


def test_an_unknown_size_answers_404(testapp, headers, wished):
    move(testapp, headers, wished[1]["id"], {"size_id": 999_999}, status=404)


def test_above_stock_answers_409_and_keeps_the_entry(testapp, headers, wished):
    (small, _), entry = wished
    move(testapp, headers, entry["id"], {"size_id": small.id, "quantity": 4}, status=409)
    assert testapp.get("/api/wishlist/", headers=headers).json["count"] == 1
    assert testapp.get("/api/cart/", headers=headers).json["items"] == []


@pytest.mark.parametrize("body", [{}, {"size_id": 1, "quantity": 0}, {"size_id": 1, "quantity": 100}])
def test_a_bad_body_answers_400(testapp, headers, wished, body):
    if "size_id" in body:
        body["size_id"] = wished[0][0].id
    move(testapp, headers, wished[1]["id"], body, status=400)


def test_another_users_entry_answers_404(testapp, wished, make_user, auth_headers):
    (small, _), entry = wished
    move(testapp, auth_headers(make_user()), entry["id"], {"size_id": small.id}, status=404)


def test_without_the_cart_plugin_the_route_is_absent(app_with, db, customer, make_product):
    app = app_with(["wishlist"])
    headers = bearer(app, customer)
    product = make_product()
    entry = app.post_json("/api/wishlist/add/", {"product_id": product.id}, headers=headers).json
    app.post_json(f"/api/wishlist/{entry['id']}/move-to-cart/", {"size_id": sizes_of(db, product)[0].id},
                  headers=headers, status=404)
    paths = app.get("/api/openapi.json").json["paths"]
    assert "/api/wishlist/" in paths and "/api/wishlist/{id}/move-to-cart/" not in paths
