"""Order and vendor mails on real orders and applications, driven through the API.

Orders are placed with the ``manual`` provider (``testapp``) or the ``stripe`` provider
against localstripe (``stripe_testapp``); the outbox rows they write are rendered with the
plugin's own :class:`~plugins.email.render.Renderer` and, where said, delivered to the
aiosmtpd server by the worker's ``process_one`` (``deliver``).
"""
from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
import transaction
from sqlalchemy import select

from core.errors import AgoraError
from core.hooks import hookimpl
from core.money import percent_of
from core.orders.models import Order, OrderItem
from core.testing import ADDRESS, TEST_PASSWORD, sizes_of
from plugins.email.models import OutboxMessage
from tests.plugins.email.conftest import mail_text
from tests.plugins.payments.conftest import confirm


# --------------------------------------------------------------------------- helpers
def outbox(db, kind: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id).execution_options(populate_existing=True)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    if to is not None:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.execute(query).scalars())


def only(db, kind: str, to: str) -> OutboxMessage:
    rows = outbox(db, kind, to)
    assert len(rows) == 1, f"{len(rows)} {kind} rows to {to}"
    return rows[0]


def headers_for(app, user) -> dict:
    tokens = app.post_json("/api/auth/login/", {"email": user.email, "password": TEST_PASSWORD}).json
    return {"Authorization": f"Bearer {tokens['access']}"}


def pay(app, headers, lines) -> dict:
    """Fill the cart with ``[(size, quantity), ...]`` and create the payment intent."""
    for size, quantity in lines:
        app.post_json("/api/cart/add/", {"size_id": size.id, "quantity": quantity}, headers=headers, status=201)
    return app.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS}, headers=headers).json


def checkout(app, headers, intent_id: str, status: int = 201):
    return app.post_json("/api/orders/checkout/", {"payment_intent_id": intent_id, "shipping_address": ADDRESS},
                         headers=headers, status=status)


def place(app, headers, lines) -> dict:
    return checkout(app, headers, pay(app, headers, lines)["payment_intent_id"]).json


class Plugin:
    """Register a hook implementation object into the test app's plugin manager for one test."""

    def __init__(self, pm, obj):
        self.pm, self.obj = pm, obj

    def __enter__(self):
        self.pm.register(self.obj, name=f"test-{id(self.obj)}")
        return self.obj

    def __exit__(self, *exc):
        self.pm.unregister(self.obj)


# --------------------------------------------------------------------------- fixtures
@pytest.fixture
def shop(db, make_user, make_vendor, make_product):
    """Two approved vendors with one product each, and a product the shop sells itself."""
    found = {}
    for key, name, first in (("north", "North Shop", "Nora"), ("south", "South Shop", "Sam")):
        vendor = make_vendor(name=name, user=make_user("vendor", first_name=first))
        found[key], found[f"{key}_owner"] = vendor, vendor.user
    jacket = make_product(price=8900, name="Rain jacket", vendor=found["north"], variants=("Blue",), sizes=("L",))
    socks = make_product(price=1250, name="Wool socks & liners", vendor=found["south"], variants=("Grey",),
                         sizes=("M",))
    card = make_product(price=2500, name="Gift card", variants=("Paper",), sizes=("One",))
    return SimpleNamespace(**found, jacket=sizes_of(db, jacket)[0], socks=sizes_of(db, socks)[0],
                           card=sizes_of(db, card)[0])


@pytest.fixture
def buyer(make_user, testapp):
    user = make_user("customer", first_name="Ada")
    return user, headers_for(testapp, user)


@pytest.fixture
def hook_request(app, db):
    """A request as the order hooks see it (session, transaction, registry)."""
    tm = transaction.TransactionManager(explicit=True)
    tm.begin()
    yield SimpleNamespace(db=db, tm=tm, registry=app.registry)
    tm.commit()


