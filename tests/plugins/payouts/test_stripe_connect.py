"""A purchase across two vendors through Stripe (localstripe), paid out with Stripe Connect
(the stand-in in ``connect_standin``): sales, commissions, the report, transfers, failures and a
refund after a payout netted by the next one."""
from __future__ import annotations

import pytest
import stripe

from core.testing import ADDRESS
from tests.plugins.payments.conftest import confirm
from tests.plugins.payouts.conftest import entries

RUN = "/api/manager/payouts/run/"


@pytest.fixture(scope="session")
def stripe_client(localstripe_url):
    return stripe.StripeClient("sk_test_agora", base_addresses={"api": localstripe_url})


def buy_with_stripe(app, stripe_client, shop, lines) -> dict:
    headers = shop.customer_headers
    for size_id, quantity in lines:
        app.post_json("/api/cart/add/", {"size_id": size_id, "quantity": quantity}, headers=headers, status=201)
    intent = app.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS}, headers=headers).json
    confirm(stripe_client, intent["payment_intent_id"])
    order = app.post_json("/api/orders/checkout/", {"payment_intent_id": intent["payment_intent_id"],
                                                    "shipping_address": ADDRESS}, headers=headers, status=201).json
    assert (order["status"], order["payment"]["status"]) == ("paid", "captured")
    return order


def onboard(app, shop, standin):
    accounts = []
    for headers in shop.vendor_headers:
        first = app.post("/api/vendor/payout-account/", headers=headers).json
        again = app.post("/api/vendor/payout-account/", headers=headers).json
        assert first["account_id"] == again["account_id"] in standin.accounts
        assert first["onboarding_url"].startswith("https://connect.stripe.com/setup/")
        accounts.append(first["account_id"])
    assert len(standin.accounts) == 2
    return accounts


def test_two_vendors_sold_through_stripe_are_each_paid_once_by_transfer(connect_app, db, shop, standin,
                                                                        stripe_client):
    accounts = onboard(connect_app, shop, standin)
    order = buy_with_stripe(connect_app, stripe_client, shop, [(shop.sizes[0], 2), (shop.sizes[1], 3)])
    # each vendor's sale entry, and the commission on its order lines
    assert [(e.kind, e.amount, e.commission) for e in entries(db, shop.vendors[0].id)] == [("sale", 3600, 400)]
    assert [(e.kind, e.amount, e.commission) for e in entries(db, shop.vendors[1].id)] == [("sale", 8999, 1000)]
    lines = connect_app.get("/api/vendor/orders/", headers=shop.vendor_headers[1]).json["results"][0]["lines"]
    assert [(l["line_total"], l["commission"], l["vendor_net"]) for l in lines] == [("99.99", "10.00", "89.99")]
    # the report adds up and matches the order
    report = connect_app.get("/api/manager/marketplace/report/", headers=shop.manager_headers).json
    assert (report["gross_sales"], report["commissions"], report["vendor_earnings"], report["platform_revenue"]) == \
        ("139.99", "14.00", "125.99", "14.00")
    assert report["gross_sales"] == order["subtotal"]
    # one run: a transfer per vendor, to its account, for its balance
    made = connect_app.post(RUN, headers=shop.manager_headers, status=201).json["payouts"]
    assert sorted((p["amount"], p["status"], p["provider"]) for p in made) == \
        [("36.00", "paid", "stripe"), ("89.99", "paid", "stripe")]
    transfers = sorted(standin.transfers.values(), key=lambda t: t["amount"])
    assert [(t["amount"], t["destination"]) for t in transfers] == [(3600, accounts[0]), (8999, accounts[1])]
    assert {p["reference"] for p in made} == set(standin.transfers)
    assert connect_app.post(RUN, headers=shop.manager_headers, status=200).json["payouts"] == []
    assert len(standin.transfers) == 2
    # a refund after the payout leaves a negative balance that the next payout nets
    connect_app.post_json(f"/api/orders/{order['id']}/cancel/", headers=shop.customer_headers)
    balance = connect_app.get("/api/vendor/balance/", headers=shop.vendor_headers[0]).json
    assert (balance["available"], balance["paid_out"]) == ("-36.00", "36.00")
    buy_with_stripe(connect_app, stripe_client, shop, [(shop.sizes[0], 5)])  # +90.00
    netted = connect_app.post(RUN, headers=shop.manager_headers, status=201).json["payouts"]
    assert [(p["vendor"]["id"], p["amount"]) for p in netted] == [(shop.vendors[0].id, "54.00")]
    report = connect_app.get("/api/manager/marketplace/report/", headers=shop.manager_headers).json
    assert report["refunds"] == "139.99" and report["payouts_paid"] == "179.99"


def test_a_failed_transfer_fails_the_payout_and_reverses_it(connect_app, db, shop, standin, stripe_client):
    onboard(connect_app, shop, standin)
    buy_with_stripe(connect_app, stripe_client, shop, [(shop.sizes[0], 1)])
    standin.fail_transfers = "Insufficient funds in the platform balance."
    (payout,) = connect_app.post(RUN, headers=shop.manager_headers, status=201).json["payouts"]
    assert payout["status"] == "failed" and "Insufficient funds" in payout["failure_reason"]
    (reversal,) = entries(db, shop.vendors[0].id, "payout_reversal")
    assert (reversal.amount, reversal.payout_id) == (1800, payout["id"])
    # stripe payouts are settled by Stripe, not by hand
    connect_app.post_json(f"/api/manager/payouts/{payout['id']}/mark-paid/", {"reference": "x"},
                          headers=shop.manager_headers, status=409)
    standin.fail_transfers = None
    (again,) = connect_app.post(RUN, headers=shop.manager_headers, status=201).json["payouts"]
    assert (again["status"], again["amount"]) == ("paid", "18.00")


def test_vendors_without_a_connected_account_wait(connect_app, shop, standin, stripe_client):
    buy_with_stripe(connect_app, stripe_client, shop, [(shop.sizes[0], 1)])
    assert connect_app.post(RUN, headers=shop.manager_headers, status=200).json["payouts"] == []
    assert standin.transfers == {}


def test_the_transfer_is_idempotent_on_the_payout_id(connect_app, db, shop, standin, stripe_client, connect_loaded):
    from plugins.payouts.models import Payout
    from plugins.payouts.providers import provider_from_settings

    onboard(connect_app, shop, standin)
    buy_with_stripe(connect_app, stripe_client, shop, [(shop.sizes[0], 1)])
    (made,) = connect_app.post(RUN, headers=shop.manager_headers, status=201).json["payouts"]
    payout = db.get(Payout, made["id"])
    account = standin.transfers[made["reference"]]["destination"]
    resent = provider_from_settings(connect_loaded[0]).send(payout, account)  # e.g. a retry after a crash
    assert resent == made["reference"] and len(standin.transfers) == 1
