"""Concurrent checkouts on PostgreSQL with real commits: no oversold unit, no double charge.

These run against their own freshly migrated database (real transactions, several
connections at once), dropped at the end."""
import uuid

import pytest
import webtest
from sqlalchemy import func, select

from core.accounts.models import User
from core.accounts.passwords import hash_password
from core.catalog.models import Size
from core.orders.models import Order
from core.testing import ADDRESS, TEST_PASSWORD, all_at_once, committed_session, committed_size, scratch_database
from tests.plugins.payments.conftest import confirm, stripe_settings

pytestmark = pytest.mark.postgresql_only


@pytest.fixture(scope="module")
def race_db(enabled_plugins, localstripe_url, db_kind):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL only")
    # The access log is on, as in production: its line is written after a lost race's abort.
    with scratch_database(enabled_plugins, stripe_settings(
            localstripe_url, {"agora.db.pool_size": "10", "agora.db.max_overflow": "20",
                              "agora.log_requests": "true"})) as (url, app):
        yield url, app


committed = committed_session




def buyers(url, app, count: int) -> list[dict]:
    hashed = hash_password(TEST_PASSWORD)
    emails = [f"racer-{uuid.uuid4().hex[:10]}@example.com" for _ in range(count)]
    with committed(url) as db, db.begin():
        db.add_all([User(email=e, password_hash=hashed, is_active=True, email_verified=True) for e in emails])
    client = webtest.TestApp(app)
    return [{"Authorization": "Bearer " + client.post_json(
        "/api/auth/login/", {"email": e, "password": TEST_PASSWORD},
        extra_environ={"REMOTE_ADDR": f"10.1.{i // 250}.{i % 250}"}).json["access"]} for i, e in enumerate(emails)]


def expire_reservations(url) -> None:
    from sqlalchemy import update

    from core.db import utcnow
    from core.orders.models import StockReservation

    with committed(url) as db, db.begin():
        db.execute(update(StockReservation).values(expires_at=utcnow()))


def authorized_intent(app, stripe_client, headers, size_id: int) -> str:
    client = webtest.TestApp(app)
    client.post_json("/api/cart/add/", {"size_id": size_id, "quantity": 1}, headers=headers, status=201)
    intent = client.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                              headers=headers).json["payment_intent_id"]
    confirm(stripe_client, intent)
    return intent


def checkout_call(app, headers, intent):
    def call():
        response = webtest.TestApp(app).post_json(
            "/api/orders/checkout/", {"payment_intent_id": intent, "shipping_address": ADDRESS},
            headers=headers, expect_errors=True)
        return response.status_int, response.json
    return call


def test_twenty_buyers_for_five_units_make_exactly_five_orders(race_db, stripe_client):
    url, app = race_db
    size_id = committed_size(url, stock=5)
    people = buyers(url, app, 20)
    intents = []
    for headers in people:
        intents.append(authorized_intent(app, stripe_client, headers, size_id))
        # Each intent's stock reservation is made to expire at once: twenty authorized payments
        # whose holds lapsed, racing for five units, is the oversell race the checkout's row
        # locks alone must win (with live holds, the sixth buyer is refused at the cart).
        expire_reservations(url)
    results = all_at_once([checkout_call(app, h, i) for h, i in zip(people, intents)])
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 5 + [409] * 15, statuses
    with committed(url) as db:
        assert db.get(Size, size_id).stock == 0
        assert db.execute(select(func.count(Order.id)).where(
            Order.payment_reference.in_(intents))).scalar_one() == 5
    for (status, _), intent in zip(results, intents):
        remote = stripe_client.v1.payment_intents.retrieve(intent)
        assert remote.status == ("succeeded" if status == 201 else "canceled")


def test_the_same_intent_five_times_at_once_is_one_order_and_one_capture(race_db, stripe_client):
    url, app = race_db
    size_id = committed_size(url, stock=3)
    [headers] = buyers(url, app, 1)
    intent = authorized_intent(app, stripe_client, headers, size_id)
    results = all_at_once([checkout_call(app, headers, intent) for _ in range(5)])
    assert [status for status, _ in results] == [201] * 5
    assert len({body["id"] for _, body in results}) == 1
    with committed(url) as db:
        assert db.get(Size, size_id).stock == 2
        assert db.execute(select(func.count(Order.id)).where(Order.payment_reference == intent)).scalar_one() == 1
    remote = stripe_client.v1.payment_intents.retrieve(intent)
    charge = stripe_client.v1.charges.retrieve(remote.latest_charge if isinstance(remote.latest_charge, str)
                                               else remote.latest_charge.id)
    assert remote.status == "succeeded" and charge.captured and charge.amount == remote.amount
    with committed(url) as db:
        order = db.execute(select(Order).where(Order.payment_reference == intent)).scalar_one()
        assert order.payment_status == "captured"  # a second capture attempt would have failed and said so
