"""Fixtures of the hardening suite: a small shop with every kind of caller and object.

``world`` holds a customer with an order, a cart item and a wishlist entry; a pending
(unapproved) vendor; two approved vendors each with a product (vendor A's product is in the
customer's order and has an uploaded-style image); a manager and an admin; a category; and
a fresh verification and reset token.  ``world.headers[role]`` are bearer headers minted
directly (no argon2 round per login), ``world.refresh[role]`` the matching refresh tokens.

``isolated(connection)`` runs a block inside a savepoint that is rolled back afterwards, so
a table of calls that change state (logout, cancel, ship...) each start from the same world.
"""
from __future__ import annotations

import contextlib
import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from PIL import Image as PILImage

from core.security import token_codec_of
from core.testing import ADDRESS, TEST_PASSWORD, sizes_of

ROLES = ("anonymous", "customer", "pending_vendor", "vendor", "other_vendor", "manager", "admin")


def mint_tokens(app, db, user) -> tuple[dict, str]:
    """Bearer headers and a refresh token for ``user``: a login session written directly."""
    from core.accounts.models import LoginSession
    from core.db import utcnow

    codec = token_codec_of(app.registry)
    session = LoginSession(id=secrets.token_hex(16), user_id=user.id, current_refresh_jti=secrets.token_hex(16),
                           expires_at=utcnow() + timedelta(seconds=codec.refresh_ttl))
    db.add(session)
    db.flush()
    access = codec.access_token(user, session.id, secrets.token_hex(16))
    refresh = codec.refresh_token(user, session.id, session.current_refresh_jti)
    return {"Authorization": f"Bearer {access}"}, refresh


@contextlib.contextmanager
def isolated(connection):
    """Everything the app writes inside the block is rolled back at its end."""
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        if savepoint.is_active:
            savepoint.rollback()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class World:
    users: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    refresh: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)


def _public_targets_only():
    from plugins.webhooks.settings import DeliveryConfig

    return DeliveryConfig(allow_private_targets=False, require_https=True, timeout=1, retry_schedule=(),
                          lease_margin=1, concurrency=1, poll_interval=1)


@pytest.fixture
def world(app, testapp, db, make_user, make_vendor, make_product):
    """The shop every hardening test starts from (see the module docstring)."""
    from core.accounts import tokens
    from core.catalog.models import Category, Image
    from core.orders.models import Order
    from plugins.cart.items import add_to_cart
    from plugins.wishlist.models import WishlistItem

    w = World()
    users = w.users
    users["customer"] = make_user("customer")
    users["pending_vendor"] = make_user("customer")
    users["vendor"] = make_user("vendor")
    users["other_vendor"] = make_user("vendor")
    users["manager"] = make_user("manager")
    users["admin"] = make_user("admin")
    users["unverified"] = make_user("customer", verified=False)
    vendors = {"pending_vendor": make_vendor("pending", name="Pending Shop", user=users["pending_vendor"]),
               "vendor": make_vendor(name="Shop A", user=users["vendor"]),
               "other_vendor": make_vendor(name="Shop B", user=users["other_vendor"])}
    category = Category(name="Hardening", slug=f"hardening-{secrets.token_hex(3)}")
    db.add(category)
    db.flush()
    product_a = make_product(vendor=vendors["vendor"], category=category, stock=50, sizes=("S", "M"))
    product_b = make_product(vendor=vendors["other_vendor"], category=category, stock=50)
    size_a, size_a2 = sizes_of(db, product_a)
    size_b = sizes_of(db, product_b)[0]
    image = Image(variant_id=size_a.variant_id, url="https://cdn.example.com/a.png", alt="a", position=0)
    db.add(image)
    db.flush()
    for role in ROLES[1:]:
        w.headers[role], w.refresh[role] = mint_tokens(app, db, users[role])
    w.headers["anonymous"] = {}

    # The customer's order (vendor A's line), placed through the API and marked paid.
    customer = w.headers["customer"]
    testapp.post_json("/api/cart/add/", {"size_id": size_a.id, "quantity": 1}, headers=customer, status=201)
    intent = testapp.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                               headers=customer).json
    order = testapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent["payment_intent_id"],
                                                        "shipping_address": ADDRESS}, headers=customer,
                              status=201).json
    testapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "paid"}, headers=w.headers["manager"])
    # A second order of the customer, delivered (vendor A's line of 2), with a requested return of 1.
    testapp.post_json("/api/cart/add/", {"size_id": size_a2.id, "quantity": 2}, headers=customer, status=201)
    intent2 = testapp.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                                headers=customer).json
    delivered = testapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent2["payment_intent_id"]},
                                  headers=customer, status=201).json
    for status in ("paid", "shipped", "delivered"):
        testapp.post_json(f"/api/orders/{delivered['id']}/status/", {"status": status}, headers=w.headers["manager"])
    returned = testapp.post_json(f"/api/orders/{delivered['id']}/returns/", {"items": [
        {"order_item_id": delivered["items"][0]["id"], "quantity": 1, "reason": "matrix"}]}, headers=customer,
        status=201).json
    # A cart item for every signed-in caller (so checkout-ish calls are not refused for an empty cart).
    carts = {role: add_to_cart(db, users[role].id, size_b.id, 1, max_quantity=99) for role in ROLES[1:]}
    entry = WishlistItem(user_id=users["customer"].id, product_id=product_b.id)
    db.add(entry)
    db.flush()
    # A webhook endpoint (public address: no receiver is called in these tests) with one delivery.
    from plugins.webhooks import endpoints as webhook_endpoints

    hook = webhook_endpoints.create(db, _public_targets_only(), url="https://93.184.215.14/hook", event_types=["*"],
                                    description="matrix", is_active=True, created_by=users["manager"].id)
    hook_delivery = webhook_endpoints.ping(db, hook)
    w.ids.update(
        order=order["id"], order_number=order["number"], intent=intent["payment_intent_id"],
        delivered_order=delivered["id"], delivered_line=delivered["items"][0]["id"], return_=returned["id"],
        cart_item=carts["customer"], wishlist_entry=entry.id, category=category.slug,
        product_a=product_a.id, product_a_slug=product_a.slug, variant_a=size_a.variant_id, size_a=size_a.id,
        size_a2=size_a2.id, image_a=image.id, product_b=product_b.id, size_b=size_b.id,
        pending_vendor=vendors["pending_vendor"].id, vendor=vendors["vendor"].id,
        other_vendor=vendors["other_vendor"].id, webhook=hook.id, webhook_delivery=hook_delivery.id,
        verify_token=tokens.issue(db, users["unverified"], "verify", 3600),
        reset_token=tokens.issue(db, users["customer"], "reset", 3600),
    )
    db.flush()
    assert db.get(Order, order["id"]).status == "paid"
    w.password = TEST_PASSWORD
    return w


@pytest.fixture
def make_testapp(base_ini, engine, connection, hooks):
    """``make_testapp(**ini)`` → a WebTest app built with extra ini keys, on the test's connection
    (its own plugin manager, with the ``hooks`` recorder registered)."""
    import webtest
    from sqlalchemy.orm import Session

    from core import load, make_app

    def make(**extra):
        settings, pm, plugins = load({**base_ini, **extra}, environ={})
        pm.register(hooks, name="recorder")
        app = make_app(settings, pm, plugins, dbsession_factory=lambda: Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))
        return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.1"})

    return make
