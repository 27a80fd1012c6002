"""Abuse: throttling, oversized and odd bodies, caps, mass assignment, enumeration, headers, CORS.

Login throttling itself is covered in ``tests/core/accounts/test_login_tokens.py``; here the
mail-sending services get theirs, and every JSON-body operation of the OpenAPI document is
checked for the 415 answer.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.testing import ADDRESS, TEST_PASSWORD
from tests.hardening.conftest import isolated
from tests.hardening.test_access_matrix import ROWS, _key

ERROR_KEYS = {"status", "errors"}


def assert_error(response, status: int, name: str | None = None) -> None:
    assert response.status_int == status, response.text
    assert set(response.json) == ERROR_KEYS and response.json["status"] == "error"
    if name is not None:
        assert name in [e["name"] for e in response.json["errors"]], response.json


def comparable(response) -> tuple:
    headers = {k: v for k, v in response.headers.items() if k not in ("X-Request-ID", "Content-Length")}
    return response.status_int, response.json, headers


# ------------------------------------------------------------------ throttling of mail requests
@pytest.mark.parametrize("path", ["/api/auth/password-reset/", "/api/auth/resend-verification/"])
def test_mail_requests_are_throttled_per_email_alike_for_known_and_unknown(path, testapp, make_user, hooks):
    # The account each service mails: a verified one for a reset, an unverified one for a resend.
    known = make_user("customer", verified=path.endswith("password-reset/"))
    answers = {"known": [], "unknown": []}
    for _ in range(5):
        answers["known"].append(comparable(testapp.post_json(path, {"email": known.email}, status=202)))
        answers["unknown"].append(comparable(testapp.post_json(path, {"email": "ghost@example.com"}, status=202)))
    refused_known = testapp.post_json(path, {"email": known.email.upper()}, status=429)
    refused_unknown = testapp.post_json(path, {"email": "Ghost@example.com"}, status=429)
    assert_error(refused_known, 429, "email")
    assert int(refused_known.headers["Retry-After"]) > 0
    assert comparable(refused_known)[0:2] == comparable(refused_unknown)[0:2]
    assert answers["known"] == answers["unknown"]  # nothing tells an account from a stranger
    sent = hooks.named("agora_password_reset_requested") + hooks.named("agora_user_registered")
    assert len(sent) == 5  # the throttled requests sent nothing
    # Another email from the same address still gets through (the address limit is higher).
    testapp.post_json(path, {"email": "someone-else@example.com"}, status=202)


def test_password_reset_is_throttled_per_address(testapp):
    for n in range(20):
        testapp.post_json("/api/auth/password-reset/", {"email": f"spray-{n}@example.com"}, status=202)
    refused = testapp.post_json("/api/auth/password-reset/", {"email": "spray-99@example.com"}, status=429)
    assert "Retry-After" in refused.headers
    testapp.post_json("/api/auth/password-reset/", {"email": "spray-99@example.com"}, status=202,
                      extra_environ={"REMOTE_ADDR": "10.9.9.9"})


def test_login_throttle_answers_unknown_emails_like_known_ones(testapp, customer):
    for email in (customer.email, "nobody@example.com"):
        for _ in range(5):
            testapp.post_json("/api/auth/login/", {"email": email, "password": "wrong password!"}, status=401)
    known = testapp.post_json("/api/auth/login/", {"email": customer.email, "password": "x"}, status=429)
    unknown = testapp.post_json("/api/auth/login/", {"email": "nobody@example.com", "password": "x"}, status=429)
    assert [e["name"] for e in known.json["errors"]] == [e["name"] for e in unknown.json["errors"]] == ["email"]


# ------------------------------------------------------------------ no user enumeration
def test_reset_resend_and_login_answer_alike_for_accounts_and_strangers(testapp, make_user):
    verified, unverified = make_user("customer"), make_user("customer", verified=False)
    for path in ("/api/auth/password-reset/", "/api/auth/resend-verification/"):
        answers = [comparable(testapp.post_json(path, {"email": email}, status=202))
                   for email in (verified.email, unverified.email, "stranger@example.com")]
        assert answers[0] == answers[1] == answers[2]
    wrong = testapp.post_json("/api/auth/login/", {"email": verified.email, "password": "not it at all"}, status=401)
    stranger = testapp.post_json("/api/auth/login/", {"email": "stranger@example.com", "password": "not it at all"},
                                 status=401)
    assert wrong.json == stranger.json


# ------------------------------------------------------------------ body size, depth, type
def test_body_over_the_limit_is_413_before_parsing(testapp):
    big = b'{"email": "' + b"a" * (1024 * 1024 + 10) + b'"}'
    response = testapp.post("/api/auth/login/", big, content_type="application/json", status=413)
    assert_error(response, 413, "body")


def test_chunked_body_over_the_limit_is_413(testapp):
    big = b'{"email": "' + b"a" * (1024 * 1024 + 10) + b'"}'
    response = testapp.post("/api/auth/login/", big, headers={"Transfer-Encoding": "chunked"},
                            content_type="application/json", status=413,
                            extra_environ={"CONTENT_LENGTH": ""})
    assert_error(response, 413)


@pytest.mark.parametrize("depth", [40, 200_000])
def test_deeply_nested_json_is_400_not_500(depth, testapp):
    body = ("[" * depth + "]" * depth).encode()
    body = b'{"email": "a@example.com", "password": ' + body + b"}"
    response = testapp.post("/api/auth/login/", body, content_type="application/json", status=400)
    assert_error(response, 400, "body")


def test_nesting_within_the_limit_is_parsed(testapp, customer):
    nested = json.loads("[" * 20 + "]" * 20)
    testapp.post_json("/api/auth/login/", {"email": customer.email, "password": TEST_PASSWORD, "x": nested},
                      status=200)


def _json_body_operations(testapp) -> set[str]:
    spec = testapp.get("/api/openapi.json").json
    # A JSON body validated by the app documents 415 (the Stripe webhook's body is Stripe's, not checked).
    return {f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method, op in ops.items()
            if "application/json" in op.get("requestBody", {}).get("content", {}) and "415" in op["responses"]}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_every_json_body_operation_answers_415_for_another_type(content_type, testapp, world, connection):
    """As admin (past every permission check): validation refuses the type before any view runs."""
    operations = _json_body_operations(testapp)
    rows = [row for row in ROWS if _key(row) in operations]
    assert {_key(r) for r in rows} == operations and len(rows) >= 25
    wrong = {}
    for row in rows:
        with isolated(connection):
            url = (row.url or row.path).format(**world.ids)
            headers = dict(world.headers["admin"])
            if content_type:
                headers["Content-Type"] = content_type
            response = testapp.request(url, method=row.method, body=b'{"email": "a@example.com"}', headers=headers,
                                       status="*", expect_errors=True)
            if response.status_int != 415 or response.json["errors"][0]["name"] != "Content-Type":
                wrong[_key(row)] = f"{response.status_int} {response.text[:120]}"
    assert wrong == {}


def test_json_with_a_charset_parameter_is_accepted(testapp, customer):
    body = json.dumps({"email": customer.email, "password": TEST_PASSWORD}).encode()
    testapp.post("/api/auth/login/", body, content_type="application/json; charset=utf-8", status=200)


# ------------------------------------------------------------------ pagination and bulk caps
PAGINATED = ["/api/products/", "/api/orders/", "/api/wishlist/", "/api/vendor/products/", "/api/vendor/orders/",
             "/api/manager/vendors/", "/api/vendor/ledger/", "/api/vendor/payouts/", "/api/manager/commissions/",
             "/api/manager/payouts/", "/api/webhooks/", "/api/webhooks/{id}/deliveries/", "/api/returns/"]


def test_every_paginated_list_is_documented_here(testapp):
    spec = testapp.get("/api/openapi.json").json

    def answer(ops) -> dict:  # the 200 schema of the GET, its page component resolved
        schema = ops["get"]["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        ref = schema.get("$ref", "")
        return spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema

    paginated = {path for path, ops in spec["paths"].items()
                 if "get" in ops and {"count", "next", "results"} <= set(answer(ops).get("properties", {}))}
    assert paginated == set(PAGINATED)


@pytest.mark.parametrize("path", PAGINATED)
def test_page_size_is_capped_and_checked_on_every_list(path, testapp, world):
    staff = path.startswith(("/api/manager/", "/api/webhooks/"))
    role = "vendor" if path.startswith("/api/vendor/") else "manager" if staff else "customer"
    headers = world.headers[role]
    path = path.replace("{id}", str(world.ids["webhook"]))
    capped = testapp.get(path, {"page_size": "100000"}, headers=headers, status=200).json
    assert len(capped["results"]) <= 100
    for bad in ("0", "-1", "abc", "1e3", ""):
        assert_error(testapp.get(path, {"page_size": bad}, headers=headers, status=400), 400, "page_size")
    assert_error(testapp.get(path, {"page": "0"}, headers=headers, status=400), 400, "page")
    testapp.get(path, {"page": str(10**30)}, headers=headers, status=404)


def test_a_huge_page_size_returns_at_most_100(testapp, make_product, db):
    from core.catalog.models import Category

    category = Category(name="Many", slug="many-things")
    db.add(category)
    db.flush()
    for n in range(101):
        make_product(category=category, name=f"Many {n}")
    page = testapp.get("/api/products/", {"category": "many-things", "page_size": "5000"}).json
    assert page["count"] == 101 and len(page["results"]) == 100 and page["next"] is not None


def test_bulk_operations_are_capped(testapp, world):
    from plugins.wishlist.settings import MAX_BULK

    headers = world.headers["customer"]
    too_many = list(range(1, MAX_BULK + 2))
    assert_error(testapp.post_json("/api/wishlist/bulk-add/", {"product_ids": too_many}, headers=headers,
                                   status=400), 400, "product_ids")
    assert_error(testapp.post_json("/api/wishlist/bulk-remove/", {"ids": too_many}, headers=headers,
                                   status=400), 400, "ids")
    size = {"label": "M", "stock": 1}
    body = {"name": "Huge", "category": world.ids["category"], "price": "1.00",
            "variants": [{"name": f"V{n}", "sizes": [size]} for n in range(51)]}
    vendor = world.headers["vendor"]
    assert_error(testapp.post_json("/api/vendor/products/", body, headers=vendor, status=400), 400, "variants")
    body["variants"] = [{"name": "V", "sizes": [dict(size, label=f"S{n}") for n in range(51)]}]
    assert_error(testapp.post_json("/api/vendor/products/", body, headers=vendor, status=400), 400, "variants.0.sizes")
    assert_error(testapp.post_json("/api/cart/add/", {"size_id": world.ids["size_b"], "quantity": 100},
                                   headers=headers, status=400), 400, "quantity")
    assert_error(testapp.post_json("/api/cart/add/", {"size_id": 2**40, "quantity": 1}, headers=headers,
                                   status=400), 400, "size_id")


# ------------------------------------------------------------------ mass assignment
def test_register_and_profile_ignore_protected_fields(testapp, customer, auth_headers, db, hooks):
    from core.accounts.models import User

    body = {"email": "climber@example.com", "password": "a long enough password", "role": "admin",
            "is_active": True, "email_verified": True, "id": 1, "date_joined": "2000-01-01T00:00:00Z",
            "password_hash": "$argon2id$forged"}
    user = testapp.post_json("/api/auth/register/", body, status=201).json
    assert (user["role"], user["is_active"], user["email_verified"]) == ("customer", False, False)
    assert user["date_joined"][:4] != "2000"
    headers = auth_headers(customer)
    me = testapp.patch_json("/api/auth/me/", {"first_name": "Grace", "role": "admin", "email": "x@example.com",
                                              "is_active": False, "email_verified": False, "id": 999,
                                              "password_hash": "forged"}, headers=headers).json
    assert (me["first_name"], me["role"], me["email"], me["is_active"], me["email_verified"]) == \
        ("Grace", "customer", customer.email, True, True)
    stored = db.execute(select(User).where(User.id == customer.id).execution_options(populate_existing=True)).scalar_one()
    assert stored.password_hash.startswith("$argon2")


def test_vendor_application_and_products_ignore_protected_fields(testapp, world, db):
    from core.catalog.models import Product, Size, Vendor

    applied = testapp.post_json("/api/vendor/apply/", {"store_name": "Sneaky", "status": "approved",
                                                       "user_id": world.users["admin"].id, "id": 1},
                                headers=world.headers["customer"], status=201).json
    assert applied["status"] == "pending" and applied["user_id"] == world.users["customer"].id
    body = {"name": "Grab", "category": world.ids["category"], "price": "5.00", "vendor_id": world.ids["other_vendor"],
            "vendor": "shop-b", "id": world.ids["product_b"], "created_at": "2000-01-01T00:00:00Z", "in_stock": False,
            "variants": [{"name": "One", "product_id": world.ids["product_b"], "sizes": [{"label": "M", "stock": 2,
                                                                                          "variant_id": 1}]}]}
    created = testapp.post_json("/api/vendor/products/", body, headers=world.headers["vendor"], status=201).json
    assert created["id"] != world.ids["product_b"] and created["vendor"]["name"] == "Shop A"
    product = db.get(Product, created["id"])
    assert product.vendor_id == world.ids["vendor"]
    testapp.patch_json(f"/api/vendor/products/{created['id']}/", {"vendor_id": world.ids["other_vendor"]},
                       headers=world.headers["vendor"], status=200)
    db.expire_all()
    assert db.get(Product, created["id"]).vendor_id == world.ids["vendor"]
    assert db.get(Vendor, world.ids["pending_vendor"]).status == "pending"
    # Stock is set only through the vendor's product body: elsewhere it is ignored.
    before = db.get(Size, world.ids["size_b"]).stock
    testapp.post_json("/api/cart/add/", {"size_id": world.ids["size_b"], "quantity": 1, "stock": 9999},
                      headers=world.headers["manager"], status=201)
    db.expire_all()
    assert db.get(Size, world.ids["size_b"]).stock == before


def test_checkout_ignores_client_amounts_and_states(testapp, world, db, make_product):
    from core.orders.models import Order

    headers = world.headers["manager"]  # one unit of product B (19.99) in the cart
    intent = testapp.post_json("/api/orders/create-payment-intent/",
                               {"shipping_address": ADDRESS, "amount": "0.01", "total": "0.01", "currency": "JPY"},
                               headers=headers).json
    assert intent["amount"] == "19.99" and intent["currency"] == "USD"
    order = testapp.post_json("/api/orders/checkout/", {
        "payment_intent_id": intent["payment_intent_id"], "shipping_address": ADDRESS, "total": "0.01",
        "subtotal": "0.01", "status": "delivered", "user_id": world.users["customer"].id,
        "payment": {"status": "captured"}, "items": [{"unit_price": "0.01", "quantity": 1}]},
        headers=headers, status=201).json
    assert (order["total"], order["status"], order["user_id"]) == ("19.99", "pending_payment",
                                                                     world.users["manager"].id)
    assert order["payment"]["status"] == "pending"
    moved = testapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "paid", "total": "0.00",
                                                                     "payment_status": "refunded"}, headers=headers).json
    assert (moved["status"], moved["total"], moved["payment"]["status"]) == ("paid", "19.99", "captured")
    assert db.get(Order, order["id"]).user_id == world.users["manager"].id


# ------------------------------------------------------------------ headers
def _requests(testapp, world):
    """One of each kind of answer: success, list, 401, 403, 404, 405, 400, 413, 415, docs, static."""
    customer = world.headers["customer"]
    yield testapp.get("/api/products/", status=200), False
    yield testapp.get("/api/auth/me/", headers=customer, status=200), True
    yield testapp.get("/api/auth/me/", headers={"Authorization": "Bearer nope"}, status=401), True
    yield testapp.get("/api/plugins/", headers=customer, status=403), True
    yield testapp.get("/api/nowhere/", status=404), False
    yield testapp.put_json("/api/health/", {}, status=405), False
    yield testapp.post_json("/api/auth/login/", {}, status=400), False
    yield testapp.post("/api/auth/login/", b"x" * (1024 * 1024 + 1), content_type="application/json", status=413), False
    yield testapp.post("/api/auth/login/", b"{}", content_type="text/plain", status=415), False
    yield testapp.get("/api/openapi.json", status=200), False
    yield testapp.get("/api/docs/", status=200), False
    yield testapp.get("/api/docs/assets/swagger-ui.css", status=200), False
    yield testapp.get("/api/orders/", headers=customer, status=200), True


def test_security_headers_on_every_kind_of_answer(testapp, world):
    for response, authenticated in _requests(testapp, world):
        label = f"{response.request.method} {response.request.path} {response.status_int}"
        assert response.headers["X-Content-Type-Options"] == "nosniff", label
        assert response.headers["X-Frame-Options"] == "DENY", label
        assert response.headers.get("X-Request-ID"), label
        if authenticated:
            assert response.headers["Cache-Control"] == "no-store", label
        if response.status_int >= 400:
            assert_error(response, response.status_int)


# ------------------------------------------------------------------ CORS
def test_cors_is_off_by_default(testapp):
    response = testapp.get("/api/categories/", headers={"Origin": "https://shop.example.com"})
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = testapp.options("/api/categories/", headers={
        "Origin": "https://shop.example.com", "Access-Control-Request-Method": "POST"}, status="*")
    assert preflight.status_int >= 400 and "Access-Control-Allow-Origin" not in preflight.headers


def test_configured_origins_get_cors_and_others_do_not(make_testapp):
    app = make_testapp(**{"agora.cors.origins": "https://shop.example.com https://m.shop.example.com"})
    allowed = app.get("/api/categories/", headers={"Origin": "https://m.shop.example.com"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://m.shop.example.com"
    assert "Origin" in allowed.headers["Vary"]
    preflight = app.options("/api/cart/add/", headers={
        "Origin": "https://shop.example.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type"}, status=204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Content-Type" not in preflight.headers and preflight.body == b""
    other = app.get("/api/categories/", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in other.headers
    refused = app.options("/api/cart/add/", headers={"Origin": "https://evil.example.com",
                                                    "Access-Control-Request-Method": "POST"}, status="*")
    assert refused.status_int >= 400 and "Access-Control-Allow-Origin" not in refused.headers
    never_wildcard = app.get("/api/categories/", headers={"Origin": "null"})
    assert "Access-Control-Allow-Origin" not in never_wildcard.headers


# ------------------------------------------------------------------ hostile values (regressions of fuzzing finds)
HOSTILE = [
    # (role, method, url, body or querystring, the field named in the 400)
    ("anonymous", "GET", "/api/products/", {"min_price": "1e999999999"}, "min_price"),  # decimal.Overflow was a 500
    ("anonymous", "GET", "/api/products/", {"max_price": "1e999999"}, "max_price"),
    ("vendor", "POST", "/api/vendor/products/", {"name": "X", "category": "{category}", "price": "1e999999",
                                                 "variants": [{"name": "A", "sizes": [{"label": "M", "stock": 1}]}]},
     "price"),
    ("vendor", "PATCH", "/api/vendor/products/{product_a}/", {"variants": [False, 1, "x"]}, "variants.0"),  # was a 500
    ("customer", "POST", "/api/wishlist/bulk-add/", {"product_ids": [2**80]}, "product_ids.0"),  # SQLite overflow
    ("customer", "POST", "/api/wishlist/bulk-remove/", {"ids": [2**70]}, "ids.0"),
    ("customer", "PUT", f"/api/cart/update/{2**64}/", {"quantity": 1}, "item_id"),
    ("customer", "GET", f"/api/orders/{2**64}/", None, "id"),
    ("manager", "GET", "/api/orders/", {"user": str(2**64)}, "user"),
    ("customer", "POST", "/api/cart/add/", {"size_id": 1, "quantity": 10**30}, "quantity"),
    ("customer", "POST", "/api/orders/create-payment-intent/", {"shipping_address": {**ADDRESS, "country": "XX"}},
     "shipping_address.country"),
    ("anonymous", "POST", "/api/auth/login/", {"email": "a\x00@example.com", "password": "x"}, "body"),
    ("anonymous", "GET", "/api/products/", {"search": "a\x00b"}, "querystring"),
]


@pytest.mark.parametrize("role, method, url, data, name", HOSTILE, ids=[f"{h[1]} {h[2]} {h[4]}" for h in HOSTILE])
def test_hostile_values_are_400_never_500(role, method, url, data, name, testapp, world):
    url = url.format(**world.ids)
    headers = world.headers[role]
    if isinstance(data, dict) and method != "GET":
        data = json.loads(json.dumps(data).replace("{category}", world.ids["category"]))
        response = testapp.request(url, method=method, body=json.dumps(data).encode(), headers=headers,
                                   content_type="application/json", status="*", expect_errors=True)
    else:
        response = testapp.get(url, data, headers=headers, status="*")
    assert_error(response, 400, name)


def test_no_content_answers_carry_no_content_type(testapp, world):
    headers = world.headers["vendor"]
    deleted = testapp.delete(f"/api/vendor/products/{world.ids['product_a']}/", headers=headers, status=204)
    assert "Content-Type" not in deleted.headers and deleted.body == b""
