"""The purchase flow with the offline `manual` provider (the make-dev default)."""
import pytest

from core.catalog.models import Size
from core.testing import ADDRESS, sizes_of


@pytest.fixture
def shopper(customer, auth_headers):
    return customer, auth_headers(customer)


def add(testapp, headers, size, quantity=1, status=201):
    return testapp.post_json("/api/cart/add/", {"size_id": size.id, "quantity": quantity}, headers=headers,
                             status=status)


def pay(testapp, headers, key=None, status=200):
    extra = {"Idempotency-Key": key} if key else {}
    return testapp.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                             headers={**headers, **extra}, status=status)


def checkout(testapp, headers, intent_id, status=201):
    return testapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent_id, "shipping_address": ADDRESS},
                             headers=headers, status=status)


def test_checkout_places_a_pending_order_takes_stock_and_empties_the_cart(testapp, db, shopper, make_product):
    user, headers = shopper
    product = make_product(price=1999, stock=5)
    size = sizes_of(db, product)[0]
    add(testapp, headers, size, 3)
    intent = pay(testapp, headers).json
    assert intent["amount"] == "59.97" and intent["currency"] == "USD" and intent["provider"] == "manual"
    order = checkout(testapp, headers, intent["payment_intent_id"]).json
    assert order["status"] == "pending_payment" and order["total"] == "59.97"
    assert order["items"][0]["quantity"] == 3 and order["items"][0]["unit_price"] == "19.99"
    assert order["items"][0]["product_name"] == product.name
    assert [h["status"] for h in order["status_history"]] == ["pending_payment"]
    db.expire_all()
    assert db.get(Size, size.id).stock == 2
    assert testapp.get("/api/cart/", headers=headers).json["items"] == []


def test_the_same_intent_twice_yields_the_same_order(testapp, db, shopper, make_product):
    user, headers = shopper
    size = sizes_of(db, make_product(stock=5))[0]
    add(testapp, headers, size, 2)
    intent = pay(testapp, headers).json["payment_intent_id"]
    first = checkout(testapp, headers, intent).json
    second = checkout(testapp, headers, intent).json
    assert first["id"] == second["id"]
    db.expire_all()
    assert db.get(Size, size.id).stock == 3


def test_idempotency_key_replays_the_first_intent(testapp, db, shopper, make_product):
    user, headers = shopper
    size = sizes_of(db, make_product())[0]
    add(testapp, headers, size, 1)
    first = pay(testapp, headers, key="k-1").json
    add(testapp, headers, size, 1)
    again = pay(testapp, headers, key="k-1").json
    assert again == first
    assert pay(testapp, headers, key="k-2").json["amount"] == "39.98"


def test_out_of_stock_at_checkout_is_a_409_naming_the_size(testapp, db, shopper, make_product):
    user, headers = shopper
    size = sizes_of(db, make_product(stock=3))[0]
    add(testapp, headers, size, 3)
    intent = pay(testapp, headers).json["payment_intent_id"]
    db.get(Size, size.id).stock = 1
    db.flush()
    error = checkout(testapp, headers, intent, status=409).json["errors"][0]
    assert error["name"] == f"size.{size.id}" and "has 1 left" in error["description"]
    db.expire_all()
    assert db.get(Size, size.id).stock == 1


def test_empty_cart_cannot_pay(testapp, shopper):
    user, headers = shopper
    assert pay(testapp, headers, status=400).json["errors"][0]["name"] == "cart"


def test_shipping_address_is_validated_field_by_field(testapp, shopper):
    user, headers = shopper
    body = testapp.post_json("/api/orders/create-payment-intent/",
                             {"shipping_address": {**ADDRESS, "country": "XX", "city": ""}},
                             headers=headers, status=400).json
    names = {e["name"] for e in body["errors"]}
    assert names == {"shipping_address.country", "shipping_address.city"}


def test_unknown_or_foreign_intent_is_a_404(testapp, db, shopper, make_user, auth_headers, make_product):
    user, headers = shopper
    checkout(testapp, headers, "manual_nope", status=404)
    other = auth_headers(make_user())
    size = sizes_of(db, make_product())[0]
    add(testapp, other, size, 1)
    intent = pay(testapp, other).json["payment_intent_id"]
    checkout(testapp, headers, intent, status=404)


def test_checkout_requires_authentication(testapp):
    testapp.post_json("/api/orders/checkout/", {"payment_intent_id": "x", "shipping_address": ADDRESS}, status=401)


