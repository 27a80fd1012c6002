"""Who may call what: every operation of the API as every kind of caller.

One row per operation (path + method, as the OpenAPI document names them), one expected
answer per caller: ``401`` no or bad credentials, ``403`` a valid token without the role,
``404`` an object that is not the caller's (indistinguishable from a missing one), another
4xx where the rules of the service refuse it, or ``2`` for any success.  The objects are
the customer's order, cart item and wishlist entry, and vendor A's product, image and order
line (see ``conftest.world``): every other caller is checked against them.

Each call runs in a savepoint rolled back afterwards, so every caller meets the same world.
``test_every_documented_operation_has_a_row`` fails when a service is added without a row.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.testing import ADDRESS, TEST_PASSWORD
from tests.hardening.conftest import ROLES, isolated, png_bytes

OK = 2  # any 2xx
NEW_PASSWORD = "a fresh and rather long passphrase"


def everyone(code=OK) -> dict:
    return {role: code for role in ROLES}


def signed_in(code=OK, **overrides) -> dict:
    return {**everyone(code), "anonymous": 401, **overrides}


def staff(code=OK) -> dict:
    return signed_in(403, manager=code, admin=code)


def approved_vendors(code=OK) -> dict:
    return signed_in(403, vendor=code, other_vendor=code)


def vendor_a_only(code=OK) -> dict:
    """Vendor A's object: A succeeds, vendor B is told it does not exist, non-vendors are refused."""
    return signed_in(403, vendor=code, other_vendor=404)


def customer_only(code=OK, **overrides) -> dict:
    """The customer's own object: everybody else is told it does not exist."""
    return signed_in(404, customer=code, **overrides)


@dataclass
class Row:
    method: str
    path: str  # as documented; ``{…}`` filled from ``world.ids`` by ``url``
    expect: dict
    url: str | None = None  # with ``{ids}`` placeholders
    body: Callable | dict | None = None  # dict, or ``body(world, role)``
    check: Callable | None = None  # ``check(world, role, response)`` on a success
    upload: bool = False
    optional: bool = False  # present only when its plugin is installed


def _logout_body(w, role):
    return {"refresh": w.refresh.get(role, "not-a-token")}


def _sees_order(w, role, response):
    ids = [o["id"] for o in response.json["results"]]
    assert (w.ids["order"] in ids) == (role in ("customer", "manager", "admin")), (role, ids)


def _vendor_sees_own_lines(w, role, response):
    orders = response.json["results"]
    if role == "vendor":
        assert [o["order_id"] for o in orders] == [w.ids["delivered_order"], w.ids["order"]]
    else:  # vendor B has no line in the order: it does not see it at all
        assert orders == []


def _vendor_balance(w, role, response):
    """Vendor A's sale is pending (on hold); vendor B earned nothing."""
    assert response.json["pending"] != "0.00" if role == "vendor" else response.json["pending"] == "0.00"


def _bulk_removed(w, role, response):
    assert response.json["removed"] == (1 if role == "customer" else 0)


def _same_order(w, role, response):
    assert response.json["id"] == w.ids["order"]


def _sees_return(w, role, response):
    ids = [r["id"] for r in response.json["results"]]
    assert (w.ids["return_"] in ids) == (role in ("customer", "vendor", "manager", "admin")), (role, ids)


def _return_deciders(code=OK) -> dict:
    """The customer's return of vendor A's line: vendor A or staff decide; the customer is refused."""
    return signed_in(404, customer=403, vendor=code, manager=code, admin=code)


PRODUCT = {"name": "Matrix Tee", "category": "{category}", "price": "10.00",
           "variants": [{"name": "Black", "sizes": [{"label": "M", "stock": 3}]}]}

