"""Vendor onboarding: apply, profile, the managers' list and decisions (docs/api.md › Vendors)."""
from __future__ import annotations

from sqlalchemy import select

from core.accounts.models import User


def role_of(db, user_id: int) -> str:
    """The role as stored now (a column query, so the test session's cache is bypassed)."""
    return db.scalar(select(User.role).where(User.id == user_id))


def test_applying_creates_a_pending_application_and_fires_the_hook(testapp, customer, auth_headers, vendor_events):
    answer = testapp.post_json("/api/vendor/apply/", {"store_name": "  Blue Loom ", "description": "Linen"},
                               headers=auth_headers(customer), status=201).json
    assert answer["status"] == "pending"
    assert answer["store_name"] == "Blue Loom"
    assert answer["slug"] == "blue-loom"
    assert answer["user_id"] == customer.id
    assert vendor_events.calls == [("applied", answer["id"], "pending", None)]


def test_two_stores_with_the_same_name_get_distinct_slugs(testapp, make_user, auth_headers):
    first = testapp.post_json("/api/vendor/apply/", {"store_name": "Café Crème"},
                              headers=auth_headers(make_user()), status=201).json
    second = testapp.post_json("/api/vendor/apply/", {"store_name": "Cafe creme!"},
                               headers=auth_headers(make_user()), status=201).json
    assert (first["slug"], second["slug"]) == ("cafe-creme", "cafe-creme-2")


def test_a_second_application_by_the_same_user_is_a_conflict(testapp, customer, auth_headers):
    headers = auth_headers(customer)
    testapp.post_json("/api/vendor/apply/", {"store_name": "One"}, headers=headers, status=201)
    answer = testapp.post_json("/api/vendor/apply/", {"store_name": "Two"}, headers=headers, status=409).json
    assert "already applied" in answer["errors"][0]["description"]


def test_applying_needs_a_store_name(testapp, customer, auth_headers):
    answer = testapp.post_json("/api/vendor/apply/", {"store_name": "   "},
                               headers=auth_headers(customer), status=400).json
    assert answer["errors"][0]["name"] == "store_name"


def test_applying_needs_authentication(testapp):
    testapp.post_json("/api/vendor/apply/", {"store_name": "Anon"}, status=401)


def test_profile_shows_the_callers_application(testapp, customer, auth_headers):
    headers = auth_headers(customer)
    testapp.get("/api/vendor/profile/", headers=headers, status=404)
    testapp.post_json("/api/vendor/apply/", {"store_name": "Mine"}, headers=headers, status=201)
    assert testapp.get("/api/vendor/profile/", headers=headers).json["store_name"] == "Mine"
    testapp.get("/api/vendor/profile/", status=401)


def test_managers_list_vendors_filtered_by_status(testapp, make_vendor, manager, auth_headers):
    pending = make_vendor("pending")
    make_vendor("approved")
    answer = testapp.get("/api/manager/vendors/?status=pending", headers=auth_headers(manager)).json
    assert [v["id"] for v in answer["results"]] == [pending.id]
    assert answer["count"] == 1 and answer["next"] is None
    everyone = testapp.get("/api/manager/vendors/?page_size=1", headers=auth_headers(manager)).json
    assert everyone["count"] == 2 and everyone["next"] is not None


def test_vendor_list_refuses_bad_queries_and_pages_past_the_end(testapp, manager, auth_headers):
    headers = auth_headers(manager)
    testapp.get("/api/manager/vendors/?status=sleeping", headers=headers, status=400)
    testapp.get("/api/manager/vendors/?page_size=0", headers=headers, status=400)
    testapp.get("/api/manager/vendors/?page=2", headers=headers, status=404)


def test_only_managers_and_admins_list_vendors(testapp, customer, admin, make_vendor, auth_headers):
    testapp.get("/api/manager/vendors/", status=401)
    testapp.get("/api/manager/vendors/", headers=auth_headers(customer), status=403)
    testapp.get("/api/manager/vendors/", headers=auth_headers(make_vendor().user), status=403)
    testapp.get("/api/manager/vendors/", headers=auth_headers(admin), status=200)


