"""Secrets never leave through logs or answers.

A full account-and-order flow runs with every logger at DEBUG and the request log on; then
the captured records (messages, arguments and tracebacks) are searched for the actual secret
values used: passwords, access/refresh/verification/reset tokens, a card number a client
wrongly sent, and the tokens of refused (tampered) requests.  Every answer of the flow is
searched for password hashes (``$argon2``) and for the one-time tokens.
"""
from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.hooks import hookimpl
from core.testing import ADDRESS

PASSWORD = "first secret passphrase 1"
RESET_PASSWORD = "second secret passphrase 2"
CHANGED_PASSWORD = "third secret passphrase 3"
CARD = "4242424242424242"


@pytest.fixture
def logging_app(make_testapp):
    return make_testapp(**{"agora.log_requests": "true"})


def test_a_full_flow_leaks_no_secret_to_logs_or_answers(logging_app, hooks, world, caplog):
    app = logging_app
    responses = []

    def keep(response):
        responses.append(response)
        return response

    caplog.set_level(logging.DEBUG)  # the root logger: every logger propagates here
    email = "leaky@example.com"
    keep(app.post_json("/api/auth/register/", {"email": email, "password": PASSWORD}, status=201))
    verify_token = hooks.last("agora_user_registered")["token"]
    keep(app.post_json("/api/auth/resend-verification/", {"email": email}, status=202))
    verify_token_2 = hooks.last("agora_user_registered")["token"]
    keep(app.get(f"/api/auth/verify-email/{verify_token_2}/", status=200))
    keep(app.get(f"/api/auth/verify-email/{verify_token}/", status=400))  # revoked by the resend
    keep(app.post_json("/api/auth/login/", {"email": email, "password": "wrong " + PASSWORD}, status=401))
    tokens = keep(app.post_json("/api/auth/login/", {"email": email, "password": PASSWORD})).json
    refreshed = keep(app.post_json("/api/auth/refresh/", {"refresh": tokens["refresh"]})).json
    keep(app.post_json("/api/auth/refresh/", {"refresh": tokens["refresh"]}, status=401))  # reuse: family revoked
    keep(app.post_json("/api/auth/password-reset/", {"email": email}, status=202))
    reset_token = hooks.last("agora_password_reset_requested")["token"]
    keep(app.post_json("/api/auth/password-reset/confirm/", {"token": reset_token, "new_password": RESET_PASSWORD}))
    keep(app.post_json("/api/auth/password-reset/confirm/", {"token": reset_token, "new_password": RESET_PASSWORD},
                       status=400))
    session = keep(app.post_json("/api/auth/login/", {"email": email, "password": RESET_PASSWORD})).json
    headers = {"Authorization": f"Bearer {session['access']}"}
    tampered = session["access"][:-3] + ("AAA" if not session["access"].endswith("AAA") else "BBB")
    keep(app.get("/api/auth/me/", headers={"Authorization": f"Bearer {tampered}"}, status=401))
    keep(app.get("/api/auth/me/", headers={"Authorization": f"Bearer {refreshed['refresh']}"}, status=401))
    keep(app.post_json("/api/auth/change-password/", {"old_password": RESET_PASSWORD,
                                                      "new_password": CHANGED_PASSWORD}, headers=headers))
    keep(app.post_json("/api/cart/add/", {"size_id": world.ids["size_b"], "quantity": 1, "card_number": CARD},
                       headers=headers, status=201))
    intent = keep(app.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS, "card": CARD},
                                headers=headers)).json
    keep(app.post_json("/api/orders/checkout/", {"payment_intent_id": intent["payment_intent_id"],
                                                 "shipping_address": ADDRESS, "card_number": CARD,
                                                 "cvc": "737"}, headers=headers, status=201))
    keep(app.post_json("/api/auth/logout/", {"refresh": session["refresh"]}, headers=headers, status=204))
    keep(app.get("/api/auth/me/", headers=headers, status=401))

    secrets = {
        "password": PASSWORD, "reset password": RESET_PASSWORD, "changed password": CHANGED_PASSWORD,
        "verification token": verify_token, "second verification token": verify_token_2,
        "reset token": reset_token, "access token": tokens["access"], "refresh token": tokens["refresh"],
        "rotated access token": refreshed["access"], "rotated refresh token": refreshed["refresh"],
        "second session access token": session["access"], "second session refresh token": session["refresh"],
        "tampered token": tampered, "card number": CARD,
    }
    logged = "\n".join(_record_text(record) for record in caplog.records)
    assert '"route": "/api/auth/verify-email/{token}/"' in logged  # the request log did run
    leaks = [name for name, value in secrets.items() if value in logged]
    assert leaks == []
    # The audit log records every security event of the flow, and none of its secrets.
    trail = app.get("/api/manager/audit/", {"page_size": "100"}, headers=world.headers["manager"]).json
    assert {"auth.login_failed", "auth.refresh_reuse", "auth.password_reset", "auth.password_changed",
            "auth.logout"} <= {entry["action"] for entry in trail["results"]}
    audited = json.dumps(trail)
    assert [name for name, value in secrets.items() if value in audited] == []
    assert "$argon2" not in audited
    # Signatures alone leak nothing useful, but a token's payload+signature must not show either.
    assert all(value.split(".")[-1] not in logged for key, value in secrets.items() if "token" in key
               and value.count(".") == 2)

    one_time = [verify_token, verify_token_2, reset_token]
    for response in responses:
        body = response.body.decode("utf-8", "replace")
        assert "$argon2" not in body, response.request.path
        assert not any(token in body for token in one_time), response.request.path
        for password in (PASSWORD, RESET_PASSWORD, CHANGED_PASSWORD, CARD):
            assert password not in body, response.request.path
        assert "password_hash" not in body


