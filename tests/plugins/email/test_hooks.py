"""Each hook writes one outbox row in the event's transaction; the worker's send delivers it.

These tests run in the test app's rolled-back transaction and send with the worker's own
``process_one`` on the same connection (see ``deliver`` in conftest.py).
"""
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import transaction
from kombu import Connection
from sqlalchemy import select

import plugins.email as email_plugin
from core.accounts.models import User
from core.errors import AgoraError
from core.hooks import hookimpl
from core.testing import TEST_PASSWORD
from plugins.email.models import OutboxMessage
from plugins.email.publisher import queue_for
from tests.plugins.email.conftest import mail_link, mail_text

NEW_PASSWORD = "a different horse battery staple"


def register(testapp, email, status=201):
    return testapp.post_json("/api/auth/register/", {"email": email, "password": TEST_PASSWORD,
                                                    "first_name": "Ann"}, status=status)


def rows_to(db, address):
    return db.execute(select(OutboxMessage).where(OutboxMessage.to_address == address)).scalars().all()


def test_verification_mail_link_activates_the_account_and_welcome_follows(testapp, db, smtp, deliver):
    register(testapp, "ann@example.com")
    assert deliver() and len(smtp.messages) == 1
    message = smtp.one("ann@example.com")
    assert message["Subject"] == "Confirm your email address for Agora"
    assert message["To"] == "ann@example.com"
    link = mail_link(message)
    assert link.startswith("http://127.0.0.1:6543/pages/verify-email/?token=")
    assert link in message.get_body(("html",)).get_content().replace("&amp;", "&")

    page = testapp.get(link.removeprefix("http://127.0.0.1:6543"))  # what a mail scanner does too
    assert db.execute(select(User.is_active).where(User.email == "ann@example.com")).scalar_one() is False
    form = page.html.find("form")
    answer = testapp.post_json(form["data-api"], {"token": form.find("input", attrs={"name": "token"})["value"]}).json
    assert answer["user"]["is_active"] is True
    deliver()
    assert smtp.to("ann@example.com")[-1]["Subject"] == "Welcome to Agora"
    row = rows_to(db, "ann@example.com")[0]
    assert row.status == "sent" and "token" not in row.context  # the secret is gone once sent
    assert smtp.to("ann@example.com")[0]["Message-ID"] == row.message_id


def test_reset_and_changed_mails(testapp, customer, smtp, deliver):
    testapp.post_json("/api/auth/password-reset/", {"email": customer.email}, status=202)
    deliver()
    reset = smtp.one(customer.email)
    assert reset["Subject"] == "Reset your Agora password"
    token = mail_link(reset).split("token=")[1]
    testapp.post_json("/api/auth/password-reset/confirm/", {"token": token, "new_password": NEW_PASSWORD})
    deliver()
    assert smtp.to(customer.email)[-1]["Subject"] == "Your Agora password was changed"


class VetoRegistration:
    """Another plugin refusing registrations after the email plugin wrote its row."""

    @hookimpl(trylast=True)
    def agora_user_registered(self, user, token):
        raise AgoraError(400, "registrations are closed", name="email")


def test_a_rolled_back_registration_writes_and_publishes_nothing(testapp, loaded, db, email_config):
    pm = loaded[1]
    with Connection("memory://") as conn:
        queue_for(email_config)(conn.default_channel).purge()
        pm.register(VetoRegistration(), name="veto")
        try:
            register(testapp, "closed@example.com", status=400)
        finally:
            pm.unregister(name="veto")
        assert rows_to(db, "closed@example.com") == []
        assert queue_for(email_config)(conn.default_channel).get() is None


def test_a_committed_registration_is_published_after_commit(testapp, db, email_config):
    with Connection("memory://") as conn:
        queue = queue_for(email_config)(conn.default_channel)
        queue.purge()
        register(testapp, "published@example.com")
        message = queue.get()
        assert message.payload == {"outbox_id": rows_to(db, "published@example.com")[0].id}


@pytest.fixture
def hook_request(app, db):
    """What the vendor and order hooks use of a request: its session, its transaction, the registry."""
    tm = transaction.TransactionManager(explicit=True)
    tm.begin()
    yield SimpleNamespace(db=db, tm=tm, registry=app.registry)
    tm.commit()