@pytest.fixture
def placed(testapp, db, shopper, make_product):
    user, headers = shopper
    product = make_product(price=1000, stock=4)
    size = sizes_of(db, product)[0]
    add(testapp, headers, size, 2)
    order = checkout(testapp, headers, pay(testapp, headers).json["payment_intent_id"]).json
    return order, size, headers


def test_manager_marks_a_manual_order_paid_then_moves_it_along(testapp, placed, manager, auth_headers):
    order, size, headers = placed
    staff = auth_headers(manager)
    url = f"/api/orders/{order['id']}/status/"
    assert testapp.post_json(url, {"status": "paid"}, headers=staff).json["payment"]["status"] == "captured"
    testapp.post_json(url, {"status": "processing"}, headers=staff)
    testapp.post_json(url, {"status": "delivered"}, headers=staff, status=409)
    shipped = testapp.post_json(url, {"status": "shipped", "note": "DHL"}, headers=staff).json
    assert shipped["status"] == "shipped" and shipped["items"][0]["fulfillment_status"] == "shipped"
    assert testapp.get(f"/api/orders/{order['id']}/", headers=headers).json["status"] == "shipped"
    testapp.post(f"/api/orders/{order['id']}/cancel/", headers=headers, status=409)


def test_customers_cannot_move_orders(testapp, placed):
    order, size, headers = placed
    testapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "paid"}, headers=headers, status=403)


def test_unknown_status_is_a_400(testapp, placed, manager, auth_headers):
    order, size, headers = placed
    testapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "teleported"},
                      headers=auth_headers(manager), status=400)


def test_cancel_restocks(testapp, db, placed):
    order, size, headers = placed
    cancelled = testapp.post(f"/api/orders/{order['id']}/cancel/", headers=headers).json
    assert cancelled["status"] == "cancelled"
    db.expire_all()
    assert db.get(Size, size.id).stock == 4
    testapp.post(f"/api/orders/{order['id']}/cancel/", headers=headers, status=409)


def test_another_users_order_is_a_404(testapp, placed, make_user, auth_headers):
    order, size, headers = placed
    stranger = auth_headers(make_user())
    testapp.get(f"/api/orders/{order['id']}/", headers=stranger, status=404)
    testapp.post(f"/api/orders/{order['id']}/cancel/", headers=stranger, status=404)
    testapp.get("/api/orders/999999/", headers=headers, status=404)


def test_order_list_is_own_newest_first_and_staff_see_all(testapp, placed, make_user, auth_headers, manager):
    order, size, headers = placed
    mine = testapp.get("/api/orders/", headers=headers).json
    assert mine["count"] == 1 and mine["results"][0]["id"] == order["id"]
    assert testapp.get("/api/orders/", headers=auth_headers(make_user())).json["count"] == 0
    staff = testapp.get(f"/api/orders/?status=pending_payment&user={order['user_id']}",
                        headers=auth_headers(manager)).json
    assert [o["id"] for o in staff["results"]] == [order["id"]]
    testapp.get("/api/orders/?status=nonsense", headers=headers, status=400)


def test_checkout_with_another_address_is_refused_naming_shipping_address(testapp, db, shopper, make_product):
    user, headers = shopper
    size = sizes_of(db, make_product(stock=5))[0]
    add(testapp, headers, size, 1)
    intent = pay(testapp, headers).json["payment_intent_id"]
    elsewhere = {**ADDRESS, "line1": "1 Other Road", "city": "Paris", "country": "FR"}
    error = testapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent, "shipping_address": elsewhere},
                              headers=headers, status=409).json
    assert [(e["location"], e["name"]) for e in error["errors"]] == [("body", "shipping_address")]
    db.expire_all()
    assert db.get(Size, size.id).stock == 5  # nothing placed
    assert testapp.get("/api/orders/", headers=headers).json["count"] == 0
    # the same address, spelled with other case and spacing, is the intent's address; so is none at all
    spelled = {**ADDRESS, "name": "  ada   LOVELACE ", "country": "gb"}
    order = testapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent, "shipping_address": spelled},
                              headers=headers, status=201).json
    assert order["shipping_address"]["name"] == ADDRESS["name"] and order["shipping_address"]["city"] == "London"


def test_checkout_without_an_address_ships_to_the_intents_address(testapp, db, shopper, make_product):
    user, headers = shopper
    size = sizes_of(db, make_product(stock=5))[0]
    add(testapp, headers, size, 1)
    intent = pay(testapp, headers).json["payment_intent_id"]
    order = testapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent}, headers=headers,
                              status=201).json
    assert order["shipping_address"]["line1"] == ADDRESS["line1"]
