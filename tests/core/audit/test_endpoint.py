"""``GET /api/manager/audit/``: managers and admins only, newest first, ``?action=`` and
``?actor=`` (id or email), paginated like every list."""
from __future__ import annotations

import pytest

from core import audit
from core.testing import audit_trail

URL = "/api/manager/audit/"


@pytest.fixture
def trail(db, manager, admin):
    """Five rows: three by the manager, one by the admin, one by nobody."""
    for n, (actor, action) in enumerate([(manager, "category.created"), (admin, "vendor.approved"),
                                         (manager, "category.updated"), (None, "auth.login_failed"),
                                         (manager, "vendor.suspended")]):
        audit.record(db, actor=actor, action=action, target=("thing", n), changes={"n": n},
                     request_id=f"request-{n:04d}", ip="192.0.2.1")
    db.flush()
    return audit_trail(db)


def test_managers_and_admins_read_it_newest_first(testapp, trail, manager, admin, auth_headers):
    for user in (manager, admin):
        page = testapp.get(URL, headers=auth_headers(user)).json
        assert page["count"] == 5 and page["next"] is None
        assert [r["id"] for r in page["results"]] == [row.id for row in reversed(trail)]
    first = testapp.get(URL, headers=auth_headers(manager)).json["results"][0]
    assert first == {"id": trail[-1].id, "at": first["at"], "action": "vendor.suspended",
                     "actor": {"id": manager.id, "email": manager.email, "role": "manager"},
                     "target": {"type": "thing", "id": "4"}, "changes": {"n": 4},
                     "request_id": "request-0004", "ip": "192.0.2.1"}
    nobody = testapp.get(URL, {"action": "auth.login_failed"}, headers=auth_headers(manager)).json["results"][0]
    assert nobody["actor"] is None


def test_others_are_refused(testapp, trail, customer, make_user, auth_headers):
    testapp.get(URL, status=401)
    for user in (customer, make_user("vendor")):
        testapp.get(URL, headers=auth_headers(user), status=403)


def test_action_filters_one_action_or_a_family(testapp, trail, manager, auth_headers):
    headers = auth_headers(manager)
    assert [r["action"] for r in testapp.get(URL, {"action": "category.updated"}, headers=headers).json["results"]] \
        == ["category.updated"]
    assert [r["action"] for r in testapp.get(URL, {"action": "vendor."}, headers=headers).json["results"]] \
        == ["vendor.suspended", "vendor.approved"]
    assert testapp.get(URL, {"action": "vendor"}, headers=headers).json["count"] == 0
    assert testapp.get(URL, {"action": "%"}, headers=headers).json["count"] == 0


def test_actor_filters_by_id_or_email(testapp, trail, manager, admin, auth_headers):
    headers = auth_headers(manager)
    assert testapp.get(URL, {"actor": str(manager.id)}, headers=headers).json["count"] == 3
    assert testapp.get(URL, {"actor": admin.email.upper()}, headers=headers).json["count"] == 1
    assert testapp.get(URL, {"actor": "nobody@example.com"}, headers=headers).json["count"] == 0
    assert testapp.get(URL, {"actor": "9" * 40}, headers=headers).json["count"] == 0
    both = testapp.get(URL, {"actor": str(manager.id), "action": "category."}, headers=headers).json
    assert [r["action"] for r in both["results"]] == ["category.updated", "category.created"]


def test_pages(testapp, trail, manager, auth_headers):
    headers = auth_headers(manager)
    first = testapp.get(URL, {"page_size": "2"}, headers=headers).json
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    last = testapp.get(URL, {"page_size": "2", "page": "3"}, headers=headers).json
    assert [r["id"] for r in last["results"]] == [trail[0].id]
    testapp.get(URL, {"page": "4", "page_size": "2"}, headers=headers, status=404)
    testapp.get(URL, {"page_size": "0"}, headers=headers, status=400)
    testapp.get(URL, {"action": "x" * 61}, headers=headers, status=400)


def test_reading_the_log_is_not_itself_logged(testapp, db, trail, manager, auth_headers):
    testapp.get(URL, headers=auth_headers(manager))
    assert len(audit_trail(db)) == len(trail)
