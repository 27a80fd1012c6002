"""Buying without an account (manual provider): guest intents, guest orders, their token, adoption."""
from __future__ import annotations

from sqlalchemy import select

from core.catalog.models import Size
from core.orders.models import Order, StockReservation
from core.testing import ADDRESS, sizes_of
from tests.plugins.cart.conftest import app_with  # noqa: F401,F811  (fixture, used by name)

EMAIL = "Guest.Buyer@Example.com"


def guest(testapp) -> dict:
    return {"X-Cart-Token": testapp.post_json("/api/cart/guest/", {}, status=201).json["token"]}


def fill(testapp, token, size, quantity=1):
    testapp.post_json("/api/cart/add/", {"size_id": size.id, "quantity": quantity}, headers=token, status=201)


def pay(testapp, token, email=EMAIL, status=200):
    body = {"shipping_address": ADDRESS, **({"email": email} if email else {})}
    return testapp.post_json("/api/orders/create-payment-intent/", body, headers=token, status=status)


def checkout(testapp, token, intent, status=201):
    return testapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent}, headers=token, status=status)


def test_a_guest_checks_out_and_reads_the_order_by_its_token(testapp, db, make_product):
    size = sizes_of(db, make_product(price=1000, stock=3))[0]
    token = guest(testapp)
    fill(testapp, token, size, 2)
    intent = pay(testapp, token).json["payment_intent_id"]
    held = db.execute(select(StockReservation).where(StockReservation.payment_reference == intent)).scalar_one()
    assert held.owner.startswith("guest:") and held.quantity == 2
    order = checkout(testapp, token, intent).json
    assert order["user_id"] is None and order["email"] == EMAIL.lower() and order["total"] == "20.00"
    order_token = order["order_token"]
    stored = db.get(Order, order["id"])
    assert stored.order_token_hash and order_token not in stored.order_token_hash
    assert testapp.get("/api/cart/", headers=token).json["items"] == []
    seen = testapp.get(f"/api/orders/guest/{order_token}/").json
    assert seen["id"] == order["id"] and "order_token" not in seen
    again = checkout(testapp, token, intent).json  # the same intent: the same order, no token again
    assert again["id"] == order["id"] and "order_token" not in again
    testapp.get("/api/orders/guest/" + "x" * 43 + "/", status=404)


def test_a_guest_cancels_under_the_customers_rules(testapp, db, make_product, manager, auth_headers):
    size = sizes_of(db, make_product(stock=2))[0]
    token = guest(testapp)
    fill(testapp, token, size, 2)
    order = checkout(testapp, token, pay(testapp, token).json["payment_intent_id"]).json
    cancelled = testapp.post_json(f"/api/orders/guest/{order['order_token']}/cancel/", {}).json
    assert cancelled["status"] == "cancelled"
    db.expire_all()
    assert db.get(Size, size.id).stock == 2
    testapp.post_json(f"/api/orders/guest/{order['order_token']}/cancel/", {}, status=409)


def test_a_guest_needs_an_email_and_a_known_cart(testapp, db, make_product):
    size = sizes_of(db, make_product())[0]
    token = guest(testapp)
    fill(testapp, token, size)
    assert pay(testapp, token, email=None, status=400).json["errors"][0]["name"] == "email"
    pay(testapp, token, email="not-an-email", status=400)
    pay(testapp, {"X-Cart-Token": "unknown-token"}, status=404)
    testapp.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS}, status=401)


def test_another_guest_cannot_use_my_intent(testapp, db, make_product):
    size = sizes_of(db, make_product())[0]
    mine, theirs = guest(testapp), guest(testapp)
    fill(testapp, mine, size)
    intent = pay(testapp, mine).json["payment_intent_id"]
    checkout(testapp, theirs, intent, status=404)
    testapp.post_json(f"/api/orders/payment-intents/{intent}/cancel/", {}, headers=theirs, status=404)
    assert testapp.post_json(f"/api/orders/payment-intents/{intent}/cancel/", {}, headers=mine).status_int == 200


def test_guest_checkout_is_throttled_per_address(app_with, db, make_product):  # noqa: F811
    app = app_with(["cart", "payments"], {"agora.throttle.guest_checkouts_per_address": "2"})
    size = sizes_of(db, make_product(stock=10))[0]
    for _ in range(2):
        token = guest(app)
        fill(app, token, size)
        pay(app, token)
    token = guest(app)
    fill(app, token, size)
    answer = pay(app, token, status=429)
    assert int(answer.headers["Retry-After"]) > 0
    app.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS, "email": EMAIL},
                  headers=token, extra_environ={"REMOTE_ADDR": "10.9.9.9"}, status=200)


def test_verifying_an_account_adopts_the_guest_orders_of_its_email(testapp, db, make_product, hooks):
    size = sizes_of(db, make_product(stock=5))[0]
    token = guest(testapp)
    fill(testapp, token, size)
    order = checkout(testapp, token, pay(testapp, token).json["payment_intent_id"]).json
    password = "a long enough passphrase"
    testapp.post_json("/api/auth/register/", {"email": "guest.buyer@example.com", "password": password}, status=201)
    verify = hooks.last("agora_user_registered")["token"]
    testapp.post_json("/api/auth/verify-email/", {"token": verify})
    access = testapp.post_json("/api/auth/login/", {"email": "guest.buyer@example.com", "password": password}).json
    headers = {"Authorization": f"Bearer {access['access']}"}
    listed = testapp.get("/api/orders/", headers=headers).json["results"]
    assert [o["id"] for o in listed] == [order["id"]] and listed[0]["user_id"] == access["user"]["id"]
    testapp.get(f"/api/orders/{order['id']}/", headers=headers)
    assert testapp.get(f"/api/orders/guest/{order['order_token']}/").json["id"] == order["id"]  # link still works
