"""Disabling cart and wishlist removes their routes and OpenAPI entries; the rest still runs."""
from __future__ import annotations

import pytest

from config import SettingsError
from core import load
from core.testing import bearer, ini_for, sizes_of


def test_without_cart_and_wishlist_their_paths_are_gone(app_with, enabled_plugins, customer):
    others = [name for name in enabled_plugins if name not in ("cart", "wishlist")]
    app = app_with(others)
    assert app.get("/api/health/").json["status"] == "ok"
    headers = bearer(app, customer)
    app.get("/api/cart/", headers=headers, status=404)
    app.post_json("/api/wishlist/add/", {"product_id": 1}, headers=headers, status=404)
    paths = app.get("/api/openapi.json").json["paths"]
    assert paths and not [p for p in paths if p.startswith(("/api/cart", "/api/wishlist"))]


def test_with_cart_and_wishlist_their_paths_are_documented(testapp):
    paths = testapp.get("/api/openapi.json").json["paths"]
    assert {"/api/cart/", "/api/cart/add/", "/api/cart/update/{item_id}/", "/api/cart/remove/{item_id}/",
            "/api/wishlist/", "/api/wishlist/add/", "/api/wishlist/{id}/move-to-cart/"} <= set(paths)
    body = paths["/api/wishlist/add/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/WishlistAddIn"}  # not the cart's add schema


def test_the_maximum_quantity_is_a_setting(app_with, db, customer, make_product):
    app = app_with(["cart"], {"agora.cart.max_quantity": "5"})
    headers = bearer(app, customer)
    size_id = sizes_of(db, make_product(stock=100))[0].id
    app.post_json("/api/cart/add/", {"size_id": size_id, "quantity": 5}, headers=headers, status=201)
    app.post_json("/api/cart/add/", {"size_id": size_id, "quantity": 1}, headers=headers, status=400)


@pytest.mark.parametrize("value", ["0", "lots", "-3"])
def test_a_bad_maximum_stops_start_up(database_url, value):
    with pytest.raises(SettingsError, match="agora.cart.max_quantity") as info:
        load(ini_for(database_url, ["cart"], {"agora.cart.max_quantity": value}), environ={})
    assert "\n" not in str(info.value)