# --------------------------------------------------------------------------- placing
def test_placing_an_order_mails_the_customer_once_and_each_vendor_only_its_lines(
        testapp, db, shop, buyer, renderer, smtp, deliver):
    customer, headers = buyer
    intent = pay(testapp, headers, [(shop.jacket, 1), (shop.socks, 3), (shop.card, 1)])
    order = checkout(testapp, headers, intent["payment_intent_id"]).json
    assert checkout(testapp, headers, intent["payment_intent_id"]).json["id"] == order["id"]  # a replay
    number = order["number"]

    rows = outbox(db)
    assert sorted((r.kind, r.to_address) for r in rows) == sorted([
        ("order_confirmation", customer.email),
        ("vendor_new_order", shop.north_owner.email),
        ("vendor_new_order", shop.south_owner.email),
    ])

    # the customer's confirmation: every line, the totals as decimal strings with the currency
    confirmation = only(db, "order_confirmation", customer.email)
    context = confirmation.context["order"]
    assert context["number"] == number and context["currency"] == "USD"
    assert sorted((i["product_name"], i["variant_name"], i["size_label"], i["quantity"], i["unit_price"],
                   i["line_total"]) for i in context["items"]) == [
        ("Gift card", "Paper", "One", 1, "25.00", "25.00"),
        ("Rain jacket", "Blue", "L", 1, "89.00", "89.00"),
        ("Wool socks & liners", "Grey", "M", 3, "12.50", "37.50"),
    ]
    assert (context["subtotal"], context["discount"], context["shipping"], context["tax"], context["total"]) == (
        "151.50", "0.00", "0.00", "0.00", "151.50")
    assert context["total"] == order["total"] and context["adjustments"] == []
    subject, text, html = renderer.render(confirmation.kind, confirmation.context)
    assert context["status"] == "pending_payment"  # the manual provider: paid later, by transfer
    assert subject == f"Order {number} received, awaiting payment"
    assert text.startswith("Hello Ada,")
    assert "1 × Rain jacket (Blue, L): 89.00 USD" in text
    assert "3 × Wool socks & liners (Grey, M): 37.50 USD" in text
    assert "1 × Gift card (Paper, One): 25.00 USD" in text
    assert "Subtotal: 151.50 USD" in text and "Total: 151.50 USD" in text
    assert f"http://127.0.0.1:6543/pages/orders/{number}/" in text
    assert "Wool socks &amp; liners" in html and "Wool socks & liners" not in html  # HTML is escaped

    # each vendor: only its own lines, its own total, nothing of the rest of the order
    north = only(db, "vendor_new_order", shop.north_owner.email)
    south = only(db, "vendor_new_order", shop.south_owner.email)
    for row, mine, others, total in ((north, "Rain jacket", ("Wool socks", "Gift card"), "89.00"),
                                     (south, "Wool socks & liners", ("Rain jacket", "Gift card"), "37.50")):
        dumped = json.dumps(row.context)
        assert mine in dumped and not any(other in dumped for other in others)
        assert "151.50" not in dumped  # the customer's total is not the vendor's business
        assert row.context["vendor_total"] == total
    subject, text, html = renderer.render(north.kind, north.context)
    assert subject == f"New order {number} for North Shop"
    assert text.startswith("Hello Nora,") and "1 × Rain jacket (Blue, L): 89.00 USD" in text
    assert "Your items total: 89.00 USD" in text and "Wool socks" not in text and "Wool socks" not in html
    subject, text, html = renderer.render(south.kind, south.context)
    assert subject == f"New order {number} for South Shop"
    assert "3 × Wool socks & liners (Grey, M): 37.50 USD" in text and "Rain jacket" not in text

    # and through the worker to the SMTP server
    assert set(deliver().values()) == {"sent"}
    assert len(smtp.messages) == 3
    mail = smtp.one(customer.email)
    assert mail["To"] == customer.email and mail["Subject"] == f"Order {number} received, awaiting payment"
    assert mail["Message-ID"] == confirmation.message_id
    assert "Total: 151.50 USD" in mail_text(mail)
    assert "Wool socks &amp; liners" in mail.get_body(("html",)).get_content()
    north_mail = smtp.one(shop.north_owner.email)
    assert north_mail["Subject"] == f"New order {number} for North Shop"
    assert "Rain jacket" in mail_text(north_mail) and "Wool socks" not in mail_text(north_mail)
    south_mail = smtp.one(shop.south_owner.email)
    assert "Wool socks" in mail_text(south_mail) and "Rain jacket" not in mail_text(south_mail)


