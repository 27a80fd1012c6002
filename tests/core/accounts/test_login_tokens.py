"""Login, refresh rotation, logout and the hostile token cases."""
import base64
import json
from datetime import timedelta

import jwt

from core.security import token_codec_of
from core.testing import TEST_PASSWORD


def test_login_returns_a_token_pair_and_the_user(testapp, customer):
    answer = testapp.post_json("/api/auth/login/", {"email": customer.email, "password": TEST_PASSWORD}).json
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 900
    assert answer["user"]["email"] == customer.email
    me = testapp.get("/api/auth/me/", headers={"Authorization": f"Bearer {answer['access']}"}).json
    assert me["id"] == customer.id


def test_login_email_is_case_insensitive(testapp, customer):
    testapp.post_json("/api/auth/login/", {"email": customer.email.upper(), "password": TEST_PASSWORD})


def test_bad_credentials_are_a_401_and_unknown_email_looks_the_same(testapp, customer):
    wrong = testapp.post_json("/api/auth/login/", {"email": customer.email, "password": "nope-nope-nope"},
                              status=401).json
    ghost = testapp.post_json("/api/auth/login/", {"email": "ghost@example.com", "password": "nope-nope-nope"},
                              status=401).json
    assert wrong == ghost


def test_unverified_account_cannot_log_in(testapp, make_user):
    user = make_user(verified=False)
    testapp.post_json("/api/auth/login/", {"email": user.email, "password": TEST_PASSWORD}, status=403)


def test_repeated_failures_are_throttled_with_retry_after(testapp, customer):
    for _ in range(5):
        testapp.post_json("/api/auth/login/", {"email": customer.email, "password": "wrong-password"}, status=401)
    response = testapp.post_json("/api/auth/login/", {"email": customer.email, "password": TEST_PASSWORD},
                                 status=429)
    assert int(response.headers["Retry-After"]) > 0
    assert response.json["status"] == "error"


def test_failures_from_one_address_are_throttled_across_accounts(testapp, make_user):
    for i in range(50):
        testapp.post_json("/api/auth/login/", {"email": f"nobody{i}@example.com", "password": "wrong-password"},
                          status=401)
    user = make_user()
    testapp.post_json("/api/auth/login/", {"email": user.email, "password": TEST_PASSWORD}, status=429)
    other = testapp.post_json("/api/auth/login/", {"email": user.email, "password": TEST_PASSWORD},
                              extra_environ={"REMOTE_ADDR": "10.9.9.9"})
    assert other.json["access"]


def test_me_requires_a_token(testapp):
    response = testapp.get("/api/auth/me/", status=401)
    assert response.json["errors"][0]["location"] == "header"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_patch_updates_names_only(testapp, customer, auth_headers):
    headers = auth_headers(customer)
    answer = testapp.patch_json("/api/auth/me/", {"first_name": " Ada ", "role": "admin", "email": "x@y.z"},
                                headers=headers).json
    assert answer["first_name"] == "Ada" and answer["role"] == "customer" and answer["email"] == customer.email


def _forge(claims, key="not-the-secret" * 8, alg="HS512"):
    return jwt.encode(claims, key, algorithm=alg)


def test_alg_none_token_is_refused(testapp, customer, login):
    real = login(customer)["access"]
    payload = json.loads(base64.urlsafe_b64decode(real.split(".")[1] + "=="))
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    testapp.get("/api/auth/me/", headers={"Authorization": f"Bearer {header}.{body}."}, status=401)


def test_tampered_token_is_refused(testapp, customer, make_user, login):
    real = login(customer)["access"]
    head, payload, sig = real.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"] = "admin"
    claims["sub"] = str(make_user("admin").id)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    testapp.get("/api/auth/me/", headers={"Authorization": f"Bearer {head}.{forged}.{sig}"}, status=401)


def test_token_signed_with_another_key_or_algorithm_is_refused(testapp, customer, login):
    real = login(customer)["access"]
    claims = jwt.decode(real, options={"verify_signature": False})
    testapp.get("/api/auth/me/", headers={"Authorization": f"Bearer {_forge(claims)}"}, status=401)
    testapp.get("/api/auth/me/", headers={"Authorization": f"Bearer {_forge(claims, alg='HS256')}"}, status=401)


def test_expired_token_is_refused(testapp, customer, login, app):
    login(customer)
    codec = token_codec_of(app.registry)
    token = codec.jwt.create_token(str(customer.id), expiration=timedelta(seconds=-10), typ="access",
                                   sid="whatever", jti="x")
    testapp.get("/api/auth/me/", headers={"Authorization": f"Bearer {token}"}, status=401)


def test_refresh_token_cannot_be_used_as_access_token(testapp, customer, login):
    pair = login(customer)
    testapp.get("/api/auth/me/", headers={"Authorization": f"Bearer {pair['refresh']}"}, status=401)


def test_access_token_cannot_be_used_to_refresh(testapp, customer, login):
    pair = login(customer)
    testapp.post_json("/api/auth/refresh/", {"refresh": pair["access"]}, status=401)


def test_refresh_rotates_and_the_spent_token_revokes_the_family(testapp, customer, login):
    pair = login(customer)
    second = testapp.post_json("/api/auth/refresh/", {"refresh": pair["refresh"]}).json
    assert second["refresh"] != pair["refresh"] and second["access"]
    testapp.get("/api/auth/me/", headers={"Authorization": f"Bearer {second['access']}"})
    # Reusing the spent token: refused, and the whole family ends.
    testapp.post_json("/api/auth/refresh/", {"refresh": pair["refresh"]}, status=401)
    testapp.post_json("/api/auth/refresh/", {"refresh": second["refresh"]}, status=401)
    testapp.get("/api/auth/me/", headers={"Authorization": f"Bearer {second['access']}"}, status=401)


def test_garbage_refresh_token_is_a_401(testapp):
    testapp.post_json("/api/auth/refresh/", {"refresh": "garbage"}, status=401)


def test_logout_revokes_refresh_and_access_tokens(testapp, customer, login):
    pair = login(customer)
    headers = {"Authorization": f"Bearer {pair['access']}"}
    testapp.post_json("/api/auth/logout/", {"refresh": pair["refresh"]}, headers=headers, status=204)
    testapp.get("/api/auth/me/", headers=headers, status=401)
    testapp.post_json("/api/auth/refresh/", {"refresh": pair["refresh"]}, status=401)


def test_logout_requires_authentication(testapp):
    testapp.post_json("/api/auth/logout/", {"refresh": "x"}, status=401)
