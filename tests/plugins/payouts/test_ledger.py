"""The vendor ledger: sale entries on payment, refunds on cancellation, adjustments, balances, and
entries that can never be changed or removed."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from core.db import utcnow
from plugins.payouts.ledger import balances
from plugins.payouts.models import AppendOnlyError
from tests.plugins.payouts.conftest import entries


def test_paying_an_order_writes_one_sale_per_vendor_line_held_for_the_hold_days(testapp, db, shop):
    before = utcnow()
    order = shop.paid_order(testapp, [(shop.sizes[0], 2), (shop.sizes[1], 1)])
    loom, kiln = (entries(db, v.id) for v in shop.vendors)
    assert [(e.kind, e.amount, e.commission, e.order_id) for e in loom] == [("sale", 3600, 400, order["id"])]
    assert [(e.kind, e.amount, e.commission) for e in kiln] == [("sale", 3000, 333)]
    held = loom[0].available_at - before
    assert timedelta(days=7) <= held < timedelta(days=7, minutes=5)


def test_a_sale_on_hold_is_pending_not_available(testapp, shop):
    shop.paid_order(testapp, [(shop.sizes[0], 1)])
    balance = testapp.get("/api/vendor/balance/", headers=shop.vendor_headers[0]).json
    assert balance == {"currency": "USD", "pending": "18.00", "available": "0.00", "paid_out": "0.00",
                       "total_earned": "18.00"}


def test_without_a_hold_the_sale_is_available_at_once(paying_app, shop):
    shop.paid_order(paying_app, [(shop.sizes[0], 1)])
    balance = paying_app.get("/api/vendor/balance/", headers=shop.vendor_headers[0]).json
    assert (balance["pending"], balance["available"]) == ("0.00", "18.00")


def test_cancelling_a_paid_order_refunds_each_vendors_share_once(testapp, db, shop):
    order = shop.paid_order(testapp, [(shop.sizes[0], 1), (shop.sizes[1], 2)])
    testapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "cancelled"}, headers=shop.manager_headers)
    # the manual provider's offline refund is then recorded: the refund event must not refund twice
    testapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "refunded"}, headers=shop.manager_headers)
    for vendor in shop.vendors:
        found = entries(db, vendor.id)
        assert [e.kind for e in found] == ["sale", "refund"]
        assert sum(e.amount for e in found) == 0 and sum(e.commission for e in found) == 0
    assert balances(db, shop.vendors[1].id) == {"pending": 5999, "available": -5999, "paid_out": 0, "total_earned": 0}


def test_cancelling_an_unpaid_order_writes_nothing(testapp, db, shop):
    order = shop.order(testapp, [(shop.sizes[0], 1)])
    testapp.post_json(f"/api/orders/{order['id']}/cancel/", headers=shop.customer_headers)
    assert entries(db, shop.vendors[0].id) == []


def test_a_partial_refund_gives_back_that_share_and_items_give_back_their_quantity(testapp, db, shop):
    from core.orders.models import Order
    from plugins.payouts.ledger import refund_order

    order = shop.paid_order(testapp, [(shop.sizes[0], 4), (shop.sizes[1], 1)])  # 80.00 + 33.33 = 113.33
    row = db.get(Order, order["id"])
    (refund,) = [e for e in refund_order(db, row, amount=11333 // 10) if e.vendor_id == shop.vendors[0].id]
    assert (refund.amount, refund.commission) == (-720, -80)  # 10 % of 72.00 and of 8.00
    loom_item = entries(db, shop.vendors[0].id, "sale")[0].order_item_id
    (by_items,) = refund_order(db, row, items=[(loom_item, 1)])  # one unit of four: 18.00 / 2.00
    assert (by_items.amount, by_items.commission) == (-1800, -200)
    row.amount_refunded = row.total
    rest = refund_order(db, row)  # the rest of everything, never more than was sold
    assert sum(e.amount for e in entries(db, shop.vendors[0].id)) == 0
    assert sum(e.amount for e in entries(db, shop.vendors[1].id)) == 0 and len(rest) == 2


def test_a_manager_adjusts_a_balance_both_ways(testapp, db, shop):
    url = f"/api/manager/vendors/{shop.vendors[0].id}/adjustments/"
    entry = testapp.post_json(url, {"amount": "-5.25", "note": "damaged return"}, headers=shop.manager_headers,
                              status=201).json
    assert (entry["kind"], entry["amount"], entry["note"], entry["order_id"]) == ("adjustment", "-5.25",
                                                                                 "damaged return", None)
    testapp.post_json(url, {"amount": "15.00", "note": "goodwill"}, headers=shop.manager_headers, status=201)
    assert testapp.get("/api/vendor/balance/", headers=shop.vendor_headers[0]).json["available"] == "9.75"


@pytest.mark.parametrize("body, name", [
    ({"amount": "0", "note": "x"}, "amount"), ({"amount": "1.234", "note": "x"}, "amount"),
    ({"amount": "abc", "note": "x"}, "amount"), ({"amount": "99999999999", "note": "x"}, "amount"),
    ({"amount": "1.00"}, "note"), ({"amount": "1.00", "note": "   "}, "note"), ({"note": "x"}, "amount"),
])
def test_bad_adjustments_are_refused(testapp, shop, body, name):
    response = testapp.post_json(f"/api/manager/vendors/{shop.vendors[0].id}/adjustments/", body,
                                 headers=shop.manager_headers, status=400)
    assert response.json["errors"][0]["name"] == name


def test_an_adjustment_for_an_unknown_vendor_is_404(testapp, shop):
    testapp.post_json("/api/manager/vendors/999999/adjustments/", {"amount": "1.00", "note": "x"},
                      headers=shop.manager_headers, status=404)


def test_the_ledger_lists_newest_first_and_filters_by_kind(testapp, shop):
    shop.paid_order(testapp, [(shop.sizes[0], 1)])
    testapp.post_json(f"/api/manager/vendors/{shop.vendors[0].id}/adjustments/", {"amount": "1.00", "note": "n"},
                      headers=shop.manager_headers, status=201)
    page = testapp.get("/api/vendor/ledger/", headers=shop.vendor_headers[0]).json
    assert [e["kind"] for e in page["results"]] == ["adjustment", "sale"] and page["count"] == 2
    sale = testapp.get("/api/vendor/ledger/?kind=sale", headers=shop.vendor_headers[0]).json["results"]
    assert [(e["kind"], e["amount"], e["payout_id"]) for e in sale] == [("sale", "18.00", None)]
    testapp.get("/api/vendor/ledger/?kind=bogus", headers=shop.vendor_headers[0], status=400)
    testapp.get("/api/vendor/ledger/?page=9", headers=shop.vendor_headers[0], status=404)
    # another vendor sees none of it
    assert testapp.get("/api/vendor/ledger/", headers=shop.vendor_headers[1]).json["count"] == 0


def test_vendor_views_need_an_approved_vendor(testapp, shop, db):
    testapp.get("/api/vendor/balance/", status=401)
    testapp.get("/api/vendor/balance/", headers=shop.customer_headers, status=403)
    shop.vendors[0].status = "suspended"
    db.flush()
    testapp.get("/api/vendor/ledger/", headers=shop.vendor_headers[0], status=403)


def test_the_orm_refuses_to_change_or_delete_an_entry(testapp, db, shop):
    shop.paid_order(testapp, [(shop.sizes[0], 1)])
    entry = entries(db, shop.vendors[0].id)[0]
    entry.amount = 1
    with pytest.raises(AppendOnlyError):
        db.flush()
    db.rollback()


@pytest.mark.parametrize("statement", ["UPDATE payout_ledger_entries SET amount = 1",
                                       "DELETE FROM payout_ledger_entries"])
def test_the_database_refuses_to_change_or_delete_an_entry(testapp, db, shop, statement):
    shop.paid_order(testapp, [(shop.sizes[0], 1)])
    with pytest.raises(DatabaseError, match="append-only"):
        with db.begin_nested():
            db.execute(text(statement))
    assert [e.amount for e in entries(db, shop.vendors[0].id)] == [1800]
