"""Two app instances (two gunicorn servers, stand-ins for two hosts) on one PostgreSQL and one
RabbitMQ (a private vhost): per-worker caches, throttles, stock and payout runs hold across them.

What is shared lives in the database: the catalog version (every worker's caches are keyed by
it), the throttle counters (``core.accounts.throttle``), stock under row locks, and the payout
claims.  Each check makes a change through one instance and observes it through the other."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from core.accounts.models import User
from core.accounts.passwords import hash_password
from core.catalog.models import Size, Vendor
from core.orders.models import Order
from core.testing import TEST_PASSWORD, all_at_once, committed_session, first_party_plugins, scratch_database
from tests.bench.checkout_bench import ADDRESS, fill_cart, reserve, seed
from tests.bench.harness import Client, env_for, gunicorn, rabbitmq_vhost

pytestmark = pytest.mark.postgresql_only


@pytest.fixture(scope="module")
def instances(db_kind):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL only")
    with scratch_database(first_party_plugins()) as (url, _app), rabbitmq_vhost("agora-scale") as broker:
        env = env_for(url, AGORA_BROKER_URL=broker, AGORA_PAYMENTS_PROVIDER="manual", AGORA_PAYOUTS_HOLD_DAYS="0",
                      AGORA_LOG_REQUESTS="false")
        with gunicorn(env, workers=1) as (port_a, _), gunicorn(env, workers=1) as (port_b, _):
            yield url, port_a, port_b


def _user(url, role="customer") -> str:
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    with committed_session(url) as db, db.begin():
        db.add(User(email=email, password_hash=hash_password(TEST_PASSWORD), role=role, is_active=True,
                    email_verified=True))
    return email


def _login(port, email) -> dict:
    status, body = Client(port).call("POST", "/api/auth/login/", {"email": email, "password": TEST_PASSWORD})
    assert status == 200, body
    return {"Authorization": f"Bearer {body['access']}"}


def test_a_catalog_change_through_one_is_seen_through_the_other_at_once(instances):
    url, a, b = instances
    reader = Client(b)
    slugs = lambda: {c["slug"] for c in reader.call("GET", "/api/categories/")[1]}  # noqa: E731
    assert "two-hosts" not in slugs()  # B has cached the tree for the current version
    manager = _login(a, _user(url, "manager"))
    status, body = Client(a).call("POST", "/api/categories/", {"name": "Two hosts", "slug": "two-hosts"}, manager)
    assert status == 201, body
    assert "two-hosts" in slugs()


def test_login_throttling_counts_failures_made_on_both(instances):
    url, a, b = instances
    email = _user(url)
    wrong = {"email": email, "password": "not the password at all"}
    statuses = [Client(port).call("POST", "/api/auth/login/", wrong)[0] for port in (a, b, a, b, a)]
    assert statuses == [401] * 5
    for port in (a, b):  # the account's limit (5) was reached across the two instances
        assert Client(port).call("POST", "/api/auth/login/", {**wrong, "password": TEST_PASSWORD})[0] == 429


def test_the_last_unit_is_reserved_and_sold_once_when_two_instances_race_for_it(instances):
    """Both carts hold the last unit; both buyers create their payment intents at once, one on
    each instance: the reservation (a row in the shared database, sizes locked) admits one, the
    other is refused (409) on the other host; the winner checks out and the unit is sold once."""
    url, a, b = instances
    emails, [size_id] = seed(url, buyers=2, sizes=1, stock=1)
    carts = [(port, fill_cart(port, email, size_id)) for port, email in zip((a, b), emails)]
    reserved = all_at_once([lambda port=port, headers=headers: reserve(port, headers, None) for port, headers in carts])
    assert sorted(status for status, _ in reserved) == [200, 409], reserved
    (port, headers), (_, intent) = next((cart, r) for cart, r in zip(carts, reserved) if r[0] == 200)
    # The holder's unit is not available to anyone else, through either instance.
    for other in (a, b):
        status, body = Client(other).call("GET", f"/api/products/{_product_slug(url, size_id)}/")
        assert status == 200 and body["variants"][0]["sizes"][0]["stock"] == 0, body
    status, _ = Client(port).call("POST", "/api/orders/checkout/",
                                  {"payment_intent_id": intent, "shipping_address": ADDRESS}, headers)
    assert status == 201
    with committed_session(url) as db:
        assert db.get(Size, size_id).stock == 0
        assert db.execute(select(func.count(Order.id)).where(Order.payment_reference == intent)).scalar_one() == 1


def _product_slug(url, size_id) -> str:
    from core.catalog.models import Product, Variant

    with committed_session(url) as db:
        return db.execute(select(Product.slug).join(Variant, Variant.product_id == Product.id)
                          .join(Size, Size.variant_id == Variant.id).where(Size.id == size_id)).scalar_one()


def test_payout_runs_on_both_instances_at_once_pay_each_vendor_once(instances):
    from plugins.payouts.ledger import add_adjustment
    from plugins.payouts.models import Payout

    url, a, b = instances
    with committed_session(url) as db, db.begin():
        owner = User(email=f"v-{uuid.uuid4().hex[:8]}@example.com", password_hash="x", role="vendor", is_active=True,
                     email_verified=True)
        db.add(owner)
        db.flush()
        vendor = Vendor(user_id=owner.id, name="Two hosts", slug=f"two-hosts-{uuid.uuid4().hex[:6]}",
                        description="", status="approved")
        db.add(vendor)
        db.flush()
        add_adjustment(db, vendor.id, 4200, "earned", None, "USD")
        vendor_id = vendor.id
    manager = _login(a, _user(url, "manager"))
    run = lambda port: lambda: Client(port).call("POST", "/api/manager/payouts/run/", None, manager)  # noqa: E731
    results = all_at_once([run(a), run(b)])
    assert all(status in (200, 201) for status, _ in results), results
    with committed_session(url) as db:
        payouts = db.execute(select(Payout).where(Payout.vendor_id == vendor_id)).scalars().all()
    assert [p.amount for p in payouts] == [4200]
