"""The Done-when walk, through the API with the stripe provider against localstripe: a delivered
order, a return of part of one line, approval by its vendor, receipt with restock, the partial
refund at localstripe, the order's payment, the vendor's ledger entry, the mails (delivered to
aiosmtpd by the worker) and the ``return.*`` webhook events.  And a provider failure: the return
stays approved with the error, a retry refunds once."""
from __future__ import annotations

from decimal import Decimal

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import load, make_app
from core.catalog.models import Size
from core.catalog.version import current as catalog_version
from core.testing import free_port
from plugins.payouts.models import LedgerEntry, LineCommission
from plugins.webhooks.models import WebhookEvent
from tests.plugins.email.conftest import mail_text
from tests.plugins.payments.conftest import stripe_settings


def test_a_partial_return_refunded_at_stripe(stripe_testapp, stripe_client, shop, db, smtp, deliver):
    app, h = stripe_testapp, shop.headers
    app.post_json("/api/webhooks/", {"url": "https://93.184.215.14/hooks", "events": ["return.requested",
                                                                                       "return.refunded"]},
                  headers=h["manager"], status=201)
    order = shop.buy(app, [(shop.sizes[0], 3), (shop.sizes[1], 1)], stripe=stripe_client)
    assert order["status"] == "delivered" and order["payment"]["status"] == "captured"
    assert order["total"] == "93.33"
    deliver()
    smtp.messages.clear()
    stock = db.get(Size, shop.sizes[0]).stock
    version = catalog_version(db)

    ret = shop.ask(app, order, [(0, 2)]).json  # 2 of the 3 units of vendor A's line
    assert ret["refund_amount"] == "40.00"
    approved = app.post_json(f"/api/returns/{ret['id']}/approve/", {}, headers=h["vendor_a"]).json
    assert approved["status"] == "approved"
    done = app.post_json(f"/api/returns/{ret['id']}/receive/", {"restock": True}, headers=h["vendor_a"]).json
    assert done["status"] == "refunded" and done["restocked"] and done["refund_reference"].startswith("re_")
    assert [x["status"] for x in done["history"]] == ["requested", "approved", "refunded"]

    refund = stripe_client.v1.refunds.retrieve(done["refund_reference"])
    assert refund.amount == 4000 and refund.payment_intent == order["payment"]["reference"]
    assert refund.status == "succeeded"

    fresh = app.get(f"/api/orders/{order['id']}/", headers=h["customer"]).json
    assert fresh["payment"]["status"] == "partially_refunded" and fresh["payment"]["refunded"] == "40.00"
    assert fresh["status"] == "delivered"
    db.expire_all()
    assert db.get(Size, shop.sizes[0]).stock == stock + 2
    assert catalog_version(db) > version  # the product summaries were refreshed

    line_id = order["items"][0]["id"]
    snapshot = db.execute(select(LineCommission).where(LineCommission.order_item_id == line_id)).scalar_one()
    refunds = db.execute(select(LedgerEntry).where(LedgerEntry.order_id == order["id"],
                                                   LedgerEntry.kind == "refund")).scalars().all()
    assert [(e.vendor_id, e.order_item_id) for e in refunds] == [(shop.vendors[0].id, line_id)]
    share = Decimal(2) / 3
    assert refunds[0].amount == -round(snapshot.vendor_net * share)
    assert refunds[0].commission == -round(snapshot.commission * share)
    ledger = app.get("/api/vendor/ledger/", {"kind": "refund"}, headers=h["vendor_a"]).json["results"]
    assert [e["order_item_id"] for e in ledger] == [line_id]
    assert app.get("/api/vendor/ledger/", {"kind": "refund"}, headers=h["vendor_b"]).json["results"] == []

    events = db.execute(select(WebhookEvent).order_by(WebhookEvent.id)).scalars().all()
    assert [e.type for e in events] == ["return.requested", "return.refunded"]
    assert events[1].data == app.get(f"/api/returns/{ret['id']}/", headers=h["customer"]).json
    assert events[0].data["status"] == "requested"

    assert set(deliver().values()) == {"sent"}
    customer_mails = [m["Subject"] for m in smtp.to(shop.customer.email)]
    number = order["number"]
    assert customer_mails == [f"Your return request for order {number}",
                              f"Your return for order {number} is approved", f"Refund for order {number}"]
    assert "40.00 USD" in mail_text(smtp.to(shop.customer.email)[2])
    vendor_mail = smtp.one(shop.vendors[0].user.email)
    assert vendor_mail["Subject"] == f"Return requested for order {number} (Loom)"
    assert "2 × " in mail_text(vendor_mail) and "Too small" in mail_text(vendor_mail)
    assert smtp.to(shop.vendors[1].user.email) == []