def _record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), repr(record.args)]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append(logging.Formatter().formatException(record.exc_info))
    return " ".join(parts)


def test_every_user_answer_hides_the_password_hash(testapp, world):
    """Every service that answers a user object (me, register, verify, login, refresh, staff lists)."""
    for role in ("customer", "vendor", "manager", "admin"):
        body = testapp.get("/api/auth/me/", headers=world.headers[role]).text
        assert "$argon2" not in body and "password" not in body
    answer = testapp.post_json("/api/auth/login/", {"email": world.users["admin"].email,
                                                    "password": world.password}).text
    assert "$argon2" not in answer and "password" not in answer


class FailingStatement:
    """A plugin hook that runs a statement the database refuses, with a secret among its values."""

    def __init__(self, sql: str):
        self.sql = sql

    @hookimpl
    def agora_product_visibility(self, query, request):
        request.db.execute(text(self.sql), {"secret": SECRET_VALUE})


SECRET_VALUE = "hunter2-secret-value"
FAILING = {
    # NOT NULL violation: PostgreSQL's message quotes the whole failing row.
    "integrity error (409)": ("INSERT INTO users (email) VALUES (:secret)", 409),
    # A value the type refuses: PostgreSQL quotes it (SQLite casts anything, so PostgreSQL only).
    "data error (500)": ("SELECT CAST(:secret AS INTEGER)", 500),
}


@pytest.mark.parametrize("sql, status", FAILING.values(), ids=list(FAILING))
def test_database_errors_are_logged_without_the_values_they_carried(sql, status, testapp, loaded, caplog, db_kind):
    if status == 500 and db_kind != "postgresql":
        pytest.skip("SQLite casts any text to an integer without an error")
    caplog.set_level(logging.DEBUG)
    loaded[1].register(FailingStatement(sql), name="failing-statement")
    try:
        response = testapp.get("/api/products/", status=status)
    finally:
        loaded[1].unregister(name="failing-statement")
    assert response.json["status"] == "error" and SECRET_VALUE not in response.text
    logged = "\n".join(_record_text(record) for record in caplog.records)
    assert "agora.errors" in {r.name for r in caplog.records}
    assert SECRET_VALUE not in logged
    assert "statement=" in logged  # what failed is still there to debug


def test_the_engine_hides_bound_parameters(engine):
    assert engine.hide_parameters
    with engine.connect() as conn:
        with pytest.raises(DBAPIError) as raised:
            conn.execute(text("INSERT INTO nowhere_table (x) VALUES (:secret)"), {"secret": SECRET_VALUE})
    assert SECRET_VALUE not in str(raised.value)
