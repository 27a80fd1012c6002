"""Returns under concurrency, on PostgreSQL with real commits (20 rounds each).

* Two identical return requests at once (2 of the 3 units bought): one is created, the other
  answered 400 on the quantity — never more than bought.
* Two receipts of one approved return at once: one refunds (200), the other is answered 409;
  the order's ``amount_refunded``, the stock and the ledger show one refund."""
from __future__ import annotations

import uuid

import pytest
import webtest
from sqlalchemy import func, select

from core.accounts.models import User
from core.accounts.passwords import hash_password
from core.catalog.models import Size
from core.orders.models import Order
from core.returns.models import Return, ReturnItem
from core.testing import ADDRESS, TEST_PASSWORD, all_at_once, committed_session, committed_size, scratch_database
from plugins.payouts.models import LedgerEntry

pytestmark = pytest.mark.postgresql_only

ROUNDS = 20


@pytest.fixture(scope="module")
def race_db(enabled_plugins, db_kind):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL only")
    with scratch_database(enabled_plugins, {"agora.db.pool_size": "10", "agora.db.max_overflow": "10"}) as (url, app):
        yield url, app


def _people(url, app) -> dict:
    hashed = hash_password(TEST_PASSWORD)
    emails = {role: f"{role}-{uuid.uuid4().hex[:8]}@example.com" for role in ("customer", "manager")}
    with committed_session(url) as db, db.begin():
        for role, email in emails.items():
            db.add(User(email=email, password_hash=hashed, role=role, is_active=True, email_verified=True))
    client = webtest.TestApp(app)
    return {role: {"Authorization": "Bearer " + client.post_json(
        "/api/auth/login/", {"email": email, "password": TEST_PASSWORD}).json["access"]}
        for role, email in emails.items()}


def _delivered_order(app, headers, size_id: int, quantity: int) -> dict:
    client = webtest.TestApp(app)
    client.post_json("/api/cart/add/", {"size_id": size_id, "quantity": quantity}, headers=headers["customer"])
    intent = client.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                              headers=headers["customer"]).json
    order = client.post_json("/api/orders/checkout/", {"payment_intent_id": intent["payment_intent_id"]},
                             headers=headers["customer"]).json
    for status in ("paid", "shipped", "delivered"):
        order = client.post_json(f"/api/orders/{order['id']}/status/", {"status": status},
                                 headers=headers["manager"]).json
    return order


def test_two_identical_requests_at_once_never_return_more_than_bought(race_db):
    url, app = race_db
    headers = _people(url, app)
    size_id = committed_size(url, stock=1000)
    outcomes = []
    for _ in range(ROUNDS):
        order = _delivered_order(app, headers, size_id, 3)
        body = {"items": [{"order_item_id": order["items"][0]["id"], "quantity": 2, "reason": "twice"}]}

        def ask():
            return webtest.TestApp(app).post_json(f"/api/orders/{order['id']}/returns/", body,
                                                  headers=headers["customer"], expect_errors=True).status_int

        statuses = sorted(all_at_once([ask, ask]))
        outcomes.append(statuses)
        assert statuses == [201, 400], statuses
        with committed_session(url) as db:
            named = db.execute(select(func.sum(ReturnItem.quantity)).join(Return)
                               .where(Return.order_id == order["id"])).scalar_one()
            assert named == 2
    print(f"\nreturn requests, {ROUNDS} rounds of two at once: {outcomes.count([201, 400])} × [201, 400]")


def test_two_receipts_of_one_return_at_once_refund_once(race_db):
    url, app = race_db
    headers = _people(url, app)
    size_id = committed_size(url, stock=1000, price=1500)
    outcomes = []
    for _ in range(ROUNDS):
        order = _delivered_order(app, headers, size_id, 2)
        client = webtest.TestApp(app)
        ret = client.post_json(f"/api/orders/{order['id']}/returns/", {"items": [
            {"order_item_id": order["items"][0]["id"], "quantity": 1, "reason": "once"}]},
            headers=headers["customer"]).json
        client.post_json(f"/api/returns/{ret['id']}/approve/", {}, headers=headers["manager"])
        with committed_session(url) as db:
            stock = db.get(Size, size_id).stock

        def receive():
            return webtest.TestApp(app).post_json(f"/api/returns/{ret['id']}/receive/", {"restock": True},
                                                  headers=headers["manager"], expect_errors=True).status_int

        statuses = sorted(all_at_once([receive, receive]))
        outcomes.append(statuses)
        assert statuses == [200, 409], statuses
        with committed_session(url) as db:
            placed = db.get(Order, order["id"])
            assert placed.amount_refunded == 1500 and placed.payment_status == "partially_refunded"
            assert db.get(Size, size_id).stock == stock + 1
            assert db.execute(select(func.count(LedgerEntry.id)).where(
                LedgerEntry.order_id == order["id"], LedgerEntry.kind == "refund")).scalar_one() <= 1
    print(f"\nreceipts, {ROUNDS} rounds of two at once: {outcomes.count([200, 409])} × [200, 409]")
