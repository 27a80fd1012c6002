"""Core's staff writes are in the audit log in their own transaction: categories and order
status moves (the plugins' writes are tested beside each plugin: tests/plugins/*/test_audit.py)."""
from __future__ import annotations

import pytest

from core.testing import ADDRESS, AS_CLIENT, audit_trail, audited, sizes_of


@pytest.fixture
def staff(manager, auth_headers):
    return {**auth_headers(manager), **AS_CLIENT["headers"]}


def call(testapp, method, path, body=None, headers=None, status=200):
    kwargs = {"headers": headers, "extra_environ": AS_CLIENT["environ"], "status": status}
    if method == "delete":
        return testapp.delete(path, **kwargs)
    return getattr(testapp, f"{method}_json")(path, body, **kwargs)


def test_category_create_update_move_and_deactivate_are_recorded(testapp, db, manager, staff):
    made = call(testapp, "post", "/api/categories/", {"name": "Lamps", "slug": "lamps"}, staff, status=201).json
    parent = call(testapp, "post", "/api/categories/", {"name": "Home"}, staff, status=201).json
    audited(db, "category.created", actor=manager, target=("category", made["id"]),
            changes={"name": "Lamps", "slug": "lamps", "parent_id": None, "is_active": True})
    call(testapp, "patch", "/api/categories/lamps/", {"name": "Lights"}, staff)
    audited(db, "category.updated", actor=manager, target=("category", made["id"]),
            changes={"name": {"old": "Lamps", "new": "Lights"}})
    call(testapp, "patch", "/api/categories/lamps/", {"parent": parent["slug"]}, staff)
    row = audited(db, "category.moved", actor=manager, target=("category", made["id"]),
                  changes={"parent_id": {"old": None, "new": parent["id"]}})
    assert set(row.changes) == {"parent_id"}
    call(testapp, "delete", "/api/categories/lamps/", headers=staff, status=204)
    audited(db, "category.deactivated", actor=manager, target=("category", made["id"]),
            changes={"is_active": {"old": True, "new": False}})


def test_a_refused_category_move_leaves_no_row(testapp, db, staff):
    call(testapp, "post", "/api/categories/", {"name": "Top", "slug": "top"}, staff, status=201)
    call(testapp, "post", "/api/categories/", {"name": "Below", "slug": "below", "parent": "top"}, staff, status=201)
    call(testapp, "patch", "/api/categories/top/", {"parent": "below"}, staff, status=400)
    assert audit_trail(db, "category.moved") == []


def _order(testapp, db, make_product, customer, auth_headers) -> int:
    headers = auth_headers(customer)
    size = sizes_of(db, make_product(stock=5))[0]
    testapp.post_json("/api/cart/add/", {"size_id": size.id, "quantity": 1}, headers=headers, status=201)
    intent = testapp.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS}, headers=headers).json
    return testapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent["payment_intent_id"],
                                                       "shipping_address": ADDRESS}, headers=headers, status=201).json["id"]


def test_a_staff_status_move_is_recorded_and_a_refused_one_rolls_its_row_back(testapp, db, manager, staff,
                                                                               make_product, customer, auth_headers):
    order_id = _order(testapp, db, make_product, customer, auth_headers)
    call(testapp, "post", f"/api/orders/{order_id}/status/", {"status": "paid", "note": "wire received"}, staff)
    audited(db, "order.status_changed", actor=manager, target=("order", order_id),
            changes={"status": {"old": "pending_payment", "new": "paid"}, "note": "wire received"})
    # the row is written before the move; the move's 409 aborts the transaction, row included
    call(testapp, "post", f"/api/orders/{order_id}/status/", {"status": "pending_payment"}, staff, status=409)
    assert len(audit_trail(db, "order.status_changed")) == 1


def test_staff_cancelling_a_customers_order_is_recorded_but_the_buyer_cancelling_is_not(
        testapp, db, manager, staff, make_product, customer, auth_headers):
    mine = _order(testapp, db, make_product, customer, auth_headers)
    testapp.post_json(f"/api/orders/{mine}/cancel/", {}, headers=auth_headers(customer))
    assert audit_trail(db, "order.cancelled") == []
    theirs = _order(testapp, db, make_product, customer, auth_headers)
    call(testapp, "post", f"/api/orders/{theirs}/cancel/", {}, staff)
    audited(db, "order.cancelled", actor=manager, target=("order", theirs),
            changes={"status": {"old": "pending_payment", "new": "cancelled"}})
