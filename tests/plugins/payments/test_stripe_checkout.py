"""The purchase flow with the stripe provider against a real localstripe server."""
import pytest
import stripe

from core.catalog.models import Size
from core.testing import ADDRESS, sizes_of
from tests.plugins.payments.conftest import confirm


@pytest.fixture
def buyer(customer, stripe_testapp):
    from core.testing import TEST_PASSWORD

    tokens = stripe_testapp.post_json("/api/auth/login/", {"email": customer.email, "password": TEST_PASSWORD}).json
    return {"Authorization": f"Bearer {tokens['access']}"}


def fill_cart_and_pay(app, headers, size, quantity=1):
    app.post_json("/api/cart/add/", {"size_id": size.id, "quantity": quantity}, headers=headers, status=201)
    return app.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS}, headers=headers).json


def checkout(app, headers, intent_id, status=201):
    return app.post_json("/api/orders/checkout/", {"payment_intent_id": intent_id, "shipping_address": ADDRESS},
                         headers=headers, status=status)


def test_authorize_checkout_capture(stripe_testapp, stripe_client, db, buyer, make_product):
    size = sizes_of(db, make_product(price=1999, stock=5))[0]
    intent = fill_cart_and_pay(stripe_testapp, buyer, size, 3)
    assert intent["provider"] == "stripe" and intent["amount"] == "59.97" and intent["client_secret"]
    remote = stripe_client.v1.payment_intents.retrieve(intent["payment_intent_id"])
    assert remote.amount == 5997 and remote.capture_method == "manual"
    confirm(stripe_client, intent["payment_intent_id"])
    order = checkout(stripe_testapp, buyer, intent["payment_intent_id"]).json
    assert order["status"] == "paid" and order["payment"]["status"] == "captured"
    assert order["total"] == "59.97"
    assert stripe_client.v1.payment_intents.retrieve(intent["payment_intent_id"]).status == "succeeded"
    db.expire_all()
    assert db.get(Size, size.id).stock == 2


def test_an_unconfirmed_intent_is_refused_with_402(stripe_testapp, db, buyer, make_product):
    size = sizes_of(db, make_product())[0]
    intent = fill_cart_and_pay(stripe_testapp, buyer, size)
    body = checkout(stripe_testapp, buyer, intent["payment_intent_id"], status=402).json
    assert "not authorized" in body["errors"][0]["description"]


def test_a_declined_card_gets_no_order(stripe_testapp, stripe_client, db, buyer, make_product):
    size = sizes_of(db, make_product())[0]
    intent = fill_cart_and_pay(stripe_testapp, buyer, size)
    with pytest.raises(stripe.StripeError):
        confirm(stripe_client, intent["payment_intent_id"], card="pm_card_chargeCustomerFail")
    checkout(stripe_testapp, buyer, intent["payment_intent_id"], status=402)
    assert stripe_testapp.get("/api/orders/", headers=buyer).json["count"] == 0


def test_out_of_stock_releases_the_authorization(stripe_testapp, stripe_client, db, buyer, make_product):
    size = sizes_of(db, make_product(stock=2))[0]
    intent = fill_cart_and_pay(stripe_testapp, buyer, size, 2)
    confirm(stripe_client, intent["payment_intent_id"])
    db.get(Size, size.id).stock = 1
    db.flush()
    checkout(stripe_testapp, buyer, intent["payment_intent_id"], status=409)
    assert stripe_client.v1.payment_intents.retrieve(intent["payment_intent_id"]).status == "canceled"


def test_cancel_after_capture_refunds(stripe_testapp, stripe_client, db, buyer, make_product):
    size = sizes_of(db, make_product(price=2500, stock=3))[0]
    intent = fill_cart_and_pay(stripe_testapp, buyer, size, 1)
    confirm(stripe_client, intent["payment_intent_id"])
    order = checkout(stripe_testapp, buyer, intent["payment_intent_id"]).json
    cancelled = stripe_testapp.post(f"/api/orders/{order['id']}/cancel/", headers=buyer).json
    assert cancelled["status"] == "refunded" and cancelled["payment"]["status"] == "refunded"
    assert [h["status"] for h in cancelled["status_history"]][-2:] == ["cancelled", "refunded"]
    refunds = stripe_client.v1.refunds.list(params={"payment_intent": intent["payment_intent_id"]})
    assert sum(r.amount for r in refunds.data) == 2500
    db.expire_all()
    assert db.get(Size, size.id).stock == 3


def test_amount_charged_equals_the_order_total_with_shipping_and_tax(
        stripe_loaded, connection, hooks, stripe_client, db, make_user, make_product, localstripe_url, database_url,
        enabled_plugins):
    import webtest
    from sqlalchemy.orm import Session

    from core import load, make_app
    from core.testing import TEST_PASSWORD
    from tests.plugins.payments.conftest import stripe_ini

    settings, pm, plugins = load(stripe_ini(database_url, enabled_plugins, localstripe_url, {
        "agora.checkout.shipping_flat": "4.99", "agora.checkout.tax_rate": "0.0825"}), environ={})
    app = webtest.TestApp(make_app(settings, pm, plugins, dbsession_factory=lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint")))
    user = make_user()
    headers = {"Authorization": "Bearer " + app.post_json(
        "/api/auth/login/", {"email": user.email, "password": TEST_PASSWORD}).json["access"]}
    size = sizes_of(db, make_product(price=1999))[0]
    intent = fill_cart_and_pay(app, headers, size, 3)
    # 59.97 + 8.25 % tax (4.947525 → 4.95) + 4.99 shipping = 69.91
    assert intent["amount"] == "69.91"
    assert stripe_client.v1.payment_intents.retrieve(intent["payment_intent_id"]).amount == 6991
    confirm(stripe_client, intent["payment_intent_id"])
    order = checkout(app, headers, intent["payment_intent_id"]).json
    assert (order["subtotal"], order["tax"], order["shipping"], order["total"]) == ("59.97", "4.95", "4.99", "69.91")
