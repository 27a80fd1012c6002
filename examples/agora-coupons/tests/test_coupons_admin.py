"""Managers create, list, change and deactivate coupons; everyone else is kept out."""
from __future__ import annotations

import pytest
from coupon_flow import reason

from core.catalog.models import Category

NEW = {"code": "spring25", "kind": "percent", "value": "12.5", "minimum_subtotal": "20.00",
       "valid_from": "2030-03-01T00:00:00+00:00", "valid_until": "2030-04-01T00:00:00+00:00",
       "usage_limit": 100, "per_customer_limit": 1}


def test_a_manager_creates_a_coupon(testapp, staff):
    coupon = testapp.post_json("/api/coupons/", NEW, headers=staff, status=201).json
    assert coupon["code"] == "SPRING25" and coupon["kind"] == "percent" and coupon["value"] == "12.5"
    assert coupon["minimum_subtotal"] == "20.00" and coupon["currency"] == "USD"
    assert coupon["usage_limit"] == 100 and coupon["per_customer_limit"] == 1 and coupon["times_used"] == 0
    assert coupon["valid_until"].startswith("2030-04-01") and coupon["is_active"] is True
    assert testapp.get(f"/api/coupons/{coupon['id']}/", headers=staff).json == coupon


def test_codes_are_unique_whatever_their_case(testapp, staff):
    testapp.post_json("/api/coupons/", NEW, headers=staff, status=201)
    body = testapp.post_json("/api/coupons/", {**NEW, "code": "Spring25"}, headers=staff, status=400).json
    assert body["errors"][0]["name"] == "code" and "exists already" in reason(body)


@pytest.mark.parametrize("change, field", [
    ({"value": "120"}, "value"),
    ({"value": "0"}, "value"),
    ({"value": "10.123"}, "value"),
    ({"kind": "fixed", "value": "1.005"}, "value"),
    ({"kind": "bogo"}, "kind"),
    ({"code": "no spaces"}, "code"),
    ({"valid_until": "2030-02-01T00:00:00+00:00"}, "valid_until"),
    ({"usage_limit": 0}, "usage_limit"),
    ({"categories": ["no-such-category"]}, "categories.0"),
    ({"vendors": ["nobody"]}, "vendors.0"),
])
def test_bad_coupons_are_refused_on_the_field(testapp, staff, change, field):
    body = testapp.post_json("/api/coupons/", {**NEW, **change}, headers=staff, status=400).json
    assert [e["name"] for e in body["errors"]] == [field]


def test_a_restriction_names_existing_slugs(testapp, db, staff):
    db.add(Category(name="Shoes", slug="shoes"))
    db.flush()
    coupon = testapp.post_json("/api/coupons/", {**NEW, "categories": ["shoes"]}, headers=staff, status=201).json
    assert coupon["categories"] == ["shoes"] and coupon["vendors"] == []


def test_patch_changes_only_what_it_names(testapp, staff):
    coupon = testapp.post_json("/api/coupons/", NEW, headers=staff, status=201).json
    changed = testapp.patch_json(f"/api/coupons/{coupon['id']}/", {"kind": "fixed", "value": "5.00",
                                                                   "usage_limit": None}, headers=staff).json
    assert changed["kind"] == "fixed" and changed["value"] == "5.00" and changed["usage_limit"] is None
    assert changed["code"] == "SPRING25" and changed["per_customer_limit"] == 1
    body = testapp.patch_json(f"/api/coupons/{coupon['id']}/", {"kind": "percent"}, headers=staff, status=400).json
    assert body["errors"][0]["name"] == "value"


def test_a_usage_limit_cannot_drop_below_the_uses_counted(testapp, staff, make_coupon):
    coupon = make_coupon("USED", times_used=3, usage_limit=10)
    body = testapp.patch_json(f"/api/coupons/{coupon.id}/", {"usage_limit": 2}, headers=staff, status=400).json
    assert "used 3 times already" in reason(body)


def test_delete_deactivates_and_the_list_filters(testapp, staff):
    first = testapp.post_json("/api/coupons/", NEW, headers=staff, status=201).json
    testapp.post_json("/api/coupons/", {**NEW, "code": "OTHER"}, headers=staff, status=201)
    gone = testapp.delete(f"/api/coupons/{first['id']}/", headers=staff).json
    assert gone["is_active"] is False
    listing = testapp.get("/api/coupons/", headers=staff).json
    assert listing["count"] == 2 and listing["next"] is None
    assert [c["code"] for c in testapp.get("/api/coupons/?active=false", headers=staff).json["results"]] == [
        "SPRING25"]
    testapp.get("/api/coupons/999999/", headers=staff, status=404)


def test_only_managers_and_admins_manage_coupons(testapp, customer, admin, auth_headers):
    testapp.get("/api/coupons/", status=401)
    testapp.get("/api/coupons/", headers=auth_headers(customer), status=403)
    testapp.post_json("/api/coupons/", NEW, headers=auth_headers(customer), status=403)
    testapp.post_json("/api/coupons/", NEW, headers=auth_headers(admin), status=201)