class Promotions:
    """A pricing plugin: 10 % off the subtotal, gift wrapping, a shipping fee, 10 % tax."""

    @hookimpl
    def agora_checkout_price(self, pricing):
        pricing.add_adjustment("WELCOME10", "Welcome 10% off", -percent_of(pricing.subtotal, Decimal(10)))
        pricing.add_adjustment("GIFTWRAP", "Gift wrapping", 300)
        pricing.shipping = 499
        pricing.tax_rate = Decimal("0.10")


def test_discounts_and_other_adjustments_are_listed_in_the_confirmation(
        testapp, loaded, db, shop, buyer, renderer):
    customer, headers = buyer
    with Plugin(loaded[1], Promotions()):
        order = place(testapp, headers, [(shop.jacket, 1)])
    # 89.00 − 8.90 + 3.00 = 83.10; tax 8.31; + shipping 4.99 = 96.40
    assert (order["discount"], order["tax"], order["shipping"], order["total"]) == ("8.90", "8.31", "4.99", "96.40")
    row = only(db, "order_confirmation", customer.email)
    context = row.context["order"]
    assert (context["subtotal"], context["discount"], context["shipping"], context["tax"], context["total"]) == (
        "89.00", "8.90", "4.99", "8.31", "96.40")
    assert context["adjustments"] == [
        {"code": "WELCOME10", "label": "Welcome 10% off", "amount": "-8.90"},
        {"code": "GIFTWRAP", "label": "Gift wrapping", "amount": "3.00"},
    ]
    subject, text, html = renderer.render(row.kind, row.context)
    lines = text.splitlines()
    start = lines.index("Subtotal: 89.00 USD")
    assert lines[start:start + 6] == [
        "Subtotal: 89.00 USD",
        "Welcome 10% off: -8.90 USD",
        "Gift wrapping: 3.00 USD",
        "Shipping: 4.99 USD",
        "Tax: 8.31 USD",
        "Total: 96.40 USD",
    ]
    assert "Welcome 10% off: -8.90 USD" in html and "Total: 96.40 USD" in html
    vendor = only(db, "vendor_new_order", shop.north_owner.email)
    assert vendor.context["vendor_total"] == "89.00" and "WELCOME10" not in json.dumps(vendor.context)


def test_a_manual_order_marked_paid_is_not_confirmed_again(testapp, db, shop, buyer, manager, auth_headers):
    customer, headers = buyer
    order = place(testapp, headers, [(shop.card, 2)])
    assert order["status"] == "pending_payment"
    staff = auth_headers(manager)
    testapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "paid"}, headers=staff)
    testapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "processing"}, headers=staff)
    assert [r.kind for r in outbox(db, to=customer.email)] == ["order_confirmation"]


class RefuseAfterTheMails:
    """Another plugin refusing the order after the email plugin wrote its rows."""

    @hookimpl(trylast=True)
    def agora_order_placed(self, order):
        raise AgoraError(409, "orders are closed", name="order")


def test_a_rolled_back_checkout_leaves_no_mail(testapp, loaded, db, shop, buyer):
    customer, headers = buyer
    intent = pay(testapp, headers, [(shop.jacket, 1), (shop.socks, 1)])
    with Plugin(loaded[1], RefuseAfterTheMails()):
        checkout(testapp, headers, intent["payment_intent_id"], status=409)
    assert outbox(db) == []
    assert db.execute(select(Order).where(Order.user_id == customer.id)).first() is None


