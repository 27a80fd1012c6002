"""Stripe webhooks: signatures, once-only processing, and what each event changes."""
import hashlib
import hmac
import json
import time
import uuid

from core.catalog.models import Size
from core.orders.models import Order
from core.testing import sizes_of
from plugins.payments.models import PaymentIntentRecord
from tests.plugins.payments.conftest import WEBHOOK_SECRET, confirm
from tests.plugins.payments.test_stripe_checkout import checkout, fill_cart_and_pay

URL = "/api/payments/webhook/stripe/"


def signed(event: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, dict]:
    payload = json.dumps(event).encode()
    stamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, {"Stripe-Signature": f"t={stamp},v1={signature}", "Content-Type": "application/json"}


def event(type_: str, obj: dict, event_id: str | None = None) -> dict:
    return {"id": event_id or f"evt_{uuid.uuid4().hex}", "object": "event", "type": type_,
            "data": {"object": obj}, "api_version": "2020-08-27", "created": int(time.time())}


def post(app, evt, status=200, secret=WEBHOOK_SECRET):
    payload, headers = signed(evt, secret)
    return app.post(URL, payload, headers=headers, status=status)


def test_missing_or_bad_signature_is_a_400_and_changes_nothing(stripe_testapp, db):
    evt = event("payment_intent.payment_failed", {"id": "pi_nope", "object": "payment_intent"})
    stripe_testapp.post(URL, json.dumps(evt).encode(), headers={"Content-Type": "application/json"}, status=400)
    post(stripe_testapp, evt, status=400, secret="whsec_wrong")
    payload, headers = signed(evt)
    stripe_testapp.post(URL, payload.replace(b"failed", b"faile2"), headers=headers, status=400)


def test_unknown_event_types_are_acknowledged(stripe_testapp):
    assert post(stripe_testapp, event("customer.created", {"id": "cus_1"})).json == {"received": True}


def test_an_authorized_intent_whose_checkout_never_came_is_completed(
        stripe_testapp, stripe_client, db, customer, auth_headers, make_product):
    headers = {"Authorization": "Bearer " + stripe_testapp.post_json(
        "/api/auth/login/", {"email": customer.email, "password": "correct horse battery staple"}).json["access"]}
    size = sizes_of(db, make_product(price=1500, stock=4))[0]
    intent = fill_cart_and_pay(stripe_testapp, headers, size, 2)
    remote = confirm(stripe_client, intent["payment_intent_id"])
    evt = event("payment_intent.amount_capturable_updated", remote.to_dict())
    post(stripe_testapp, evt)
    orders = stripe_testapp.get("/api/orders/", headers=headers).json["results"]
    assert len(orders) == 1 and orders[0]["payment"]["status"] == "captured" and orders[0]["total"] == "30.00"
    # The browser comes back late: same order, no second charge.
    again = checkout(stripe_testapp, headers, intent["payment_intent_id"]).json
    assert again["id"] == orders[0]["id"]
    assert post(stripe_testapp, evt).json["duplicate"] is True
    db.expire_all()
    assert db.get(Size, size.id).stock == 2


def test_a_dashboard_refund_cancels_restocks_and_replays_change_nothing(
        stripe_testapp, stripe_client, db, customer, make_product):
    headers = {"Authorization": "Bearer " + stripe_testapp.post_json(
        "/api/auth/login/", {"email": customer.email, "password": "correct horse battery staple"}).json["access"]}
    size = sizes_of(db, make_product(price=1000, stock=3))[0]
    intent = fill_cart_and_pay(stripe_testapp, headers, size, 1)
    confirm(stripe_client, intent["payment_intent_id"])
    order = checkout(stripe_testapp, headers, intent["payment_intent_id"]).json
    partial = event("charge.refunded", {"id": "ch_1", "object": "charge", "amount_refunded": 400,
                                        "payment_intent": intent["payment_intent_id"]})
    full = event("charge.refunded", {"id": "ch_1", "object": "charge", "amount_refunded": 1000,
                                     "payment_intent": intent["payment_intent_id"]})
    post(stripe_testapp, partial)
    assert stripe_testapp.get(f"/api/orders/{order['id']}/", headers=headers).json["payment"]["refunded"] == "4.00"
    post(stripe_testapp, full)
    after = stripe_testapp.get(f"/api/orders/{order['id']}/", headers=headers).json
    assert after["status"] == "refunded" and after["payment"]["refunded"] == "10.00"
    # An older event delivered late, and the same event again: nothing changes.
    post(stripe_testapp, event("charge.refunded", {"id": "ch_1", "object": "charge", "amount_refunded": 400,
                                                   "payment_intent": intent["payment_intent_id"]}))
    post(stripe_testapp, full)
    db.expire_all()
    assert db.get(Order, order["id"]).amount_refunded == 1000
    assert db.get(Size, size.id).stock == 3


def test_a_failed_payment_marks_the_intent_failed(stripe_testapp, stripe_client, db, customer, make_product):
    headers = {"Authorization": "Bearer " + stripe_testapp.post_json(
        "/api/auth/login/", {"email": customer.email, "password": "correct horse battery staple"}).json["access"]}
    size = sizes_of(db, make_product())[0]
    intent = fill_cart_and_pay(stripe_testapp, headers, size, 1)
    post(stripe_testapp, event("payment_intent.payment_failed",
                               {"id": intent["payment_intent_id"], "object": "payment_intent"}))
    db.expire_all()
    record = db.query(PaymentIntentRecord).filter_by(reference=intent["payment_intent_id"]).one()
    assert record.status == "failed"
    checkout(stripe_testapp, headers, intent["payment_intent_id"], status=409)
