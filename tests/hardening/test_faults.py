"""Faults: the database going away, the broker down, clients retrying, webhooks replayed.

Also covered elsewhere, not repeated here: concurrent duplicate checkouts of one intent and
oversold stock under load (``tests/plugins/payments/test_races.py``); a Stripe webhook replayed
after a dashboard refund, an authorized intent completed by its webhook
(``tests/plugins/payments/test_webhook.py``); mail written while the broker is down delivered
by the relay, SMTP retried with backoff (``tests/plugins/email/test_worker.py``,
``test_delivery.py``).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
import webtest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import InterfaceError, OperationalError

from core.db import engine_of
from core.hooks import hookimpl
from core.testing import ADDRESS, PG_ADMIN_URL


def _count(db, model, *where) -> int:
    return db.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _pay(testapp, headers, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    intent = testapp.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                               headers={**headers, **extra}).json
    return intent, {"payment_intent_id": intent["payment_intent_id"], "shipping_address": ADDRESS}


# ------------------------------------------------------------------ the database goes away
class FailOnce:
    """A plugin whose hook raises the database error a dead connection raises, once."""

    def __init__(self):
        self.armed = True
        self.error = OperationalError

    def _maybe_fail(self):
        if self.armed:
            self.armed = False
            raise self.error("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    @hookimpl
    def agora_order_placed(self, request, order):
        self._maybe_fail()

    @hookimpl
    def agora_product_visibility(self, query, request):
        self._maybe_fail()


@pytest.fixture
def fail_once(loaded):
    plugin = FailOnce()
    loaded[1].register(plugin, name="fail-once")
    yield plugin
    loaded[1].unregister(plugin)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_error_is_a_503_in_the_error_shape_and_the_next_request_works(error, testapp, fail_once):
    fail_once.error = error
    response = testapp.get("/api/products/", status=503)
    assert response.json["status"] == "error" and response.headers["Retry-After"]
    assert "SELECT" not in response.text and "Traceback" not in response.text
    testapp.get("/api/products/", status=200)


def test_a_checkout_cut_off_by_the_database_leaves_nothing_and_its_retry_places_one_order(
        testapp, db, world, fail_once):
    from core.catalog.models import Size
    from core.orders.models import Order

    headers = world.headers["manager"]
    stock = db.get(Size, world.ids["size_b"]).stock
    intent, body = _pay(testapp, headers)
    testapp.post_json("/api/orders/checkout/", body, headers=headers, status=503)
    db.expire_all()
    assert _count(db, Order, Order.payment_reference == intent["payment_intent_id"]) == 0
    assert db.get(Size, world.ids["size_b"]).stock == stock  # nothing half-written
    order = testapp.post_json("/api/orders/checkout/", body, headers=headers, status=201).json
    assert _count(db, Order, Order.payment_reference == intent["payment_intent_id"]) == 1
    db.expire_all()
    assert db.get(Size, world.ids["size_b"]).stock == stock - 1
    assert order["total"] == intent["amount"]


def _backend_pids(engine) -> list[int]:
    with engine.connect() as conn:
        return [conn.execute(text("SELECT pg_backend_pid()")).scalar_one()]


def _terminate(pids) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


class KillMyConnection:
    """While serving a product list, terminate the request's own database backend."""

    @hookimpl
    def agora_product_visibility(self, query, request):
        pid = request.db.execute(text("SELECT pg_backend_pid()")).scalar_one()
        _terminate([pid])
        time.sleep(0.05)


@pytest.mark.postgresql_only
def test_postgresql_connections_killed_under_the_app(base_ini, engine):
    """A real app (its own engine and pool): backends terminated between requests are replaced
    by ``pool_pre_ping``; a backend terminated in the middle of a request answers 503, and the
    request after it succeeds."""
    from core import load, make_app

    settings, pm, plugins = load({**base_ini, "agora.db.pool_size": "2"}, environ={})
    app = make_app(settings, pm, plugins)
    client = webtest.TestApp(app)
    app_engine = engine_of(app.registry)
    try:
        client.get("/api/categories/", status=200)
        _terminate(_backend_pids(app_engine))  # the pooled connection dies while idle
        client.get("/api/categories/", status=200)
        pm.register(KillMyConnection(), name="kill-my-connection")
        try:
            response = client.get("/api/products/", status=503)
        finally:
            pm.unregister(name="kill-my-connection")
        assert response.json["status"] == "error" and response.headers["Retry-After"]
        for _ in range(3):
            client.get("/api/products/", status=200)
        assert client.get("/api/health/").json["database"] == "ok"
    finally:
        app_engine.dispose()


