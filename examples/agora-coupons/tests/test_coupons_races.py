"""Concurrent checkouts on PostgreSQL with real commits never over-use a coupon.

They run against their own freshly created and migrated database (several connections at
once, real transactions), dropped at the end."""
from __future__ import annotations

import uuid

import pytest
import webtest
from conftest import confirm, stripe_ini
from sqlalchemy import func, select

from agora_coupons.models import Coupon, CouponUsage
from core.accounts.models import User
from core.accounts.passwords import hash_password
from core.db import utcnow
from core.orders.models import Order
from core.testing import (
    ADDRESS,
    TEST_PASSWORD,
    all_at_once,
    committed_session,
    new_product,
    scratch_database,
    sizes_of,
)

pytestmark = pytest.mark.postgresql_only


@pytest.fixture(scope="module")
def race_db(enabled_plugins, localstripe_url, db_kind, database_url):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL only")
    ini = stripe_ini(database_url, enabled_plugins, localstripe_url,
                     {"agora.db.pool_size": "10", "agora.db.max_overflow": "20"})
    extra = {k: v for k, v in ini.items() if k.startswith(("agora.payments", "agora.db", "agora.coupons"))}
    with scratch_database(enabled_plugins, extra) as (url, app):
        yield url, app


committed = committed_session


def make_sizes(url, count: int) -> list[int]:
    """``count`` products of 10.00 with plenty of stock: the buyers never contend for a size."""
    with committed(url) as db, db.begin():
        return [sizes_of(db, new_product(db, name=f"Tee {i}", price=1000, stock=50))[0].id for i in range(count)]


def make_coupon(url, **columns) -> int:
    now = utcnow()
    with committed(url) as db, db.begin():
        coupon = Coupon(code=f"RACE{uuid.uuid4().hex[:8].upper()}", kind="percent", value=1000, description="",
                        minimum_subtotal=0, times_used=0, categories=[], vendors=[], is_active=True,
                        created_at=now, updated_at=now, **columns)
        db.add(coupon)
        db.flush()
        return coupon.id


def buyers(url, app, count: int) -> list[dict]:
    hashed = hash_password(TEST_PASSWORD)
    emails = [f"couponer-{uuid.uuid4().hex[:10]}@example.com" for _ in range(count)]
    with committed(url) as db, db.begin():
        db.add_all([User(email=e, password_hash=hashed, is_active=True, email_verified=True) for e in emails])
    client = webtest.TestApp(app)
    return [{"Authorization": "Bearer " + client.post_json(
        "/api/auth/login/", {"email": e, "password": TEST_PASSWORD},
        extra_environ={"REMOTE_ADDR": f"10.2.{i // 250}.{i % 250}"}).json["access"]} for i, e in enumerate(emails)]


def code_of(url, coupon_id: int) -> str:
    with committed(url) as db:
        return db.get(Coupon, coupon_id).code


def authorized_intent(app, stripe_client, headers, size_id: int, code: str, key: str | None = None) -> str:
    client = webtest.TestApp(app)
    if key is None or key.endswith("-1"):
        client.post_json("/api/cart/add/", {"size_id": size_id, "quantity": 1}, headers=headers, status=201)
        cart = client.post_json("/api/cart/coupon/", {"code": code}, headers=headers).json
        assert cart["total"] == "9.00", cart
    extra = {"Idempotency-Key": key} if key else {}
    intent = client.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                              headers={**headers, **extra}).json
    assert intent["amount"] == "9.00"
    confirm(stripe_client, intent["payment_intent_id"])
    return intent["payment_intent_id"]


def checkout_call(app, headers, intent):
    def call():
        response = webtest.TestApp(app).post_json(
            "/api/orders/checkout/", {"payment_intent_id": intent, "shipping_address": ADDRESS},
            headers=headers, expect_errors=True)
        return response.status_int, response.json
    return call


def test_ten_buyers_for_three_uses_make_exactly_three_discounted_orders(race_db, stripe_client):
    url, app = race_db
    coupon_id = make_coupon(url, usage_limit=3)
    code = code_of(url, coupon_id)
    sizes = make_sizes(url, 10)
    people = buyers(url, app, 10)
    intents = [authorized_intent(app, stripe_client, h, s, code) for h, s in zip(people, sizes)]
    results = all_at_once([checkout_call(app, h, i) for h, i in zip(people, intents)])
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 3, results
    refused = [body for status, body in results if status != 201]
    assert all(status in (400, 409) for status in statuses if status != 201), results
    assert all("coupon" in body["errors"][0]["description"].lower() or body["errors"][0]["name"] == "payment_intent_id"
               for body in refused), refused
    assert all(body["discount"] == "1.00" and body["total"] == "9.00" for status, body in results if status == 201)
    with committed(url) as db:
        assert db.get(Coupon, coupon_id).times_used == 3
        assert db.execute(select(func.count(CouponUsage.id)).where(CouponUsage.coupon_id == coupon_id)).scalar_one() == 3
        assert db.execute(select(func.count(Order.id)).where(Order.payment_reference.in_(intents))).scalar_one() == 3


def test_one_customer_paying_twice_at_once_uses_a_once_per_customer_code_once(race_db, stripe_client):
    url, app = race_db
    coupon_id = make_coupon(url, per_customer_limit=1)
    code = code_of(url, coupon_id)
    [size] = make_sizes(url, 1)
    [headers] = buyers(url, app, 1)
    intents = [authorized_intent(app, stripe_client, headers, size, code, key=f"{coupon_id}-{n}") for n in (1, 2)]
    results = all_at_once([checkout_call(app, headers, intent) for intent in intents])
    assert sorted(status for status, _ in results)[0] == 201
    assert [status for status, _ in results].count(201) == 1, results
    with committed(url) as db:
        assert db.execute(select(func.count(CouponUsage.id)).where(CouponUsage.coupon_id == coupon_id)).scalar_one() == 1
