"""Guest carts: a token instead of an account, expiry, and merging into an account's cart."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from core.db import utcnow
from core.testing import sizes_of
from plugins.cart.models import Cart
from plugins.cart.shoppers import delete_expired_guest_carts, token_hash


def guest(testapp) -> dict:
    answer = testapp.post_json("/api/cart/guest/", {}, status=201).json
    assert set(answer) == {"token", "expires_at"}
    return {"X-Cart-Token": answer["token"]}


def add(testapp, headers, size_id, quantity=1, status=201):
    return testapp.post_json("/api/cart/add/", {"size_id": size_id, "quantity": quantity},
                             headers=headers, status=status).json


def test_a_guest_cart_works_like_an_account_cart(testapp, db, make_product):
    small, medium = sizes_of(db, make_product(price=500, stock=4, sizes=("S", "M")))
    token = guest(testapp)
    cart = add(testapp, token, small.id, 2)
    assert cart["item_count"] == 2 and cart["subtotal"] == "10.00"
    item = cart["items"][0]["id"]
    assert testapp.put_json(f"/api/cart/update/{item}/", {"quantity": 3}, headers=token).json["item_count"] == 3
    add(testapp, token, small.id, 2, status=409)  # 3 + 2 > 4 in stock
    add(testapp, token, medium.id, 1)
    assert testapp.delete(f"/api/cart/remove/{item}/", headers=token).json["item_count"] == 1
    assert testapp.delete("/api/cart/", headers=token).json["items"] == []
    assert testapp.get("/api/cart/", headers=token).json["id"] == cart["id"]


def test_the_token_is_stored_hashed(testapp, db):
    token = guest(testapp)["X-Cart-Token"]
    cart = db.execute(select(Cart).where(Cart.token_hash == token_hash(token))).scalar_one()
    assert cart.user_id is None and token not in (cart.token_hash or "")
    assert (cart.expires_at - cart.created_at) == timedelta(days=30)


def test_unknown_expired_and_missing_tokens(testapp, db):
    testapp.get("/api/cart/", headers={"X-Cart-Token": "no-such-token"}, status=404)
    testapp.get("/api/cart/", status=401)
    token = guest(testapp)
    db.execute(update(Cart).where(Cart.token_hash == token_hash(token["X-Cart-Token"]))
               .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.flush()
    testapp.get("/api/cart/", headers=token, status=404)
    assert delete_expired_guest_carts(db) >= 1
    assert db.execute(select(Cart).where(Cart.token_hash == token_hash(token["X-Cart-Token"]))).first() is None


def test_guests_do_not_see_each_others_items(testapp, db, make_product):
    [size] = sizes_of(db, make_product())
    first, second = guest(testapp), guest(testapp)
    item = add(testapp, first, size.id)["items"][0]["id"]
    testapp.delete(f"/api/cart/remove/{item}/", headers=second, status=404)
    assert testapp.get("/api/cart/", headers=second).json["items"] == []


def test_merge_sums_quantities_capped_and_spends_the_token(testapp, db, make_product, headers, app_settings):
    [shirt], [hat], [scarf] = (sizes_of(db, make_product(stock=stock)) for stock in (5, 10, 3))
    add(testapp, headers, shirt.id, 3)
    token = guest(testapp)
    add(testapp, token, shirt.id, 4)  # 3 + 4 > 5 in stock: capped at 5
    add(testapp, token, hat.id, 2)
    add(testapp, token, scarf.id, 3)
    scarf.stock = 0  # sold out meanwhile: not carried
    db.flush()
    cart = testapp.post_json("/api/cart/merge/", {"token": token["X-Cart-Token"]}, headers=headers).json
    quantities = {item["size"]["id"]: item["quantity"] for item in cart["items"]}
    assert quantities == {shirt.id: 5, hat.id: 2}
    testapp.get("/api/cart/", headers=token, status=404)
    testapp.post_json("/api/cart/merge/", {"token": token["X-Cart-Token"]}, headers=headers, status=404)


def test_merge_caps_at_the_per_size_maximum(app_with, db, make_product, headers):
    app = app_with(["cart"], {"agora.cart.max_quantity": "4"})
    [size] = sizes_of(db, make_product(stock=50))
    add(app, headers, size.id, 3)
    token = guest(app)
    add(app, token, size.id, 3)
    cart = app.post_json("/api/cart/merge/", {"token": token["X-Cart-Token"]}, headers=headers).json
    assert cart["items"][0]["quantity"] == 4


def test_merge_needs_an_account(testapp):
    testapp.post_json("/api/cart/merge/", {"token": "x"}, status=401)
