"""Fixtures for the payments plugin: a real localstripe server and apps that use it."""

import pytest
import stripe
import webtest
from sqlalchemy.orm import Session

from core import load, make_app
from core.testing import ini_for

WEBHOOK_SECRET = "whsec_agora_test_secret"


@pytest.fixture(scope="session")
def stripe_client(localstripe_url):
    return stripe.StripeClient("sk_test_agora", base_addresses={"api": localstripe_url})


def stripe_settings(localstripe_url, extra=None) -> dict:
    """The ini keys that select the stripe provider and point it at localstripe."""
    return {
        "agora.payments.provider": "stripe",
        "agora.payments.stripe.api_key": "sk_test_agora",
        "agora.payments.stripe.webhook_secret": WEBHOOK_SECRET,
        "agora.payments.stripe.api_base": localstripe_url,
        **(extra or {}),
    }


def stripe_ini(database_url, plugins, localstripe_url, extra=None):
    return ini_for(database_url, plugins, stripe_settings(localstripe_url, extra))


@pytest.fixture(scope="session")
def stripe_loaded(database_url, enabled_plugins, localstripe_url, engine):
    return load(stripe_ini(database_url, enabled_plugins, localstripe_url), environ={})


@pytest.fixture
def stripe_app(stripe_loaded, connection, hooks):
    settings, pm, plugins = stripe_loaded
    return make_app(settings, pm, plugins, dbsession_factory=lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))


@pytest.fixture
def stripe_testapp(stripe_app):
    return webtest.TestApp(stripe_app, extra_environ={"REMOTE_ADDR": "10.0.0.2"})


def confirm(stripe_client, intent_id: str, card: str = "pm_card_visa"):
    """What the storefront's Stripe.js does in the browser: attach a card, confirm the intent.

    (localstripe refuses a payment_method passed to confirm itself: "Not implemented".)"""
    stripe_client.v1.payment_intents.update(intent_id, params={"payment_method": card})
    return stripe_client.v1.payment_intents.confirm(intent_id)
