"""The payouts plugin's staff writes are in the audit log (core.audit): runs, mark-paid,
mark-failed, adjustments, commission rules, and a vendor connecting its payout account."""
from __future__ import annotations

import json

from core.testing import AS_CLIENT, audit_trail, audited

ENV = AS_CLIENT["environ"]
RULES = "/api/manager/commissions/"


def _h(headers: dict) -> dict:
    return {**headers, **AS_CLIENT["headers"]}


def test_a_run_then_mark_paid_and_mark_failed_are_recorded(paying_app, db, shop, manager):
    shop.paid_order(paying_app, [(shop.sizes[0], 1), (shop.sizes[1], 1)])
    made = paying_app.post("/api/manager/payouts/run/", headers=_h(shop.manager_headers), extra_environ=ENV,
                           status=201).json["payouts"]
    row = audited(db, "payout.run", actor=manager, target=("payout_run", None))
    assert sorted(p["id"] for p in row.changes["payouts"]) == sorted(p["id"] for p in made)
    assert {p["status"] for p in row.changes["payouts"]} == {"pending"}
    paid, failed = made
    paying_app.post_json(f"/api/manager/payouts/{paid['id']}/mark-paid/", {"reference": "BANK-42"},
                         headers=_h(shop.manager_headers), extra_environ=ENV)
    audited(db, "payout.marked_paid", actor=manager, target=("payout", paid["id"]),
            changes={"status": {"old": "pending", "new": "paid"}, "reference": "BANK-42"})
    paying_app.post_json(f"/api/manager/payouts/{failed['id']}/mark-failed/", {"reason": "closed account"},
                         headers=_h(shop.manager_headers), extra_environ=ENV)
    audited(db, "payout.marked_failed", actor=manager, target=("payout", failed["id"]),
            changes={"status": {"old": "pending", "new": "failed"}, "reason": "closed account"})
    # a refused mark-paid (already paid) rolls its row back with it
    paying_app.post_json(f"/api/manager/payouts/{paid['id']}/mark-paid/", {"reference": "AGAIN"},
                         headers=shop.manager_headers, status=409)
    assert len(audit_trail(db, "payout.marked_paid")) == 1


def test_an_adjustment_is_recorded(testapp, db, shop, manager):
    vendor = shop.vendors[0]
    entry = testapp.post_json(f"/api/manager/vendors/{vendor.id}/adjustments/", {"amount": "-2.50", "note": "damaged"},
                              headers=_h(shop.manager_headers), extra_environ=ENV, status=201).json
    audited(db, "payout.adjustment_added", actor=manager, target=("vendor", vendor.id),
            changes={"entry_id": entry["id"], "amount": -250, "currency": "USD", "note": "damaged"})


def test_commission_rules_created_and_deleted_are_recorded(testapp, db, shop, manager):
    vendor = shop.vendors[0]
    rule = testapp.post_json(RULES, {"vendor": vendor.slug, "category": None, "rate": "0.125"},
                             headers=_h(shop.manager_headers), extra_environ=ENV, status=201).json
    audited(db, "commission_rule.created", actor=manager, target=("commission_rule", rule["id"]),
            changes={"vendor": vendor.slug, "category": None, "rate": "0.125"})
    testapp.delete(f"{RULES}{rule['id']}/", headers=_h(shop.manager_headers), extra_environ=ENV, status=204)
    audited(db, "commission_rule.deleted", actor=manager, target=("commission_rule", rule["id"]))


def test_connecting_a_payout_account_is_recorded_without_the_onboarding_link(connect_app, db, shop, standin):
    vendor = shop.vendors[0]
    answer = connect_app.post("/api/vendor/payout-account/", headers=_h(shop.vendor_headers[0]),
                              extra_environ=ENV).json
    row = audited(db, "payout.account_connected", actor=vendor.user, target=("vendor", vendor.id),
                  changes={"account_id": answer["account_id"]})
    assert answer["onboarding_url"] not in json.dumps(row.changes)
    assert "sk_test" not in json.dumps(row.changes)