@pytest.fixture
def vendors(make_vendor):
    return [(vendor, vendor.user) for vendor in (make_vendor(name="North Shop"), make_vendor(name="South Shop"))]


def test_vendor_decision_mails(hook_request, vendors, smtp, deliver):
    (north, north_owner), (south, south_owner) = vendors
    email_plugin.agora_vendor_approved(request=hook_request, vendor=north)
    email_plugin.agora_vendor_rejected(request=hook_request, vendor=south, reason="No tax number")
    deliver()
    assert smtp.one(north_owner.email)["Subject"] == "Your vendor application for North Shop was approved"
    rejected = smtp.one(south_owner.email)
    assert rejected["Subject"] == "Your vendor application for South Shop was not approved"
    assert "No tax number" in mail_text(rejected)


def item(vendor, name, quantity, unit_price):
    return SimpleNamespace(vendor_id=vendor.id, product_name=name, variant_name="Blue", size_label="L",
                           quantity=quantity, unit_price=unit_price, line_total=quantity * unit_price)


@pytest.fixture
def order(customer, vendors):
    (north, _), (south, _) = vendors
    items = [item(north, "Rain jacket", 1, 8900), item(south, "Wool socks", 3, 1250)]
    return SimpleNamespace(id=41, number="AG-0041", user_id=customer.id, status="paid", items=items,
                           subtotal=12650, shipping=500, tax=0, total=13150, currency="USD")


def test_order_placed_mails_the_customer_and_each_vendor_only_its_lines(hook_request, order, customer,
                                                                          vendors, smtp, deliver):
    email_plugin.agora_order_placed(request=hook_request, order=order)
    deliver()
    confirmation = smtp.one(customer.email)
    assert confirmation["Subject"] == "Order AG-0041 confirmed"
    text = mail_text(confirmation)
    assert "Rain jacket" in text and "Wool socks" in text and "Total: 131.50 USD" in text
    (_, north_owner), (_, south_owner) = vendors
    north_text = mail_text(smtp.one(north_owner.email))
    assert "Rain jacket" in north_text and "Wool socks" not in north_text and "89.00 USD" in north_text
    south = smtp.one(south_owner.email)
    assert south["Subject"] == "New order AG-0041 for South Shop"
    assert "Wool socks" in mail_text(south) and "Rain jacket" not in mail_text(south)


def test_an_order_awaiting_payment_is_received_not_confirmed_and_links_to_a_page(
        hook_request, order, customer, smtp, deliver, testapp):
    order.status = "pending_payment"
    email_plugin.agora_order_placed(request=hook_request, order=order)
    deliver()
    confirmation = smtp.one(customer.email)
    assert confirmation["Subject"] == "Order AG-0041 received, awaiting payment"
    assert "waiting for your payment" in mail_text(confirmation)
    link = mail_link(confirmation)
    assert link == "http://127.0.0.1:6543/pages/orders/AG-0041/"
    assert testapp.get(urlsplit(link).path).status_int == 200


def test_shipped_cancelled_and_refunded_mails(hook_request, order, customer, vendors, smtp, deliver):
    north = vendors[0][0]
    email_plugin.agora_order_shipped(request=hook_request, order=order, vendor=north, lines=order.items[:1],
                                     tracking_number="1Z999AA10123456784", carrier="UPS")
    email_plugin.agora_order_cancelled(request=hook_request, order=order)
    email_plugin.agora_order_refunded(request=hook_request, order=order, amount=1250)
    deliver()
    shipped, cancelled, refunded = smtp.to(customer.email)
    assert shipped["Subject"] == "Order AG-0041 has shipped"
    assert "1Z999AA10123456784" in mail_text(shipped) and "Wool socks" not in mail_text(shipped)
    assert cancelled["Subject"] == "Order AG-0041 was cancelled"
    assert refunded["Subject"] == "Refund for order AG-0041" and "12.50 USD" in mail_text(refunded)


def test_an_order_without_a_known_customer_sends_nothing(hook_request, db):
    stand_in = SimpleNamespace(id=1, number="X", user_id=None, items=None)
    email_plugin.agora_order_cancelled(request=hook_request, order=stand_in)
    assert db.execute(select(OutboxMessage).where(OutboxMessage.kind == "order_cancelled")).first() is None