def test_approval_makes_the_applicant_a_vendor_and_fires_the_hook(testapp, db, make_vendor, manager,
                                                                   auth_headers, vendor_events):
    pending = make_vendor("pending")
    answer = testapp.post(f"/api/manager/vendors/{pending.id}/approve/", headers=auth_headers(manager)).json
    assert answer["status"] == "approved" and answer["decided_at"]
    assert role_of(db, pending.user_id) == "vendor"
    assert vendor_events.calls == [("approved", pending.id, "approved", None)]


def test_rejection_keeps_the_reason_and_fires_the_hook(testapp, db, make_vendor, admin, auth_headers, vendor_events):
    pending = make_vendor("pending")
    answer = testapp.post_json(f"/api/manager/vendors/{pending.id}/reject/", {"reason": "No tax id"},
                               headers=auth_headers(admin)).json
    assert (answer["status"], answer["status_reason"]) == ("rejected", "No tax id")
    assert role_of(db, pending.user_id) == "customer"
    assert vendor_events.calls == [("rejected", pending.id, "rejected", "No tax id")]


def test_reject_and_suspend_accept_an_empty_body(testapp, make_vendor, manager, auth_headers):
    headers = auth_headers(manager)
    testapp.post(f"/api/manager/vendors/{make_vendor('pending').id}/reject/", headers=headers, status=200)
    testapp.post(f"/api/manager/vendors/{make_vendor('approved').id}/suspend/", headers=headers, status=200)


def test_suspension_takes_the_vendor_role_back_and_reinstating_returns_it(testapp, db, make_vendor, manager,
                                                                          auth_headers, vendor_events):
    approved = make_vendor("approved")
    headers = auth_headers(manager)
    answer = testapp.post_json(f"/api/manager/vendors/{approved.id}/suspend/", {"reason": "Fraud check"},
                               headers=headers).json
    assert answer["status"] == "suspended"
    assert role_of(db, approved.user_id) == "customer"
    testapp.post(f"/api/manager/vendors/{approved.id}/approve/", headers=headers, status=200)
    assert role_of(db, approved.user_id) == "vendor"
    assert vendor_events.names() == ["suspended", "approved"]


def test_illegal_transitions_are_conflicts(testapp, make_vendor, manager, auth_headers, vendor_events):
    headers = auth_headers(manager)
    pending, approved, rejected = make_vendor("pending"), make_vendor("approved"), make_vendor("rejected")
    testapp.post(f"/api/manager/vendors/{pending.id}/suspend/", headers=headers, status=409)
    testapp.post(f"/api/manager/vendors/{approved.id}/approve/", headers=headers, status=409)
    testapp.post(f"/api/manager/vendors/{approved.id}/reject/", headers=headers, status=409)
    answer = testapp.post(f"/api/manager/vendors/{rejected.id}/approve/", headers=headers, status=409).json
    assert "rejected" in answer["errors"][0]["description"]
    assert vendor_events.calls == []


def test_staff_roles_are_never_changed_by_a_decision(testapp, db, make_user, make_vendor, manager, auth_headers):
    staff = make_user("manager")
    vendor = make_vendor("pending", name="Staff shop", user=staff)
    testapp.post(f"/api/manager/vendors/{vendor.id}/approve/", headers=auth_headers(manager), status=200)
    assert role_of(db, staff.id) == "manager"


def test_decisions_need_a_manager_and_an_existing_vendor(testapp, make_vendor, customer, manager, auth_headers):
    pending = make_vendor("pending")
    testapp.post(f"/api/manager/vendors/{pending.id}/approve/", status=401)
    testapp.post(f"/api/manager/vendors/{pending.id}/approve/", headers=auth_headers(customer), status=403)
    testapp.post("/api/manager/vendors/999999/approve/", headers=auth_headers(manager), status=404)
    testapp.post("/api/manager/vendors/abc/approve/", headers=auth_headers(manager), status=400)
    testapp.post_json(f"/api/manager/vendors/{pending.id}/reject/", {"reason": 5},
                      headers=auth_headers(manager), status=400)
