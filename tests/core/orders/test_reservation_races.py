"""Reservations under real concurrency (PostgreSQL, real commits, several connections at once).

Set ``AGORA_RACE_RUNS=20`` to run every race twenty times (``make test`` runs each once)."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
import webtest
from sqlalchemy import func, select, update

from core.catalog.models import Size
from core.db import utcnow
from core.orders.models import Order, StockReservation
from core.testing import ADDRESS, all_at_once, committed_session, committed_size, scratch_database
from plugins.cart.models import CartItem
from tests.plugins.payments.test_races import buyers

pytestmark = pytest.mark.postgresql_only
RUNS = range(int(os.environ.get("AGORA_RACE_RUNS", "1")))


@pytest.fixture(scope="module")
def race_db(enabled_plugins, db_kind):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL only")
    with scratch_database(enabled_plugins, {"agora.db.pool_size": "10", "agora.db.max_overflow": "25",
                                            "agora.payments.provider": "manual"}) as (url, app):
        yield url, app


def call(app, method, path, headers, body=None):
    def run():
        client = webtest.TestApp(app)
        response = getattr(client, f"{method}_json")(path, body or {}, headers=headers, expect_errors=True)
        return response.status_int, response.json
    return run


def add(app, headers, size_id, quantity=1, status=201):
    return webtest.TestApp(app).post_json("/api/cart/add/", {"size_id": size_id, "quantity": quantity},
                                          headers=headers, status=status)


def intent_call(app, headers):
    return call(app, "post", "/api/orders/create-payment-intent/", headers, {"shipping_address": ADDRESS})


def checkout_call(app, headers, intent):
    return call(app, "post", "/api/orders/checkout/", headers, {"payment_intent_id": intent})


def live_reservations(url, size_id) -> tuple[int, int]:
    with committed_session(url) as db:
        return db.execute(select(func.count(StockReservation.id), func.coalesce(func.sum(StockReservation.quantity), 0))
                          .where(StockReservation.size_id == size_id, StockReservation.expires_at > utcnow())).one()


def stock(url, size_id) -> int:
    with committed_session(url) as db:
        return db.get(Size, size_id).stock


@pytest.mark.parametrize("run", RUNS)
def test_ten_holders_of_the_ten_units_all_check_out_at_once(race_db, run):
    url, app = race_db
    size_id = committed_size(url, stock=10)
    people = buyers(url, app, 11)
    for headers in people:
        add(app, headers, size_id)  # nothing is held yet: all eleven carts fit
    intents = []
    for headers in people[:10]:
        status, body = intent_call(app, headers)()
        assert status == 200, body
        intents.append(body["payment_intent_id"])
    status, body = intent_call(app, people[10])()
    assert status == 409 and body["errors"][0]["available"] == 0, body  # the 11th: refused at reservation
    results = all_at_once([checkout_call(app, h, i) for h, i in zip(people, intents)])
    assert sorted(s for s, _ in results) == [201] * 10, results
    assert stock(url, size_id) == 0 and live_reservations(url, size_id) == (0, 0)
    with committed_session(url) as db:
        assert db.execute(select(func.count(Order.id)).where(Order.payment_reference.in_(intents))).scalar_one() == 10


@pytest.mark.parametrize("run", RUNS)
def test_twenty_buyers_racing_to_reserve_five_units_get_five_reservations(race_db, run):
    url, app = race_db
    size_id = committed_size(url, stock=5)
    people = buyers(url, app, 20)
    for headers in people:
        add(app, headers, size_id)
    results = all_at_once([intent_call(app, h) for h in people])
    assert sorted(s for s, _ in results) == [200] * 5 + [409] * 15, results
    assert live_reservations(url, size_id) == (5, 5)
    assert stock(url, size_id) == 5  # reserving takes no stock; checkout does


@pytest.mark.parametrize("run", RUNS)
def test_expiry_frees_units_and_a_late_checkout_sells_only_what_is_left(race_db, run):
    url, app = race_db
    size_id = committed_size(url, stock=3)
    late, next_buyer = buyers(url, app, 2)
    add(app, late, size_id, 2)
    add(app, next_buyer, size_id, 2)
    status, body = intent_call(app, late)()
    late_intent = body["payment_intent_id"]
    assert intent_call(app, next_buyer)()[0] == 409  # 3 − 2 held by the other: 1 left
    with committed_session(url) as db, db.begin():
        db.execute(update(StockReservation).where(StockReservation.payment_reference == late_intent)
                   .values(expires_at=utcnow() - timedelta(seconds=1)))
    status, body = intent_call(app, next_buyer)()  # the expired hold no longer counts
    assert status == 200, body
    results = all_at_once([checkout_call(app, late, late_intent),
                           checkout_call(app, next_buyer, body["payment_intent_id"])])
    assert [s for s, _ in results] == [409, 201], results
    assert "has 1 left" in results[0][1]["errors"][0]["description"]
    assert stock(url, size_id) == 1


@pytest.mark.parametrize("run", RUNS)
def test_merge_and_adds_racing_on_one_cart_lose_no_quantity(race_db, run):
    url, app = race_db
    size_id = committed_size(url, stock=500)
    [owner] = buyers(url, app, 1)
    add(app, owner, size_id, 1)
    client = webtest.TestApp(app)
    token = client.post_json("/api/cart/guest/", {}, status=201).json["token"]
    add(app, {"X-Cart-Token": token}, size_id, 2)
    calls = [call(app, "post", "/api/cart/merge/", owner, {"token": token})]
    calls += [call(app, "post", "/api/cart/add/", owner, {"size_id": size_id, "quantity": 1}) for _ in range(5)]
    results = all_at_once(calls)
    assert [s for s, _ in results] == [200] + [201] * 5, results
    with committed_session(url) as db:
        quantities = db.execute(select(CartItem.quantity).where(CartItem.size_id == size_id)).scalars().all()
    assert quantities == [1 + 2 + 5], quantities  # one row (the guest cart is gone), nothing lost
