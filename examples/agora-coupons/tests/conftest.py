"""Fixtures for the coupons plugin's tests, on top of Agora's own (``-p core.testing``).

The test app runs Agora's first-party plugins plus ``coupons``; ``localstripe_url`` (from
``plugins.payments.testing``) starts a real localstripe server for the Stripe flow (``pip install agora-coupons[test]``)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import webtest
from sqlalchemy.orm import Session

from agora_coupons.models import Coupon
from core import load, make_app
from core.db import utcnow
from core.testing import first_party_plugins, ini_for


@pytest.fixture(scope="session")
def enabled_plugins() -> list[str]:
    return first_party_plugins() + ["coupons"]


@pytest.fixture
def make_coupon(db):
    """``make_coupon(code="SAVE10", kind="percent", value=1000, **columns)`` → Coupon (value in
    hundredths of a percent or minor units, as stored)."""

    def make(code: str = "SAVE10", kind: str = "percent", value: int = 1000, **columns) -> Coupon:
        now = utcnow()
        coupon = Coupon(code=code.upper(), kind=kind, value=value, description="", minimum_subtotal=0,
                        times_used=0, categories=[], vendors=[], is_active=True, created_at=now, updated_at=now)
        for key, item in columns.items():
            setattr(coupon, key, item)
        db.add(coupon)
        db.flush()
        return coupon

    return make


@pytest.fixture
def yesterday():
    return utcnow() - timedelta(days=1)


@pytest.fixture
def shopper(customer, auth_headers):
    """(user, bearer headers) of a signed-in customer."""
    return customer, auth_headers(customer)


@pytest.fixture
def staff(manager, auth_headers):
    return auth_headers(manager)


@pytest.fixture
def app_with(database_url, connection):
    """``app_with(plugins, extra_ini)`` → a WebTest app with only those plugins enabled."""

    def build(plugins: list[str], extra: dict | None = None):
        settings, pm, loaded = load(ini_for(database_url, plugins, extra), environ={})
        app = make_app(settings, pm, loaded, dbsession_factory=lambda: Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))
        return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.3"})

    return build


# ---------------------------------------------------------------------------- Stripe
WEBHOOK_SECRET = "whsec_coupons_test"


def stripe_ini(database_url, plugins, localstripe_url, extra=None) -> dict:
    return ini_for(database_url, plugins, {
        "agora.payments.provider": "stripe",
        "agora.payments.stripe.api_key": "sk_test_coupons",
        "agora.payments.stripe.webhook_secret": WEBHOOK_SECRET,
        "agora.payments.stripe.api_base": localstripe_url,
        **(extra or {}),
    })


@pytest.fixture(scope="session")
def stripe_client(localstripe_url):
    import stripe

    return stripe.StripeClient("sk_test_coupons", base_addresses={"api": localstripe_url})


@pytest.fixture
def stripe_testapp(database_url, enabled_plugins, localstripe_url, engine, connection, hooks):
    settings, pm, loaded = load(stripe_ini(database_url, enabled_plugins, localstripe_url), environ={})
    app = make_app(settings, pm, loaded, dbsession_factory=lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))
    return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.4"})


def confirm(stripe_client, intent_id: str, card: str = "pm_card_visa"):
    """What Stripe.js does in the browser: attach a card and confirm the intent."""
    stripe_client.v1.payment_intents.update(intent_id, params={"payment_method": card})
    return stripe_client.v1.payment_intents.confirm(intent_id)