def test_a_rejection_mails_the_reason(testapp, shop, smtp, deliver):
    ret = shop.ask(testapp, shop.buy(testapp, [(shop.sizes[0], 1)]), [(0, 1)]).json
    deliver()
    smtp.messages.clear()
    testapp.post_json(f"/api/returns/{ret['id']}/reject/", {"reason": "Worn twice"},
                      headers=shop.headers["vendor_a"])
    deliver()
    mail = smtp.one(shop.customer.email)
    assert "declined" in mail["Subject"] and "Reason: Worn twice" in mail_text(mail)


@pytest.fixture(scope="module")
def unreachable_stripe_loaded(base_ini, engine):
    """The stripe provider pointed at a port nobody listens on: every call fails (502)."""
    return load({**base_ini, **stripe_settings(f"http://127.0.0.1:{free_port()}")}, environ={})


def test_a_provider_failure_leaves_the_return_approved_and_a_retry_refunds_once(
        stripe_testapp, stripe_client, unreachable_stripe_loaded, connection, shop, db):
    settings, pm, plugins = unreachable_stripe_loaded
    broken = webtest.TestApp(make_app(settings, pm, plugins, dbsession_factory=lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)))
    order = shop.buy(stripe_testapp, [(shop.sizes[1], 2)], stripe=stripe_client)
    ret = shop.ask(stripe_testapp, order, [(0, 1)]).json
    stripe_testapp.post_json(f"/api/returns/{ret['id']}/approve/", {}, headers=shop.headers["manager"])
    stock = db.get(Size, shop.sizes[1]).stock
    failed = broken.post_json(f"/api/returns/{ret['id']}/receive/", {"restock": True},
                              headers=shop.headers["manager"], status=502)
    assert failed.json["errors"][0]["name"] == "payment"
    kept = stripe_testapp.get(f"/api/returns/{ret['id']}/", headers=shop.headers["customer"]).json
    assert kept["status"] == "approved" and "unavailable" in kept["last_error"] and not kept["restocked"]
    db.expire_all()
    assert db.get(Size, shop.sizes[1]).stock == stock
    assert stripe_testapp.get(f"/api/orders/{order['id']}/", headers=shop.headers["customer"]
                              ).json["payment"]["status"] == "captured"
    done = stripe_testapp.post_json(f"/api/returns/{ret['id']}/receive/", {"restock": True},
                                    headers=shop.headers["manager"]).json
    assert done["status"] == "refunded" and done["last_error"] is None and done["refund_amount"] == "33.33"
    stripe_testapp.post_json(f"/api/returns/{ret['id']}/receive/", {"restock": True},
                             headers=shop.headers["manager"], status=409)
    refunds = stripe_client.v1.refunds.list(params={"payment_intent": order["payment"]["reference"]})
    assert [r.amount for r in refunds.data] == [3333]
    db.expire_all()
    assert db.get(Size, shop.sizes[1]).stock == stock + 1


@pytest.fixture(scope="module")
def shipping_refunded_loaded(base_ini, engine):
    return load({**base_ini, "agora.returns.refund_shipping": "true"}, environ={})


def test_shipping_is_refunded_only_when_the_setting_allows(testapp, shipping_refunded_loaded, connection, shop, db):
    from sqlalchemy import update

    from core.orders.models import Order

    settings, pm, plugins = shipping_refunded_loaded
    generous = webtest.TestApp(make_app(settings, pm, plugins, dbsession_factory=lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)))
    order = shop.buy(testapp, [(shop.sizes[0], 2)])
    db.execute(update(Order).where(Order.id == order["id"]).values(shipping=500, total=4500))
    db.flush()
    assert shop.ask(testapp, order, [(0, 1)]).json["refund_amount"] == "20.00"
    assert shop.ask(generous, order, [(0, 1)]).json["refund_amount"] == "22.50"