ROWS = [
    # ---------------------------------------------------------------- auth
    Row("POST", "/api/auth/register/", everyone(),
        body={"email": "new-matrix@example.com", "password": NEW_PASSWORD}),
    Row("GET", "/api/auth/verify-email/{token}/", everyone(), url="/api/auth/verify-email/{verify_token}/"),
    Row("POST", "/api/auth/verify-email/", everyone(), body=lambda w, r: {"token": w.ids["verify_token"]}),
    Row("POST", "/api/auth/resend-verification/", everyone(), body=lambda w, r: {"email": w.users["unverified"].email}),
    Row("POST", "/api/auth/login/", everyone(),
        body=lambda w, r: {"email": w.users["customer"].email, "password": TEST_PASSWORD}),
    Row("POST", "/api/auth/refresh/", everyone(), body=lambda w, r: {"refresh": w.refresh["customer"]}),
    Row("POST", "/api/auth/logout/", signed_in(), body=_logout_body),
    Row("GET", "/api/auth/me/", signed_in()),
    Row("PATCH", "/api/auth/me/", signed_in(), body={"first_name": "Ada"}),
    Row("POST", "/api/auth/password-reset/", everyone(), body=lambda w, r: {"email": w.users["customer"].email}),
    Row("POST", "/api/auth/password-reset/confirm/", everyone(),
        body=lambda w, r: {"token": w.ids["reset_token"], "new_password": NEW_PASSWORD}),
    Row("POST", "/api/auth/change-password/", signed_in(),
        body={"old_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}),
    # ---------------------------------------------------------------- catalog and operations
    Row("GET", "/api/products/", everyone()),
    Row("GET", "/api/products/{slug}/", everyone(), url="/api/products/{product_a_slug}/"),
    Row("GET", "/api/categories/", everyone()),
    Row("POST", "/api/categories/", staff(), body={"name": "Matrix"}),
    Row("GET", "/api/categories/{slug}/", everyone(), url="/api/categories/{category}/"),
    Row("PUT", "/api/categories/{slug}/", staff(), url="/api/categories/{category}/", body={"name": "Renamed"}),
    Row("PATCH", "/api/categories/{slug}/", staff(), url="/api/categories/{category}/", body={"name": "Renamed"}),
    Row("DELETE", "/api/categories/{slug}/", staff(), url="/api/categories/{category}/"),
    Row("GET", "/api/health/", everyone()),
    Row("GET", "/api/plugins/", signed_in(403, admin=OK)),
    # ---------------------------------------------------------------- vendors
    Row("POST", "/api/vendor/apply/", signed_in(OK, pending_vendor=409, vendor=409, other_vendor=409),
        body={"store_name": "Matrix Store"}),
    Row("GET", "/api/vendor/profile/", signed_in(404, pending_vendor=OK, vendor=OK, other_vendor=OK)),
    Row("GET", "/api/vendor/products/", approved_vendors()),
    Row("POST", "/api/vendor/products/", approved_vendors(), body=lambda w, r: {**PRODUCT, "category": w.ids["category"]}),
    Row("GET", "/api/vendor/products/{id}/", vendor_a_only(), url="/api/vendor/products/{product_a}/"),
    Row("PUT", "/api/vendor/products/{id}/", vendor_a_only(), url="/api/vendor/products/{product_a}/",
        body=lambda w, r: {**PRODUCT, "category": w.ids["category"]}),
    Row("PATCH", "/api/vendor/products/{id}/", vendor_a_only(), url="/api/vendor/products/{product_a}/",
        body={"name": "Patched"}),
    Row("DELETE", "/api/vendor/products/{id}/", vendor_a_only(), url="/api/vendor/products/{product_a}/"),
    Row("POST", "/api/vendor/products/{id}/variants/{variant_id}/images/", vendor_a_only(),
        url="/api/vendor/products/{product_a}/variants/{variant_a}/images/", upload=True),
    Row("DELETE", "/api/vendor/products/{id}/variants/{variant_id}/images/{image_id}/", vendor_a_only(),
        url="/api/vendor/products/{product_a}/variants/{variant_a}/images/{image_a}/"),
    Row("GET", "/api/vendor/orders/", approved_vendors(), check=_vendor_sees_own_lines),
    Row("POST", "/api/vendor/orders/{order_id}/ship/", vendor_a_only(), url="/api/vendor/orders/{order}/ship/",
        body={"tracking_number": "TRACK-1"}),
    Row("GET", "/api/manager/vendors/", staff()),
    Row("GET", "/api/manager/audit/", staff()),
    Row("POST", "/api/manager/vendors/{id}/approve/", staff(), url="/api/manager/vendors/{pending_vendor}/approve/"),
    Row("POST", "/api/manager/vendors/{id}/reject/", staff(), url="/api/manager/vendors/{pending_vendor}/reject/",
        body={"reason": "incomplete"}),
    Row("POST", "/api/manager/vendors/{id}/suspend/", staff(), url="/api/manager/vendors/{vendor}/suspend/",
        body={"reason": "complaints"}),
    # ---------------------------------------------------------------- payouts (vendor A's paid order is on hold)
    Row("GET", "/api/vendor/balance/", approved_vendors(), check=_vendor_balance),
    Row("GET", "/api/vendor/ledger/", approved_vendors()),
    Row("GET", "/api/vendor/payouts/", approved_vendors()),
    # The shop runs the manual provider: there is no payout account to connect.
    Row("POST", "/api/vendor/payout-account/", signed_in(403, vendor=400, other_vendor=400)),
    Row("GET", "/api/manager/commissions/", staff()),
    Row("POST", "/api/manager/commissions/", staff(), body=lambda w, r: {"category": w.ids["category"], "rate": "0.2"}),
    Row("DELETE", "/api/manager/commissions/{id}/", staff(404), url="/api/manager/commissions/999999/"),
    Row("POST", "/api/manager/payouts/run/", staff()),
    Row("GET", "/api/manager/payouts/", staff()),
    Row("POST", "/api/manager/payouts/{id}/mark-paid/", staff(404), url="/api/manager/payouts/999999/mark-paid/",
        body={"reference": "BANK-1"}),
    Row("POST", "/api/manager/payouts/{id}/mark-failed/", staff(404), url="/api/manager/payouts/999999/mark-failed/",
        body={"reason": "closed"}),
    Row("POST", "/api/manager/vendors/{id}/adjustments/", staff(), url="/api/manager/vendors/{vendor}/adjustments/",
        body={"amount": "-1.00", "note": "matrix"}),
    Row("GET", "/api/manager/marketplace/report/", staff()),
    # ---------------------------------------------------------------- cart
    Row("GET", "/api/cart/", signed_in()),
    Row("DELETE", "/api/cart/", signed_in()),
    Row("POST", "/api/cart/add/", signed_in(), body=lambda w, r: {"size_id": w.ids["size_b"], "quantity": 1}),
    Row("POST", "/api/cart/guest/", everyone(), body={}),
    Row("POST", "/api/cart/merge/", signed_in(404), body={"token": "not-a-guest-token"}),
    Row("PUT", "/api/cart/update/{item_id}/", customer_only(), url="/api/cart/update/{cart_item}/",
        body={"quantity": 2}),
    Row("DELETE", "/api/cart/remove/{item_id}/", customer_only(), url="/api/cart/remove/{cart_item}/"),
    # ---------------------------------------------------------------- wishlist
    Row("GET", "/api/wishlist/", signed_in()),
    Row("POST", "/api/wishlist/add/", signed_in(), body=lambda w, r: {"product_id": w.ids["product_a"]}),
    Row("DELETE", "/api/wishlist/remove/{id}/", customer_only(), url="/api/wishlist/remove/{wishlist_entry}/"),
    Row("POST", "/api/wishlist/bulk-add/", signed_in(), body=lambda w, r: {"product_ids": [w.ids["product_a"]]}),
    Row("POST", "/api/wishlist/bulk-remove/", signed_in(), body=lambda w, r: {"ids": [w.ids["wishlist_entry"]]},
        check=_bulk_removed),
    Row("POST", "/api/wishlist/{id}/move-to-cart/", customer_only(), url="/api/wishlist/{wishlist_entry}/move-to-cart/",
        body=lambda w, r: {"size_id": w.ids["size_b"], "quantity": 1}),
    # ---------------------------------------------------------------- orders and payments
    Row("POST", "/api/orders/create-payment-intent/", signed_in(), body={"shipping_address": ADDRESS}),
    Row("POST", "/api/orders/checkout/", customer_only(), check=_same_order,
        body=lambda w, r: {"payment_intent_id": w.ids["intent"], "shipping_address": ADDRESS}),
    # The world's intent became its order: its owner is told to cancel the order instead.
    Row("POST", "/api/orders/payment-intents/{id}/cancel/", customer_only(409),
        url="/api/orders/payment-intents/{intent}/cancel/", body={}),
    # Guest orders are reached by their token only: an unknown one is a 404 to everybody.
    Row("GET", "/api/orders/guest/{order_token}/", everyone(404), url="/api/orders/guest/" + "u" * 43 + "/"),
    Row("POST", "/api/orders/guest/{order_token}/cancel/", everyone(404),
        url="/api/orders/guest/" + "u" * 43 + "/cancel/", body={}),
    Row("GET", "/api/orders/", signed_in(), check=_sees_order),
    Row("GET", "/api/orders/{id}/", customer_only(manager=OK, admin=OK), url="/api/orders/{order}/"),
    Row("POST", "/api/orders/{id}/cancel/", customer_only(manager=OK, admin=OK), url="/api/orders/{order}/cancel/"),
    Row("POST", "/api/orders/{id}/status/", staff(), url="/api/orders/{order}/status/", body={"status": "processing"}),
    # The shop runs the manual provider: Stripe's endpoint says it does not exist, to everyone.
    Row("POST", "/api/payments/webhook/stripe/", everyone(404), body={"id": "evt_1"}),
    # ---------------------------------------------------------------- returns (vendor A's line of the delivered order)
    Row("POST", "/api/orders/{id}/returns/", customer_only(manager=403, admin=403),
        url="/api/orders/{delivered_order}/returns/",
        body=lambda w, r: {"items": [{"order_item_id": w.ids["delivered_line"], "quantity": 1, "reason": "x"}]}),
    Row("GET", "/api/returns/", signed_in(), check=_sees_return),
    Row("GET", "/api/returns/{id}/", customer_only(vendor=OK, manager=OK, admin=OK), url="/api/returns/{return_}/"),
    Row("POST", "/api/returns/{id}/approve/", _return_deciders(), url="/api/returns/{return_}/approve/", body={}),
    Row("POST", "/api/returns/{id}/reject/", _return_deciders(), url="/api/returns/{return_}/reject/",
        body={"reason": "matrix"}),
    # Not approved yet: its deciders are told so (409); the rest as for the other decisions.
    Row("POST", "/api/returns/{id}/receive/", _return_deciders(409), url="/api/returns/{return_}/receive/",
        body={"restock": True}),
    # ---------------------------------------------------------------- webhooks
    Row("GET", "/api/webhooks/", staff()),
    Row("POST", "/api/webhooks/", staff(), body={"url": "https://93.184.215.14/other", "events": ["order.paid"]}),
    Row("GET", "/api/webhooks/{id}/", staff(), url="/api/webhooks/{webhook}/"),
    Row("PATCH", "/api/webhooks/{id}/", staff(), url="/api/webhooks/{webhook}/", body={"description": "changed"}),
    Row("DELETE", "/api/webhooks/{id}/", staff(), url="/api/webhooks/{webhook}/"),
    Row("POST", "/api/webhooks/{id}/rotate-secret/", staff(), url="/api/webhooks/{webhook}/rotate-secret/", body={}),
    Row("POST", "/api/webhooks/{id}/ping/", staff(), url="/api/webhooks/{webhook}/ping/", body={}),
    Row("GET", "/api/webhooks/{id}/deliveries/", staff(), url="/api/webhooks/{webhook}/deliveries/"),
    Row("POST", "/api/webhooks/deliveries/{id}/redeliver/", staff(),
        url="/api/webhooks/deliveries/{webhook_delivery}/redeliver/", body={}),
    Row("GET", "/api/testplugin/ping/", everyone(), optional=True),
]


def _key(row: Row) -> str:
    return f"{row.method} {row.path}"


def documented_operations(testapp) -> set[str]:
    spec = testapp.get("/api/openapi.json").json
    return {f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops
            if method in ("get", "post", "put", "patch", "delete")}


def test_every_documented_operation_has_a_row(testapp):
    table = {_key(row) for row in ROWS}
    assert len(table) == len(ROWS), "a row appears twice"
    documented = documented_operations(testapp)
    assert documented - table == set(), "services without a row in the access matrix"
    assert {_key(r) for r in ROWS if not r.optional} - documented == set(), "rows for services that do not exist"


def call(testapp, world, row: Row, role: str):
    url = (row.url or row.path).format(**world.ids)
    headers = dict(world.headers[role])
    body = row.body(world, role) if callable(row.body) else row.body
    if row.upload:
        return testapp.post(url, {"alt": "front"}, headers=headers, upload_files=[("file", "a.png", png_bytes())],
                            status="*")
    if body is None:
        return testapp.request(url, method=row.method, headers=headers, status="*", expect_errors=True)
    return getattr(testapp, f"{row.method.lower()}_json")(url, body, headers=headers, status="*")


def test_access(testapp, world, connection):
    """Every row, every caller (one world for the whole table; each call rolled back)."""
    documented = documented_operations(testapp)
    wrong = {}
    for row in ROWS:
        if row.optional and _key(row) not in documented:
            continue
        for role in ROLES:
            with isolated(connection):
                response = call(testapp, world, row, role)
                headers = response.headers
                assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
                if role != "anonymous":  # an answer to a signed-in caller is never stored by a cache
                    assert headers["Cache-Control"] == "no-store", (_key(row), role)
                expected = row.expect[role]
                got = response.status_int // 100 if expected == OK else response.status_int
                if got != expected:
                    wrong[f"{_key(row)} as {role}"] = (
                        f"expected {expected if expected != OK else '2xx'}, got {response.status_int}: "
                        f"{response.text[:160]}")
                elif expected == OK and row.check is not None:
                    row.check(world, role, response)
                elif response.status_int >= 400:
                    assert response.json["status"] == "error" and response.json["errors"], response.text
    assert wrong == {}
