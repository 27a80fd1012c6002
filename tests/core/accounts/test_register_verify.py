"""Registration and email verification (docs/api.md › Auth)."""
from core.accounts.models import User


def register(testapp, email="new@example.com", password="a-long-passphrase", status=201, **extra):
    return testapp.post_json("/api/auth/register/", {"email": email, "password": password, **extra}, status=status)


def test_register_creates_an_inactive_customer_and_fires_the_hook(testapp, hooks):
    answer = register(testapp).json
    assert answer["email"] == "new@example.com"
    assert answer["is_active"] is False and answer["email_verified"] is False
    assert answer["role"] == "customer"
    assert "password" not in answer and "password_hash" not in answer
    assert hooks.last("agora_user_registered")["token"]


def test_register_ignores_role_and_is_active_sent_by_the_client(testapp, db):
    answer = register(testapp, email="sneaky@example.com", role="admin", is_active=True, email_verified=True).json
    assert answer["role"] == "customer" and answer["is_active"] is False
    assert db.get(User, answer["id"]).role == "customer"


def test_register_refuses_a_duplicate_email_case_insensitively(testapp):
    register(testapp, email="Dup@Example.com")
    errors = register(testapp, email="dup@example.COM", status=400).json["errors"]
    assert errors[0]["name"] == "email"


def test_register_refuses_weak_passwords_with_reasons(testapp):
    for password, reason in [("short", "at least 10"), ("1234567890123", "all digits"),
                             ("weak@example.com", "email")]:
        body = register(testapp, email="weak@example.com", password=password, status=400).json
        assert body["status"] == "error"
        assert body["errors"][0]["name"] == "password"
        assert reason in body["errors"][0]["description"]


def test_register_reports_missing_and_malformed_fields(testapp):
    body = testapp.post_json("/api/auth/register/", {"email": "not-an-email"}, status=400).json
    names = {e["name"] for e in body["errors"]}
    assert names == {"email", "password"}
    assert all(e["location"] == "body" for e in body["errors"])


def test_malformed_json_is_a_400(testapp):
    body = testapp.post("/api/auth/register/", "{not json", content_type="application/json", status=400).json
    assert body["errors"][0]["name"] == "body"


def test_wrong_content_type_is_a_415(testapp):
    body = testapp.post("/api/auth/register/", "email=a@b.c", content_type="application/x-www-form-urlencoded",
                        status=415).json
    assert body["status"] == "error"


def test_oversized_body_is_a_413(testapp):
    big = {"email": "big@example.com", "password": "x" * (2 * 1024 * 1024)}
    body = testapp.post_json("/api/auth/register/", big, status=413).json
    assert body["errors"][0]["name"] == "body"


def test_deeply_nested_json_is_refused(testapp):
    nested = "[" * 100 + "]" * 100
    testapp.post("/api/auth/register/", f'{{"email": {nested}}}', content_type="application/json", status=400)


def test_verification_activates_once(testapp, hooks):
    register(testapp, email="verify@example.com")
    token = hooks.last("agora_user_registered")["token"]
    answer = testapp.get(f"/api/auth/verify-email/{token}/").json
    assert answer["user"]["is_active"] is True and answer["user"]["email_verified"] is True
    assert answer["detail"]
    assert hooks.named("agora_email_verified")
    testapp.get(f"/api/auth/verify-email/{token}/", status=400)


def test_verification_by_post_activates_once_and_names_the_body_token(testapp, hooks, db):
    register(testapp, email="post-verify@example.com")
    token = hooks.last("agora_user_registered")["token"]
    answer = testapp.post_json("/api/auth/verify-email/", {"token": token}).json
    assert answer["user"]["is_active"] is True and answer["user"]["email_verified"] is True
    assert hooks.named("agora_email_verified")
    error = testapp.post_json("/api/auth/verify-email/", {"token": token}, status=400).json["errors"][0]
    assert (error["location"], error["name"]) == ("body", "token")
    testapp.get(f"/api/auth/verify-email/{token}/", status=400)  # one token, spent by either door


def test_verification_by_post_needs_a_token(testapp):
    error = testapp.post_json("/api/auth/verify-email/", {}, status=400).json["errors"][0]
    assert (error["location"], error["name"]) == ("body", "token")


def test_unknown_verification_token_is_a_400(testapp):
    body = testapp.get("/api/auth/verify-email/nope/", status=400).json
    assert body["errors"][0]["name"] == "token"


def test_expired_verification_token_is_a_400(testapp, hooks, db):
    from datetime import timedelta

    from core.accounts.models import OneTimeToken
    from core.db import utcnow

    register(testapp, email="late@example.com")
    token = hooks.last("agora_user_registered")["token"]
    for row in db.query(OneTimeToken).all():
        row.expires_at = utcnow() - timedelta(seconds=1)
    db.flush()
    testapp.get(f"/api/auth/verify-email/{token}/", status=400)


def test_resend_verification_answers_202_for_known_and_unknown_emails(testapp, hooks):
    register(testapp, email="resend@example.com")
    first = hooks.last("agora_user_registered")["token"]
    known = testapp.post_json("/api/auth/resend-verification/", {"email": "resend@example.com"}, status=202).json
    unknown = testapp.post_json("/api/auth/resend-verification/", {"email": "ghost@example.com"}, status=202).json
    assert known == unknown
    second = hooks.last("agora_user_registered")["token"]
    assert second != first
    testapp.get(f"/api/auth/verify-email/{first}/", status=400)  # superseded
    testapp.get(f"/api/auth/verify-email/{second}/", status=200)


def test_nul_characters_are_a_400_not_a_database_error(testapp):
    body = testapp.post_json("/api/auth/login/", {"email": "a\x00@example.com", "password": "x\x00"}, status=400).json
    assert body["errors"][0]["name"] == "body"
