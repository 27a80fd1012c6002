"""Fixtures of the payouts plugin's tests: a two-vendor shop, orders bought through the API,
apps with the sale hold switched off, and the Stripe Connect stand-in.

``shop`` holds two approved vendors (each with a product in its own category), a customer and
a manager with bearer headers; ``shop.order(app, [(size_id, quantity), ...])`` buys through the
cart and the manual provider, and ``shop.pay(app, order_id)`` is the manager marking it paid
(the ``agora_order_paid`` event the plugin settles on)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import load, make_app
from core.catalog.models import Category
from core.testing import ADDRESS, sizes_of
from tests.plugins.payouts.connect_standin import ConnectStandIn

NO_HOLD = {"agora.payouts.hold_days": "0"}


def app_on(loaded_triple, connection, hooks=None) -> webtest.TestApp:
    settings, pm, plugins = loaded_triple
    app = make_app(settings, pm, plugins, dbsession_factory=lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))
    return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.3"})


@pytest.fixture(scope="session")
def connect_standin():
    standin = ConnectStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture
def standin(connect_standin):
    connect_standin.reset()
    return connect_standin


@pytest.fixture(scope="session")
def paying_loaded(base_ini, engine):
    """The test app's configuration with sales available at once (hold_days = 0)."""
    return load({**base_ini, **NO_HOLD}, environ={})


@pytest.fixture
def paying_app(paying_loaded, connection, hooks):
    return app_on(paying_loaded, connection)


def connect_settings(standin_url: str, extra: dict | None = None) -> dict:
    return {"agora.payouts.provider": "stripe", "agora.payouts.stripe.api_key": "sk_test_agora_connect",
            "agora.payouts.stripe.api_base": standin_url, **NO_HOLD, **(extra or {})}


@pytest.fixture(scope="session")
def connect_loaded(base_ini, engine, localstripe_url, connect_standin):
    """Stripe for payments (localstripe) and Stripe Connect for payouts (the stand-in)."""
    from tests.plugins.payments.conftest import stripe_settings

    return load({**base_ini, **stripe_settings(localstripe_url), **connect_settings(connect_standin.url)}, environ={})


@pytest.fixture
def connect_app(connect_loaded, connection, hooks, standin):
    return app_on(connect_loaded, connection)


@dataclass
class Shop:
    db: object
    vendors: list = field(default_factory=list)
    vendor_headers: list = field(default_factory=list)
    sizes: list = field(default_factory=list)  # one size id per vendor (stock 1000)
    categories: list = field(default_factory=list)
    customer_headers: dict = field(default_factory=dict)
    manager_headers: dict = field(default_factory=dict)

    def order(self, app, lines, headers=None) -> dict:
        """Buy ``[(size_id, quantity), ...]`` through the cart and the manual provider."""
        headers = headers or self.customer_headers
        for size_id, quantity in lines:
            app.post_json("/api/cart/add/", {"size_id": size_id, "quantity": quantity}, headers=headers, status=201)
        intent = app.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                               headers=headers).json
        return app.post_json("/api/orders/checkout/", {"payment_intent_id": intent["payment_intent_id"],
                                                       "shipping_address": ADDRESS}, headers=headers, status=201).json

    def pay(self, app, order_id: int) -> dict:
        return app.post_json(f"/api/orders/{order_id}/status/", {"status": "paid"}, headers=self.manager_headers).json

    def paid_order(self, app, lines) -> dict:
        order = self.order(app, lines)
        self.pay(app, order["id"])
        return order


@pytest.fixture
def shop(db, make_vendor, make_product, auth_headers, customer, manager) -> Shop:
    s = Shop(db=db)
    for name, price in (("Loom", 2000), ("Kiln", 3333)):
        vendor = make_vendor(name=name)
        slug = f"{name.lower()}-goods-{secrets.token_hex(3)}"
        category = Category(name=slug, slug=slug)
        db.add(category)
        db.flush()
        product = make_product(price=price, stock=1000, vendor=vendor, category=category)
        s.vendors.append(vendor)
        s.categories.append(category)
        s.sizes.append(sizes_of(db, product)[0].id)
        s.vendor_headers.append(auth_headers(vendor.user))
    s.customer_headers = auth_headers(customer)
    s.manager_headers = auth_headers(manager)
    return s


def entries(db, vendor_id: int, kind: str | None = None) -> list:
    from plugins.payouts.models import LedgerEntry

    query = select(LedgerEntry).where(LedgerEntry.vendor_id == vendor_id).order_by(LedgerEntry.id)
    if kind:
        query = query.where(LedgerEntry.kind == kind)
    return list(db.execute(query).scalars())
