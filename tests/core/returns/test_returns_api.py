"""Returns through the API, on both databases: every answer of the API.md table, the amounts,
who decides, and the whole walk (a delivered order, part of one line returned, approved by its
vendor, received with restock, refunded at localstripe, the ledger entry, the mails)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from core.catalog.models import Size
from core.db import utcnow
from core.orders.models import Order, OrderStatusChange
from core.returns.models import Return
from core.testing import bearer


def error_names(response) -> list[str]:
    return [e["name"] for e in response.json["errors"]]


# ------------------------------------------------------------------ request
def test_a_customer_returns_part_of_a_line(testapp, shop):
    order = shop.buy(testapp, [(shop.sizes[0], 3)])
    ret = shop.ask(testapp, order, [(0, 1)], note="wrong size").json
    assert ret["status"] == "requested" and ret["order_id"] == order["id"] and ret["note"] == "wrong size"
    assert ret["items"] == [{**ret["items"][0], "quantity": 1, "reason": "Too small", "amount": "20.00"}]
    assert ret["refund_amount"] == "20.00" and ret["refund_reference"] is None
    assert [h["status"] for h in ret["history"]] == ["requested"]


def test_more_than_bought_minus_returned_is_400_on_the_quantity(testapp, shop):
    order = shop.buy(testapp, [(shop.sizes[0], 3), (shop.sizes[1], 1)])
    shop.ask(testapp, order, [(0, 2)])
    answer = shop.ask(testapp, order, [(1, 1), (0, 2)], status=400)
    assert error_names(answer) == ["items.1.quantity"]
    assert "At most 1" in answer.json["errors"][0]["description"]
    shop.ask(testapp, order, [(0, 1)])  # exactly what is left


def test_a_rejected_return_frees_its_units(testapp, shop):
    order = shop.buy(testapp, [(shop.sizes[0], 1)])
    ret = shop.ask(testapp, order, [(0, 1)]).json
    shop.ask(testapp, order, [(0, 1)], status=400)
    testapp.post_json(f"/api/returns/{ret['id']}/reject/", {"reason": "worn"}, headers=shop.headers["vendor_a"])
    shop.ask(testapp, order, [(0, 1)])


def test_bad_items_are_400_with_their_names(testapp, shop):
    order = shop.buy(testapp, [(shop.sizes[0], 2)])
    other = shop.buy(testapp, [(shop.sizes[1], 1)])
    url = f"/api/orders/{order['id']}/returns/"
    headers = shop.headers["customer"]
    line = order["items"][0]["id"]
    answer = testapp.post_json(url, {"items": [{"order_item_id": other["items"][0]["id"], "quantity": 1,
                                                "reason": "x"},
                                               {"order_item_id": line, "quantity": 1, "reason": "x"},
                                               {"order_item_id": line, "quantity": 1, "reason": "x"}]},
                               headers=headers, status=400)
    assert error_names(answer) == ["items.0.order_item_id", "items.2.order_item_id"]
    for body, name in (({}, "items"), ({"items": []}, "items"),
                       ({"items": [{"order_item_id": line, "quantity": 0, "reason": "x"}]}, "items.0.quantity"),
                       ({"items": [{"order_item_id": line, "quantity": "1", "reason": "x"}]}, "items.0.quantity"),
                       ({"items": [{"order_item_id": line, "quantity": 1, "reason": " "}]}, "items.0.reason")):
        assert name in error_names(testapp.post_json(url, body, headers=headers, status=400)), body
    assert testapp.get("/api/returns/", headers=headers).json["count"] == 0  # nothing half-written


def test_who_may_request(testapp, shop):
    order = shop.buy(testapp, [(shop.sizes[0], 1)])
    body = {"items": [{"order_item_id": order["items"][0]["id"], "quantity": 1, "reason": "x"}]}
    url = f"/api/orders/{order['id']}/returns/"
    testapp.post_json(url, body, status=401)
    testapp.post_json(url, body, headers=shop.headers["other_customer"], status=404)
    testapp.post_json(url, body, headers=shop.headers["vendor_a"], status=404)
    testapp.post_json(url, body, headers=shop.headers["manager"], status=403)
    testapp.post_json("/api/orders/999999/returns/", body, headers=shop.headers["customer"], status=404)


def test_only_shipped_or_delivered_orders_within_the_window(testapp, shop, db):
    paid = shop.buy(testapp, [(shop.sizes[0], 1)], status="paid")
    assert error_names(shop.ask(testapp, paid, [(0, 1)], status=409)) == ["status"]
    shipped = shop.buy(testapp, [(shop.sizes[0], 1)], status="shipped")
    shop.ask(testapp, shipped, [(0, 1)])
    old = shop.buy(testapp, [(shop.sizes[0], 1)])
    db.execute(update(OrderStatusChange).where(OrderStatusChange.order_id == old["id"])
               .values(at=utcnow() - timedelta(days=31)))
    db.flush()
    answer = shop.ask(testapp, old, [(0, 1)], status=409)
    assert "30 days" in answer.json["errors"][0]["description"]


# ------------------------------------------------------------------ reading
def test_lists_and_detail_show_each_caller_theirs(testapp, shop):
    a = shop.ask(testapp, shop.buy(testapp, [(shop.sizes[0], 1)]), [(0, 1)]).json
    b = shop.ask(testapp, shop.buy(testapp, [(shop.sizes[1], 1)]), [(0, 1)]).json
    ids = lambda who, **q: [r["id"] for r in testapp.get("/api/returns/", q, headers=shop.headers[who]).json["results"]]  # noqa: E731
    assert ids("customer") == [b["id"], a["id"]]
    assert ids("vendor_a") == [a["id"]] and ids("vendor_b") == [b["id"]]
    assert ids("other_customer") == []
    assert set(ids("manager")) >= {a["id"], b["id"]}
    testapp.post_json(f"/api/returns/{a['id']}/approve/", {}, headers=shop.headers["vendor_a"])
    assert ids("customer", status="approved") == [a["id"]]
    assert ids("customer", status="requested") == [b["id"]]
    testapp.get("/api/returns/", {"status": "lost"}, headers=shop.headers["customer"], status=400)
    testapp.get("/api/returns/", status=401)
    assert testapp.get(f"/api/returns/{a['id']}/", headers=shop.headers["customer"]).json == \
        testapp.get(f"/api/returns/{a['id']}/", headers=shop.headers["vendor_a"]).json
    testapp.get(f"/api/returns/{a['id']}/", headers=shop.headers["manager"], status=200)
    testapp.get(f"/api/returns/{a['id']}/", headers=shop.headers["other_customer"], status=404)
    testapp.get(f"/api/returns/{a['id']}/", headers=shop.headers["vendor_b"], status=404)
    testapp.get("/api/returns/999999/", headers=shop.headers["manager"], status=404)
    testapp.get(f"/api/returns/{a['id']}/", status=401)


# ------------------------------------------------------------------ deciding
def test_the_vendor_of_every_line_or_a_manager_decides(testapp, shop):
    order = shop.buy(testapp, [(shop.sizes[0], 1), (shop.sizes[1], 1)])
    single = shop.ask(testapp, order, [(0, 1)]).json
    url = f"/api/returns/{single['id']}/approve/"
    testapp.post_json(url, {}, status=401)
    testapp.post_json(url, {}, headers=shop.headers["customer"], status=403)
    testapp.post_json(url, {}, headers=shop.headers["vendor_b"], status=404)
    testapp.post_json(url, {}, headers=shop.headers["other_customer"], status=404)
    approved = testapp.post_json(url, {"note": "ok"}, headers=shop.headers["vendor_a"]).json
    assert approved["status"] == "approved" and approved["history"][-1]["note"] == "ok"
    assert error_names(testapp.post_json(url, {}, headers=shop.headers["vendor_a"], status=409)) == ["status"]
    testapp.post_json(f"/api/returns/{single['id']}/reject/", {"reason": "late"},
                      headers=shop.headers["manager"], status=409)
    both = shop.ask(testapp, order, [(1, 1)]).json  # vendor B's line only
    mixed_order = shop.buy(testapp, [(shop.sizes[0], 1), (shop.sizes[1], 1)])
    mixed = shop.ask(testapp, mixed_order, [(0, 1), (1, 1)]).json
    for vendor in ("vendor_a", "vendor_b"):
        answer = testapp.post_json(f"/api/returns/{mixed['id']}/approve/", {}, headers=shop.headers[vendor],
                                   status=403)
        assert "manager" in answer.json["errors"][0]["description"]
    testapp.post_json(f"/api/returns/{mixed['id']}/approve/", {}, headers=shop.headers["manager"], status=200)
    rejected = testapp.post_json(f"/api/returns/{both['id']}/reject/", {"reason": "used"},
                                 headers=shop.headers["vendor_b"]).json
    assert rejected["status"] == "rejected" and rejected["history"][-1]["note"] == "used"


def test_reject_needs_a_reason(testapp, shop):
    ret = shop.ask(testapp, shop.buy(testapp, [(shop.sizes[0], 1)]), [(0, 1)]).json
    url = f"/api/returns/{ret['id']}/reject/"
    assert error_names(testapp.post_json(url, {}, headers=shop.headers["vendor_a"], status=400)) == ["reason"]
    testapp.post_json(url, {"reason": "x"}, status=401)
    testapp.post_json(url, {"reason": "x"}, headers=shop.headers["customer"], status=403)
    testapp.post_json(url, {"reason": "x"}, headers=shop.headers["vendor_b"], status=404)
    testapp.post_json(url, {"reason": "x"}, headers=shop.headers["vendor_a"], status=200)
    testapp.post_json(url, {"reason": "x"}, headers=shop.headers["vendor_a"], status=409)


# ------------------------------------------------------------------ receiving (manual provider: recorded)
def test_receipt_with_the_manual_provider_records_the_refund(testapp, shop, db):
    order = shop.buy(testapp, [(shop.sizes[0], 3)])
    ret = shop.ask(testapp, order, [(0, 2)]).json
    url = f"/api/returns/{ret['id']}/receive/"
    assert error_names(testapp.post_json(url, {"restock": True}, headers=shop.headers["vendor_a"],
                                         status=409)) == ["status"]  # not approved yet
    testapp.post_json(f"/api/returns/{ret['id']}/approve/", {}, headers=shop.headers["vendor_a"])
    assert error_names(testapp.post_json(url, {}, headers=shop.headers["vendor_a"], status=400)) == ["restock"]
    testapp.post_json(url, {"restock": True}, status=401)
    testapp.post_json(url, {"restock": True}, headers=shop.headers["customer"], status=403)
    testapp.post_json(url, {"restock": True}, headers=shop.headers["vendor_b"], status=404)
    stock = db.get(Size, shop.sizes[0]).stock
    done = testapp.post_json(url, {"restock": False}, headers=shop.headers["vendor_a"]).json
    assert done["status"] == "refunded" and done["refund_amount"] == "40.00" and not done["restocked"]
    db.expire_all()
    assert db.get(Size, shop.sizes[0]).stock == stock
    fresh = testapp.get(f"/api/orders/{order['id']}/", headers=shop.headers["customer"]).json
    assert fresh["payment"] == {**fresh["payment"], "status": "partially_refunded", "refunded": "40.00"}
    testapp.post_json(url, {"restock": True}, headers=shop.headers["vendor_a"], status=409)
    last = shop.ask(testapp, order, [(0, 1)]).json
    testapp.post_json(f"/api/returns/{last['id']}/approve/", {}, headers=shop.headers["manager"])
    testapp.post_json(f"/api/returns/{last['id']}/receive/", {"restock": True}, headers=shop.headers["manager"])
    fresh = testapp.get(f"/api/orders/{order['id']}/", headers=shop.headers["customer"]).json
    assert fresh["payment"]["status"] == "refunded" and fresh["payment"]["refunded"] == "60.00"


def test_the_refund_carries_its_share_of_tax_and_discounts_but_not_shipping(testapp, shop, db):
    order = shop.buy(testapp, [(shop.sizes[1], 3)])  # 3 × 33.33 = 99.99
    # Price the order as a shop with a 10.00 discount, 8.25 % tax and 5.00 shipping would have.
    db.execute(update(Order).where(Order.id == order["id"]).values(
        discount=1000, tax=742, shipping=500, total=9999 - 1000 + 742 + 500))
    db.flush()
    ret = shop.ask(testapp, order, [(0, 1)]).json
    # (3333 / 9999) × (9999 − 1000 + 742) = 3247 exactly: one third of what was paid without shipping.
    assert ret["refund_amount"] == "32.47" and ret["items"][0]["amount"] == "32.47"
    two = shop.ask(testapp, order, [(0, 2)]).json
    assert two["refund_amount"] == "64.94"


def test_a_refund_never_exceeds_what_is_left_to_refund(testapp, shop, db):
    order = shop.buy(testapp, [(shop.sizes[0], 2)])
    ret = shop.ask(testapp, order, [(0, 2)]).json
    db.execute(update(Order).where(Order.id == order["id"]).values(amount_refunded=3000,
                                                                      payment_status="partially_refunded"))
    db.flush()
    testapp.post_json(f"/api/returns/{ret['id']}/approve/", {}, headers=shop.headers["manager"])
    done = testapp.post_json(f"/api/returns/{ret['id']}/receive/", {"restock": True},
                             headers=shop.headers["manager"]).json
    assert done["refund_amount"] == "10.00"
    assert db.execute(select(Order.amount_refunded).where(Order.id == order["id"])).scalar_one() == 4000


def test_an_unknown_return_is_404_everywhere(testapp, shop):
    for action, body in (("approve", {}), ("reject", {"reason": "x"}), ("receive", {"restock": True})):
        testapp.post_json(f"/api/returns/999999/{action}/", body, headers=shop.headers["manager"], status=404)
    assert bearer  # the conftest helper is importable
    assert Return.__tablename__ == "returns"
