"""Payout runs with the manual provider: who is paid, what is claimed, mark-paid / mark-failed,
and a refund after a payout netted by the next one."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plugins.payouts.models import PayoutItem
from tests.plugins.payouts.conftest import entries

RUN = "/api/manager/payouts/run/"


def _run(app, shop, status=201):
    return app.post(RUN, headers=shop.manager_headers, status=status).json["payouts"]


def test_a_run_pays_each_due_vendor_once_and_claims_exactly_its_entries(paying_app, db, shop):
    shop.paid_order(paying_app, [(shop.sizes[0], 1), (shop.sizes[1], 1)])
    shop.paid_order(paying_app, [(shop.sizes[0], 2)])
    made = _run(paying_app, shop)
    by_vendor = {p["vendor"]["id"]: p for p in made}
    assert set(by_vendor) == {v.id for v in shop.vendors}
    loom, kiln = (by_vendor[v.id] for v in shop.vendors)
    assert (loom["amount"], loom["status"], loom["provider"], loom["reference"]) == ("54.00", "pending", "manual", None)
    assert kiln["amount"] == "30.00"
    for vendor, payout in ((shop.vendors[0], loom), (shop.vendors[1], kiln)):
        sales = entries(db, vendor.id, "sale")
        claimed = set(db.execute(select(PayoutItem.entry_id).where(PayoutItem.payout_id == payout["id"])).scalars())
        assert claimed == {e.id for e in sales}
        assert [e.amount for e in entries(db, vendor.id, "payout")] == [-sum(e.amount for e in sales)]
    balance = paying_app.get("/api/vendor/balance/", headers=shop.vendor_headers[0]).json
    assert balance == {"currency": "USD", "pending": "0.00", "available": "0.00", "paid_out": "54.00",
                       "total_earned": "54.00"}
    ledger = paying_app.get("/api/vendor/ledger/?kind=sale", headers=shop.vendor_headers[0]).json["results"]
    assert {e["payout_id"] for e in ledger} == {loom["id"]}
    # a repeated run finds nothing due
    assert _run(paying_app, shop, status=200) == []


def test_nothing_due_is_200_with_an_empty_list(paying_app, shop):
    assert _run(paying_app, shop, status=200) == []


def test_a_balance_under_the_minimum_waits(paying_app, shop, testapp):
    testapp.post_json(f"/api/manager/vendors/{shop.vendors[0].id}/adjustments/", {"amount": "9.99", "note": "n"},
                      headers=shop.manager_headers, status=201)
    assert _run(paying_app, shop, status=200) == []
    testapp.post_json(f"/api/manager/vendors/{shop.vendors[0].id}/adjustments/", {"amount": "0.01", "note": "n"},
                      headers=shop.manager_headers, status=201)
    assert [p["amount"] for p in _run(paying_app, shop)] == ["10.00"]


def test_sales_on_hold_are_not_paid(testapp, shop):
    shop.paid_order(testapp, [(shop.sizes[0], 5)])  # hold_days = 7 in this app
    assert _run(testapp, shop, status=200) == []


def test_a_suspended_vendor_is_not_paid(paying_app, db, shop):
    shop.paid_order(paying_app, [(shop.sizes[0], 1)])
    shop.vendors[0].status = "suspended"
    db.flush()
    assert _run(paying_app, shop, status=200) == []


def test_mark_paid_records_the_reference_and_a_paid_payout_is_a_conflict(paying_app, shop):
    shop.paid_order(paying_app, [(shop.sizes[0], 1)])
    (payout,) = _run(paying_app, shop)
    url = f"/api/manager/payouts/{payout['id']}/"
    paid = paying_app.post_json(url + "mark-paid/", {"reference": "BANK-42"}, headers=shop.manager_headers).json
    assert (paid["status"], paid["reference"]) == ("paid", "BANK-42") and paid["paid_at"]
    again = paying_app.post_json(url + "mark-paid/", {"reference": "BANK-43"}, headers=shop.manager_headers,
                                 status=409).json
    assert again["errors"][0]["name"] == "status"
    paying_app.post_json(url + "mark-failed/", {"reason": "late"}, headers=shop.manager_headers, status=409)
    mine = paying_app.get("/api/vendor/payouts/", headers=shop.vendor_headers[0]).json["results"]
    assert [(p["id"], p["status"], p["reference"]) for p in mine] == [(payout["id"], "paid", "BANK-42")]


def test_mark_failed_reverses_the_payout_and_the_next_run_pays_it_again(paying_app, db, shop):
    shop.paid_order(paying_app, [(shop.sizes[0], 1)])
    (payout,) = _run(paying_app, shop)
    failed = paying_app.post_json(f"/api/manager/payouts/{payout['id']}/mark-failed/", {"reason": "IBAN closed"},
                                  headers=shop.manager_headers).json
    assert (failed["status"], failed["failure_reason"]) == ("failed", "IBAN closed")
    (reversal,) = entries(db, shop.vendors[0].id, "payout_reversal")
    assert (reversal.amount, reversal.payout_id) == (1800, payout["id"])
    balance = paying_app.get("/api/vendor/balance/", headers=shop.vendor_headers[0]).json
    assert (balance["available"], balance["paid_out"]) == ("18.00", "0.00")
    paying_app.post_json(f"/api/manager/payouts/{payout['id']}/mark-paid/", {"reference": "x"},
                         headers=shop.manager_headers, status=409)
    (second,) = _run(paying_app, shop)
    assert second["amount"] == "18.00" and second["id"] != payout["id"]


@pytest.mark.parametrize("action, body", [("mark-paid", {}), ("mark-paid", {"reference": "  "}),
                                          ("mark-failed", {}), ("mark-failed", {"reason": "x" * 501})])
def test_mark_paid_and_failed_need_their_text(paying_app, shop, action, body):
    shop.paid_order(paying_app, [(shop.sizes[0], 1)])
    (payout,) = _run(paying_app, shop)
    paying_app.post_json(f"/api/manager/payouts/{payout['id']}/{action}/", body, headers=shop.manager_headers,
                         status=400)


@pytest.mark.parametrize("action, body", [("mark-paid", {"reference": "r"}), ("mark-failed", {"reason": "r"})])
def test_an_unknown_payout_is_404(testapp, shop, action, body):
    testapp.post_json(f"/api/manager/payouts/999999/{action}/", body, headers=shop.manager_headers, status=404)


def test_a_refund_after_a_payout_is_netted_by_the_next_payout(paying_app, db, shop):
    first = shop.paid_order(paying_app, [(shop.sizes[0], 1)])  # Loom earns 18.00
    (payout,) = _run(paying_app, shop)
    paying_app.post_json(f"/api/manager/payouts/{payout['id']}/mark-paid/", {"reference": "B1"},
                         headers=shop.manager_headers)
    paying_app.post_json(f"/api/orders/{first['id']}/status/", {"status": "cancelled"}, headers=shop.manager_headers)
    balance = paying_app.get("/api/vendor/balance/", headers=shop.vendor_headers[0]).json
    assert (balance["available"], balance["paid_out"], balance["total_earned"]) == ("-18.00", "18.00", "0.00")
    assert _run(paying_app, shop, status=200) == []  # a negative balance pays nothing
    shop.paid_order(paying_app, [(shop.sizes[0], 2)])  # +36.00
    (netted,) = _run(paying_app, shop)
    assert netted["amount"] == "18.00"
    balance = paying_app.get("/api/vendor/balance/", headers=shop.vendor_headers[0]).json
    assert (balance["available"], balance["paid_out"], balance["total_earned"]) == ("0.00", "36.00", "36.00")


def test_no_entry_is_ever_claimed_twice(paying_app, db, shop):
    for quantity in (1, 2, 3):
        shop.paid_order(paying_app, [(shop.sizes[0], quantity), (shop.sizes[1], 1)])
        _run(paying_app, shop)
    total = db.execute(select(func.count(PayoutItem.id))).scalar_one()
    distinct = db.execute(select(func.count(func.distinct(PayoutItem.entry_id)))).scalar_one()
    assert total == distinct == 6


def test_managers_list_payouts_by_status_and_vendor(paying_app, shop):
    shop.paid_order(paying_app, [(shop.sizes[0], 1), (shop.sizes[1], 1)])
    made = _run(paying_app, shop)
    h = shop.manager_headers
    paying_app.post_json(f"/api/manager/payouts/{made[0]['id']}/mark-paid/", {"reference": "R"}, headers=h)
    assert paying_app.get("/api/manager/payouts/", headers=h).json["count"] == 2
    assert [p["id"] for p in paying_app.get("/api/manager/payouts/?status=paid", headers=h).json["results"]] == \
        [made[0]["id"]]
    slug = shop.vendors[1].slug
    listed = paying_app.get(f"/api/manager/payouts/?vendor={slug}", headers=h).json["results"]
    assert [p["vendor"]["slug"] for p in listed] == [slug]
    assert paying_app.get("/api/manager/payouts/?vendor=nobody", headers=h).json["count"] == 0
    paying_app.get("/api/manager/payouts/?status=lost", headers=h, status=400)
    paying_app.get("/api/manager/payouts/", headers=shop.vendor_headers[0], status=403)


def test_the_manual_provider_has_no_payout_account(testapp, shop):
    response = testapp.post("/api/vendor/payout-account/", headers=shop.vendor_headers[0], status=400)
    assert response.json["errors"][0]["name"] == "provider"