# --------------------------------------------------------------------------- cancelling and refunding
def test_cancelling_an_unpaid_order_sends_the_cancellation(testapp, db, shop, buyer, renderer):
    customer, headers = buyer
    order = place(testapp, headers, [(shop.jacket, 1), (shop.card, 1)])
    testapp.post(f"/api/orders/{order['id']}/cancel/", headers=headers)
    assert [r.kind for r in outbox(db, to=customer.email)] == ["order_confirmation", "order_cancelled"]
    row = only(db, "order_cancelled", customer.email)
    subject, text, html = renderer.render(row.kind, row.context)
    assert subject == f"Order {order['number']} was cancelled"
    assert "1 × Rain jacket (Blue, L): 89.00 USD" in text and "1 × Gift card (Paper, One): 25.00 USD" in text
    assert "refund" not in text.lower()  # nothing was paid
    assert outbox(db, "order_refunded") == []


@pytest.fixture
def stripe_buyer(make_user, stripe_testapp):
    user = make_user("customer", first_name="Grace")
    return user, headers_for(stripe_testapp, user)


def test_stripe_cancel_after_capture_sends_cancellation_then_refund(
        stripe_testapp, stripe_client, db, shop, stripe_buyer, renderer, smtp, deliver):
    customer, headers = stripe_buyer
    intent = pay(stripe_testapp, headers, [(shop.card, 1)])
    confirm(stripe_client, intent["payment_intent_id"])
    order = checkout(stripe_testapp, headers, intent["payment_intent_id"]).json
    assert order["status"] == "paid" and order["payment"]["status"] == "captured"
    # placed and paid in one request: still one confirmation
    assert [r.kind for r in outbox(db, to=customer.email)] == ["order_confirmation"]

    cancelled = stripe_testapp.post(f"/api/orders/{order['id']}/cancel/", headers=headers).json
    assert cancelled["status"] == "refunded"
    assert [r.kind for r in outbox(db, to=customer.email)] == [
        "order_confirmation", "order_cancelled", "order_refunded"]
    refunded = only(db, "order_refunded", customer.email)
    assert refunded.context["amount"] == "25.00" and refunded.context["order"]["currency"] == "USD"

    assert set(deliver().values()) == {"sent"}
    confirmation_mail, cancelled_mail, refunded_mail = smtp.to(customer.email)
    number = order["number"]
    assert confirmation_mail["Subject"] == f"Order {number} confirmed"
    assert cancelled_mail["Subject"] == f"Order {number} was cancelled"
    assert "Your payment will be refunded" in mail_text(cancelled_mail)
    assert refunded_mail["Subject"] == f"Refund for order {number}"
    assert "Hello Grace," in mail_text(refunded_mail)
    assert f"we refunded 25.00 USD for your order {number}" in mail_text(refunded_mail)
    assert all(m["To"] == customer.email for m in (confirmation_mail, cancelled_mail, refunded_mail))


# --------------------------------------------------------------------------- shipping
def test_shipped_mail_for_a_vendors_lines_of_a_real_order(testapp, loaded, db, shop, buyer, hook_request,
                                                          renderer, smtp, deliver):
    """``agora_order_shipped`` fired directly with the real Order and the vendor's OrderItems, as
    POST /api/vendor/orders/{id}/ship/ fires it (the API test below skips while that is absent)."""
    customer, headers = buyer
    placed = place(testapp, headers, [(shop.jacket, 1), (shop.socks, 2)])
    deliver()
    smtp.messages.clear()
    order = db.get(Order, placed["id"])
    lines = db.execute(select(OrderItem).where(OrderItem.order_id == order.id,
                                               OrderItem.vendor_id == shop.north.id)).scalars().all()
    for line in lines:
        line.fulfillment_status, line.tracking_number, line.carrier = "shipped", "1Z999AA10123456784", "UPS"
    loaded[1].hook.agora_order_shipped(request=hook_request, order=order, vendor=shop.north, lines=lines,
                                       tracking_number="1Z999AA10123456784", carrier="UPS")
    row = only(db, "order_shipped", customer.email)
    assert [i["product_name"] for i in row.context["order"]["items"]] == ["Rain jacket"]
    subject, text, html = renderer.render(row.kind, row.context)
    assert subject == f"Order {placed['number']} has shipped"
    assert "on their way with UPS" in text and "Tracking number: 1Z999AA10123456784" in text
    assert "Rain jacket" in text and "Wool socks" not in text
    assert deliver() == {row.id: "sent"}
    assert smtp.one(customer.email)["Subject"] == subject