# ------------------------------------------------------------------ the broker is down
def test_checkout_succeeds_with_the_broker_down_and_the_mail_waits_in_the_outbox(make_testapp, world, db):
    from core.orders.models import Order
    from plugins.email.models import OutboxMessage

    app = make_testapp(**{"agora.broker_url": "amqp://guest:guest@127.0.0.1:1//"})
    headers = world.headers["manager"]
    before = _count(db, OutboxMessage)
    started = time.monotonic()
    intent, body = _pay(app, headers)
    order = app.post_json("/api/orders/checkout/", body, headers=headers, status=201).json
    assert time.monotonic() - started < 10  # a refused broker costs milliseconds, not timeouts
    assert db.get(Order, order["id"]) is not None
    waiting = db.execute(select(OutboxMessage).where(OutboxMessage.published_at.is_(None))).scalars().all()
    assert _count(db, OutboxMessage) > before and waiting  # the relay publishes it when the broker is back
    assert all(m.status == "pending" for m in waiting)
    assert app.get("/api/health/").json["broker"].startswith("unavailable")


# ------------------------------------------------------------------ clients that retry
def test_a_checkout_retried_after_a_timeout_is_the_same_order(testapp, db, world):
    """The first answer was lost on the way: the client repeats everything it sent."""
    from core.catalog.models import Size
    from core.orders.models import Order
    from plugins.payments.models import PaymentIntentRecord

    headers = world.headers["manager"]
    stock = db.get(Size, world.ids["size_b"]).stock
    intent, body = _pay(testapp, headers, key="checkout-attempt-1")
    again, _ = _pay(testapp, headers, key="checkout-attempt-1")
    assert again == intent  # the same intent, not a second one to charge
    first = testapp.post_json("/api/orders/checkout/", body, headers=headers, status=201).json
    # Meanwhile the shopper put something else in the cart: the retry still answers the order.
    testapp.post_json("/api/cart/add/", {"size_id": world.ids["size_a2"], "quantity": 1}, headers=headers, status=201)
    retried = [testapp.post_json("/api/orders/checkout/", body, headers=headers, status=201).json for _ in range(2)]
    assert {o["id"] for o in retried} == {first["id"]} and retried[0]["total"] == first["total"]
    assert _count(db, Order, Order.user_id == world.users["manager"].id) == 1
    assert _count(db, PaymentIntentRecord, PaymentIntentRecord.user_id == world.users["manager"].id) == 1
    db.expire_all()
    assert db.get(Size, world.ids["size_b"]).stock == stock - 1
    cart = testapp.get("/api/cart/", headers=headers).json
    assert [i["size"]["id"] for i in cart["items"]] == [world.ids["size_a2"]]


# ------------------------------------------------------------------ webhooks twice, or out of order
SECRET = "whsec_hardening"


def _signed(event: dict) -> tuple[bytes, dict]:
    payload = json.dumps(event).encode()
    stamp = int(time.time())
    signature = hmac.new(SECRET.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, {"Stripe-Signature": f"t={stamp},v1={signature}", "Content-Type": "application/json"}


def _refund_event(event_id: str, reference: str, refunded: int) -> dict:
    charge = {"id": "ch_1", "object": "charge", "payment_intent": reference, "amount_refunded": refunded}
    return {"id": event_id, "object": "event", "type": "charge.refunded", "data": {"object": charge},
            "api_version": "2020-08-27", "created": int(time.time())}


def test_refund_webhooks_replayed_or_out_of_order_change_nothing(make_testapp, db, world, monkeypatch):
    """Stripe delivers at least once and in any order; amounts are cumulative, so an older event
    (a smaller ``amount_refunded``) or a replayed id is acknowledged and ignored."""
    from core.orders.models import Order

    for name in ("STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "AGORA_PAYMENTS_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    app = make_testapp(**{"agora.payments.provider": "stripe", "agora.payments.stripe.api_key": "sk_test_x",
                          "agora.payments.stripe.webhook_secret": SECRET,
                          "agora.payments.stripe.api_base": "http://127.0.0.1:1"})
    order = db.get(Order, world.ids["order"])
    order.payment_provider, order.payment_reference, order.payment_status = "stripe", "pi_hardening", "captured"
    db.flush()
    total = order.total

    def deliver(event, status=200):
        payload, headers = _signed(event)
        return app.post("/api/payments/webhook/stripe/", payload, headers=headers, status=status).json

    def state():
        db.expire_all()
        fresh = db.get(Order, world.ids["order"])
        return fresh.status, fresh.payment_status, fresh.amount_refunded, len(fresh.history)

    assert deliver(_refund_event("evt_partial", "pi_hardening", 500)) == {"received": True}
    after_partial = state()
    assert after_partial[2] == 500
    assert deliver(_refund_event("evt_partial", "pi_hardening", 500))["duplicate"] is True
    assert state() == after_partial
    assert deliver(_refund_event("evt_full", "pi_hardening", total)) == {"received": True}
    after_full = state()
    assert after_full[:3] == ("refunded", "refunded", total)
    # The older event arrives last under a new id: cumulative amounts say it is nothing new.
    assert deliver(_refund_event("evt_partial_late", "pi_hardening", 500)) == {"received": True}
    assert deliver(_refund_event("evt_full", "pi_hardening", total))["duplicate"] is True
    assert state() == after_full
    payload, headers = _signed(_refund_event("evt_forged", "pi_hardening", total))
    headers["Stripe-Signature"] = headers["Stripe-Signature"][:-4] + "0000"
    app.post("/api/payments/webhook/stripe/", payload, headers=headers, status=400)
