"""Password reset and change."""
from core.testing import TEST_PASSWORD

NEW = "a brand new passphrase"


def test_reset_request_answers_202_for_known_and_unknown_emails(testapp, customer, hooks):
    known = testapp.post_json("/api/auth/password-reset/", {"email": customer.email}, status=202).json
    unknown = testapp.post_json("/api/auth/password-reset/", {"email": "ghost@example.com"}, status=202).json
    assert known == unknown
    calls = hooks.named("agora_password_reset_requested")
    assert len(calls) == 1 and calls[0]["email"] == customer.email


def test_reset_confirm_sets_the_password_once_and_revokes_sessions(testapp, customer, hooks, login):
    old = login(customer)
    testapp.post_json("/api/auth/password-reset/", {"email": customer.email}, status=202)
    token = hooks.last("agora_password_reset_requested")["token"]
    testapp.post_json("/api/auth/password-reset/confirm/", {"token": token, "new_password": NEW})
    testapp.get("/api/auth/me/", headers={"Authorization": f"Bearer {old['access']}"}, status=401)
    testapp.post_json("/api/auth/refresh/", {"refresh": old["refresh"]}, status=401)
    testapp.post_json("/api/auth/login/", {"email": customer.email, "password": TEST_PASSWORD}, status=401)
    login(customer, password=NEW)
    testapp.post_json("/api/auth/password-reset/confirm/", {"token": token, "new_password": NEW + "x"}, status=400)
    assert hooks.named("agora_password_changed")


def test_reset_confirm_refuses_a_weak_password_and_keeps_the_token(testapp, customer, hooks):
    testapp.post_json("/api/auth/password-reset/", {"email": customer.email}, status=202)
    token = hooks.last("agora_password_reset_requested")["token"]
    body = testapp.post_json("/api/auth/password-reset/confirm/", {"token": token, "new_password": "short"},
                             status=400).json
    assert body["errors"][0]["name"] == "new_password"
    testapp.post_json("/api/auth/password-reset/confirm/", {"token": token, "new_password": NEW})


def test_unknown_reset_token_is_a_400(testapp):
    testapp.post_json("/api/auth/password-reset/confirm/", {"token": "nope", "new_password": NEW}, status=400)


def test_change_password_keeps_this_session_and_revokes_the_others(testapp, customer, login):
    this = login(customer)
    other = login(customer)
    headers = {"Authorization": f"Bearer {this['access']}"}
    testapp.post_json("/api/auth/change-password/", {"old_password": TEST_PASSWORD, "new_password": NEW},
                      headers=headers)
    testapp.get("/api/auth/me/", headers=headers)
    testapp.get("/api/auth/me/", headers={"Authorization": f"Bearer {other['access']}"}, status=401)
    login(customer, password=NEW)


def test_change_password_with_a_wrong_old_password_is_a_400(testapp, customer, auth_headers):
    body = testapp.post_json("/api/auth/change-password/", {"old_password": "wrong-password", "new_password": NEW},
                             headers=auth_headers(customer), status=400).json
    assert body["errors"][0]["name"] == "old_password"


def test_change_password_requires_authentication(testapp):
    testapp.post_json("/api/auth/change-password/", {"old_password": "x", "new_password": NEW}, status=401)