def test_each_vendor_shipping_through_the_api_mails_the_customer_its_own_lines(
        testapp, db, shop, buyer, manager, auth_headers, renderer, smtp, deliver):
    pytest.importorskip("plugins.vendors.order_views", reason="the vendor ship endpoint is not there yet")
    customer, headers = buyer
    order = place(testapp, headers, [(shop.jacket, 1), (shop.socks, 2)])
    testapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "paid"}, headers=auth_headers(manager))
    url = f"/api/vendor/orders/{order['id']}/ship/"
    testapp.post_json(url, {"tracking_number": "1Z999AA10123456784", "carrier": "UPS"},
                      headers=auth_headers(shop.north_owner))
    testapp.post(url, headers=auth_headers(shop.south_owner))  # no tracking number: the body is optional
    assert testapp.get(f"/api/orders/{order['id']}/", headers=headers).json["status"] == "shipped"
    # the order moving to "shipped" sends nothing more: one mail per shipment
    assert [r.kind for r in outbox(db, to=customer.email)] == ["order_confirmation", "order_shipped", "order_shipped"]
    north, south = outbox(db, "order_shipped", customer.email)
    assert [i["product_name"] for i in north.context["order"]["items"]] == ["Rain jacket"]
    assert [i["product_name"] for i in south.context["order"]["items"]] == ["Wool socks & liners"]
    subject, text, html = renderer.render(south.kind, south.context)
    assert subject == f"Order {order['number']} has shipped"
    assert "from South Shop are on their way.\n" in text and "Tracking number: not provided" in text
    assert "2 × Wool socks & liners (Grey, M): 25.00 USD" in text and "Rain jacket" not in text

    assert set(deliver().values()) == {"sent"}
    first, second = [m for m in smtp.to(customer.email) if m["Subject"] == subject]
    assert "from North Shop are on their way with UPS." in mail_text(first)
    assert "Tracking number: 1Z999AA10123456784" in mail_text(first)
    assert "Rain jacket" in mail_text(first) and "Wool socks" not in mail_text(first)
    assert "Wool socks" in mail_text(second) and "Rain jacket" not in mail_text(second)


# --------------------------------------------------------------------------- vendor applications
def test_vendor_decisions_are_mailed_to_the_applicant(testapp, db, make_user, manager, auth_headers, renderer,
                                                      smtp, deliver):
    approved = make_user("customer", first_name="Vera")
    rejected = make_user("customer", first_name="Rick")
    staff = auth_headers(manager)
    ids = {}
    for user, store in ((approved, "Vera's Vintage"), (rejected, "Rick's Racks")):
        ids[user.id] = testapp.post_json("/api/vendor/apply/", {"store_name": store},
                                         headers=auth_headers(user), status=201).json["id"]
    assert outbox(db) == []  # applying mails nobody
    testapp.post(f"/api/manager/vendors/{ids[approved.id]}/approve/", headers=staff)
    testapp.post_json(f"/api/manager/vendors/{ids[rejected.id]}/reject/", {"reason": "No tax number"},
                      headers=staff)
    assert sorted((r.kind, r.to_address) for r in outbox(db)) == sorted([
        ("vendor_approved", approved.email), ("vendor_rejected", rejected.email)])

    yes = only(db, "vendor_approved", approved.email)
    subject, text, html = renderer.render(yes.kind, yes.context)
    assert subject == "Your vendor application for Vera's Vintage was approved"
    assert text.startswith("Hello Vera,") and "Vera&#39;s Vintage" in html
    no = only(db, "vendor_rejected", rejected.email)
    subject, text, html = renderer.render(no.kind, no.context)
    assert subject == "Your vendor application for Rick's Racks was not approved"
    assert "No tax number" in text

    assert set(deliver().values()) == {"sent"}
    assert smtp.one(approved.email)["Subject"] == "Your vendor application for Vera's Vintage was approved"
    mail = smtp.one(rejected.email)
    assert mail["To"] == rejected.email and "No tax number" in mail_text(mail)
