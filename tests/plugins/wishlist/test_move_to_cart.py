"""POST /api/wishlist/{id}/move-to-cart/: through the cart plugin's public API."""
from __future__ import annotations

import pytest


@pytest.fixture
def wished(testapp, headers, product):
    """A product (sizes S and M, stock 3) in the customer's wishlist: (made, entry)."""
    made = product(price="19.99", stock=3, labels=("S", "M"))
    entry = testapp.post_json("/api/wishlist/add/", {"product_id": made.product.id}, headers=headers).json
    return made, entry


def move(testapp, headers, entry_id, body, status=200):
    return testapp.post_json(f"/api/wishlist/{entry_id}/move-to-cart/", body, headers=headers, status=status).json


def test_moving_puts_the_size_in_the_cart_and_drops_the_entry(testapp, headers, wished):
    made, entry = wished
    cart = move(testapp, headers, entry["id"], {"size_id": made.sizes[1].id, "quantity": 3})
    [item] = cart["items"]
    assert item["size"]["label"] == "M" and item["quantity"] == 3 and cart["subtotal"] == "59.97"
    assert testapp.get("/api/wishlist/", headers=headers).json["count"] == 0


def test_a_size_of_another_product_answers_400(testapp, headers, wished, product):
    _, entry = wished
    move(testapp, headers, entry["id"], {"size_id": product().size.id}, status=400)


def test_an_unknown_size_answers_404(testapp, headers, wished):
    move(testapp, headers, wished[1]["id"], {"size_id": 999_999}, status=404)


def test_above_stock_answers_409_and_keeps_the_entry(testapp, headers, wished):
    made, entry = wished
    move(testapp, headers, entry["id"], {"size_id": made.size.id, "quantity": 4}, status=409)
    assert testapp.get("/api/wishlist/", headers=headers).json["count"] == 1
    assert testapp.get("/api/cart/", headers=headers).json["items"] == []


@pytest.mark.parametrize("body", [{}, {"size_id": 1, "quantity": 0}, {"size_id": 1, "quantity": 100}])
def test_a_bad_body_answers_400(testapp, headers, wished, body):
    if "size_id" in body:
        body["size_id"] = wished[0].size.id
    move(testapp, headers, wished[1]["id"], body, status=400)


def test_another_users_entry_answers_404(testapp, wished, make_user, auth_headers):
    made, entry = wished
    move(testapp, auth_headers(make_user()), entry["id"], {"size_id": made.size.id}, status=404)


def test_without_the_cart_plugin_the_route_is_absent(app_with, customer, product):
    from tests.plugins.cart.factories import bearer

    app = app_with(["wishlist"])
    headers = bearer(app, customer)
    made = product()
    entry = app.post_json("/api/wishlist/add/", {"product_id": made.product.id}, headers=headers).json
    app.post_json(f"/api/wishlist/{entry['id']}/move-to-cart/", {"size_id": made.size.id},
                  headers=headers, status=404)
    paths = app.get("/api/openapi.json").json["paths"]
    assert "/api/wishlist/" in paths and "/api/wishlist/{id}/move-to-cart/" not in paths
