"""Account security events are in the audit log: login failure, logout, password change and
reset, refresh-token reuse — with actor, target, request id and client address, never a secret."""
from __future__ import annotations

import json

from core.testing import AS_CLIENT, TEST_PASSWORD, audit_trail, audited

NEW_PASSWORD = "a fresh and rather long passphrase"


def _post(testapp, path, body, headers=None, status=200):
    return testapp.post_json(path, body, headers={**(headers or {}), **AS_CLIENT["headers"]},
                             extra_environ=AS_CLIENT["environ"], status=status)


def test_a_failed_login_is_recorded_and_committed_with_the_401(testapp, db, customer):
    _post(testapp, "/api/auth/login/", {"email": customer.email.upper(), "password": "wrong password!"}, status=401)
    row = audited(db, "auth.login_failed", actor=None, target=("user", customer.id), changes={"email": customer.email})
    assert "wrong password!" not in json.dumps(row.changes)


def test_a_failed_login_of_an_unknown_email_names_no_account(testapp, db):
    _post(testapp, "/api/auth/login/", {"email": "nobody@example.com", "password": "whatever it is"}, status=401)
    audited(db, "auth.login_failed", actor=None, target=("user", None), changes={"email": "nobody@example.com"})


def test_a_successful_login_writes_no_security_event(testapp, db, customer):
    _post(testapp, "/api/auth/login/", {"email": customer.email, "password": TEST_PASSWORD})
    assert audit_trail(db) == []


def test_logout_is_recorded(testapp, db, customer, login):
    tokens = login(customer)
    _post(testapp, "/api/auth/logout/", {"refresh": tokens["refresh"]},
          headers={"Authorization": f"Bearer {tokens['access']}"}, status=204)
    audited(db, "auth.logout", actor=customer, target=("user", customer.id))


def test_a_password_change_is_recorded_without_either_password(testapp, db, manager, auth_headers):
    _post(testapp, "/api/auth/change-password/", {"old_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
          headers=auth_headers(manager))
    row = audited(db, "auth.password_changed", actor=manager, target=("user", manager.id), changes={})
    assert TEST_PASSWORD not in json.dumps(row.changes) and NEW_PASSWORD not in json.dumps(row.changes)


def test_a_wrong_current_password_changes_nothing_and_records_nothing(testapp, db, customer, auth_headers):
    _post(testapp, "/api/auth/change-password/", {"old_password": "not the password", "new_password": NEW_PASSWORD},
          headers=auth_headers(customer), status=400)
    assert audit_trail(db, "auth.password_changed") == []


def test_a_password_reset_is_recorded_as_done_by_the_account_holder(testapp, db, customer, hooks):
    _post(testapp, "/api/auth/password-reset/", {"email": customer.email}, status=202)
    token = next(args["token"] for name, args in hooks.calls if name == "agora_password_reset_requested")
    _post(testapp, "/api/auth/password-reset/confirm/", {"token": token, "new_password": NEW_PASSWORD})
    row = audited(db, "auth.password_reset", actor=customer, target=("user", customer.id))
    assert token not in json.dumps(row.changes)


def test_refresh_token_reuse_is_recorded_with_the_revoked_session(testapp, db, customer, login):
    first = login(customer)["refresh"]
    _post(testapp, "/api/auth/refresh/", {"refresh": first})
    _post(testapp, "/api/auth/refresh/", {"refresh": first}, status=401)
    row = audited(db, "auth.refresh_reuse", actor=None, target=("user", customer.id),
                  changes={"session_revoked": True})
    assert first not in json.dumps(row.changes)
