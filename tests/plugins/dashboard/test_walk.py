"""The dashboard in a real browser (Debian's Chromium under Playwright) against a live Agora:

the manager approves a vendor and creates a category; the vendor creates a product with a
variant, two sizes and an image (after a validation error shown next to its field); a customer
buys it through the API; the manager marks the manual payment received; the vendor ships it;
the manager runs the payouts and marks one paid.  Every request the pages make is checked
against the OpenAPI document; each page is photographed (``AGORA_DASHBOARD_SCREENSHOTS=DIR``
also copies the README's pictures there, e.g. ``docs/dashboard``).
"""
from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from core.testing import ADDRESS
from tests.plugins.dashboard.conftest import ACCESS_TTL

pytestmark = pytest.mark.postgresql_only  # a live server on a committed database (scratch_database)

DOCS_PICTURES = ("vendors", "product-form", "orders-vendor", "payouts-manager", "payouts-vendor", "phone-orders")
FUTURE_PATHS = {"/api/returns/", "/api/manager/audit/"}  # API.md contract, built in parallel: 404 until they land


class Walk:
    def __init__(self, live, browser, shots: Path):
        self.live, self.browser, self.shots = live, browser, shots
        self.requests: list[tuple[str, str]] = []  # (method, url)
        self.answers: dict[str, int] = {}  # url → status

    def open(self, role: str, **options):
        context = self.browser.new_context(**options)
        context.on("request", lambda r: self.requests.append((r.method, r.url)))
        context.on("response", lambda r: self.answers.__setitem__(r.url, r.status))
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(self.live.base + "/dashboard/")
        if role:
            self.log_in(page, role)
        return page

    def log_in(self, page, role: str):
        page.get_by_label("Email").fill(self.live.users[role])
        page.get_by_label("Password").fill(self.live.password)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("navigation").get_by_role("button", name="Log out").wait_for()

    def visit(self, page, link: str):
        page.get_by_role("navigation").get_by_role("link", name=link, exact=True).click()
        page.get_by_role("heading", level=1, name=link).wait_for()
        page.locator("main [aria-busy]").wait_for(state="detached")

    def shot(self, page, name: str):
        page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)


def _png() -> bytes:
    image = Image.new("RGB", (64, 64), (31, 95, 191))
    for x in range(16, 48):
        for y in range(16, 48):
            image.putpixel((x, y), (242, 169, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _spec_patterns(live) -> list[tuple[re.Pattern, set[str]]]:
    status, document = live.call("GET", "/api/openapi.json")
    assert status == 200
    return [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), {m.upper() for m in ops})
            for path, ops in document["paths"].items()]


def test_manager_and_vendor_run_the_shop_from_the_dashboard(live, browser, tmp_path_factory, tmp_path):
    shots = tmp_path_factory.mktemp("dashboard-screens")
    walk = Walk(live, browser, shots)

    # A would-be vendor applies through the API; the login page shows the API's message on a bad password.
    status, _ = live.call("POST", "/api/vendor/apply/", {"store_name": "Walk Threads", "description": "Shirts that walk"},
                          live.token("applicant"))
    assert status == 201
    manager = walk.open("")
    manager.get_by_label("Email").fill(live.users["manager"])
    manager.get_by_label("Password").fill("not-the-password-1")
    manager.get_by_role("button", name="Log in").click()
    assert manager.get_by_role("alert").inner_text().strip()
    walk.shot(manager, "login")
    walk.log_in(manager, "manager")
    nav = manager.get_by_role("navigation")
    for name in ("Orders", "Vendors", "Categories", "Returns", "Payouts", "Webhooks", "Audit log"):
        assert nav.get_by_role("link", name=name, exact=True).is_visible()
    assert nav.get_by_role("link", name="Products", exact=True).count() == 0

    # Manager: the pending application, approved.
    walk.visit(manager, "Vendors")
    assert manager.get_by_label("Status").input_value() == "pending"
    walk.shot(manager, "vendors")
    row = manager.get_by_role("row").filter(has_text="Walk Threads")
    row.get_by_role("button", name="Reject").wait_for()
    row.get_by_role("button", name="Approve").click()
    manager.get_by_role("status").filter(has_text="approved").wait_for()
    manager.get_by_label("Status").select_option("approved")
    manager.get_by_role("row").filter(has_text="Walk Threads").get_by_role("button", name="Suspend").wait_for()

    # Manager: a category tree (a parent and a child), one renamed.
    walk.visit(manager, "Categories")
    form = manager.locator("form").filter(has=manager.get_by_role("button", name="Create category"))
    form.get_by_label("Name").fill("Clothing")
    form.get_by_role("button", name="Create category").click()
    manager.get_by_role("button", name="Rename Clothing").wait_for()
    form = manager.locator("form").filter(has=manager.get_by_role("button", name="Create category"))
    form.get_by_label("Name").fill("Tee shirts")
    form.get_by_label("Parent").select_option(label="Clothing")
    form.get_by_role("button", name="Create category").click()
    manager.get_by_role("button", name="Rename Tee shirts").click()
    dialog = manager.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Shirts")
    dialog.get_by_role("button", name="Rename").click()
    manager.get_by_role("button", name="Move Shirts").wait_for()
    walk.shot(manager, "categories")

    # Vendor: a product with one variant, two sizes and an image; a bad price is shown at Price.
    vendor = walk.open("applicant")
    vnav = vendor.get_by_role("navigation")
    for name in ("Orders", "Products", "Returns", "Payouts"):
        assert vnav.get_by_role("link", name=name, exact=True).is_visible()
    assert vnav.get_by_role("link", name="Vendors", exact=True).count() == 0
    walk.visit(vendor, "Products")
    vendor.get_by_role("button", name="New product").click()
    vendor.get_by_label("Name", exact=True).fill("Walking Shirt")
    vendor.get_by_label("Description").fill("Breathes on long walks.")
    vendor.get_by_label("Category").select_option(label="— Shirts")
    vendor.get_by_label("Price", exact=True).fill("25.0.0")
    vendor.get_by_label("Colour").fill("Navy")
    vendor.get_by_label("Size").fill("M")
    vendor.get_by_label("Stock").fill("3")
    vendor.get_by_role("button", name="Add size").click()
    vendor.get_by_label("Size").nth(1).fill("L")
    vendor.get_by_label("Stock").nth(1).fill("2")
    vendor.get_by_label("Images").set_input_files(files=[{"name": "navy.png", "mimeType": "image/png", "buffer": _png()}])
    vendor.get_by_role("button", name="Save").click()
    price = vendor.get_by_label("Price", exact=True)
    vendor.wait_for_selector("input[name=price][aria-invalid=true]")
    error_id = price.get_attribute("aria-describedby").split()[0]
    assert vendor.locator(f"#{error_id}").inner_text().strip()
    walk.shot(vendor, "product-error")
    price.fill("25.00")
    vendor.get_by_role("button", name="Save").click()
    vendor.get_by_role("heading", name="Edit Walking Shirt").wait_for()
    vendor.locator(".thumbs img").wait_for()
    assert vendor.get_by_label("Stock").nth(1).input_value() == "2"
    walk.shot(vendor, "product-form")
    walk.visit(vendor, "Products")
    vendor.get_by_role("button", name="Edit Walking Shirt").wait_for()
    walk.shot(vendor, "products")

    # A customer buys one M through the API (manual payment provider: the order waits for the money).
    status, detail = live.call("GET", "/api/products/walking-shirt/")
    assert status == 200 and detail["variants"][0]["images"], detail
    size_m = next(s for s in detail["variants"][0]["sizes"] if s["label"] == "M")
    buyer = live.token("customer")
    assert live.call("POST", "/api/cart/add/", {"size_id": size_m["id"], "quantity": 1}, buyer)[0] == 201
    status, intent = live.call("POST", "/api/orders/create-payment-intent/", {"shipping_address": ADDRESS}, buyer)
    assert status == 200, intent
    status, order = live.call("POST", "/api/orders/checkout/",
                              {"payment_intent_id": intent["payment_intent_id"], "shipping_address": ADDRESS}, buyer)
    assert status == 201 and order["status"] == "pending_payment", order

    # Manager: the payment arrived; the order moves to paid with the "Change status" control.
    walk.visit(manager, "Orders")
    manager.get_by_role("button", name=f"Details of order {order['number']}").click()
    manager.get_by_role("heading", name=f"Order {order['number']}").wait_for()
    manager.get_by_label("Change status").select_option("paid")
    manager.get_by_role("button", name="Save status").click()
    manager.get_by_role("status").filter(has_text="is now paid").wait_for()
    walk.shot(manager, "order-detail")

    # Vendor: the line ships with a tracking number and a carrier (the access token expired meanwhile).
    vendor.wait_for_timeout(ACCESS_TTL * 1000 + 500)
    refreshes_before = sum(1 for _, url in walk.requests if url.endswith("/api/auth/refresh/"))
    walk.visit(vendor, "Orders")
    assert sum(1 for _, url in walk.requests if url.endswith("/api/auth/refresh/")) == refreshes_before + 1
    row = vendor.get_by_role("row").filter(has_text=order["number"])
    row.get_by_role("button", name="Ship").click()
    dialog = vendor.get_by_role("dialog")
    dialog.get_by_label("Tracking number").fill("1Z999AA10123456784")
    dialog.get_by_label("Carrier").fill("UPS")
    dialog.get_by_role("button", name="Ship").click()
    vendor.get_by_role("status").filter(has_text="shipped").wait_for()
    assert "1Z999AA10123456784" in vendor.get_by_role("row").filter(has_text=order["number"]).inner_text()
    walk.shot(vendor, "orders-vendor")

    # Manager: run the payouts (hold_days = 0 here), mark the vendor's payout paid.
    walk.visit(manager, "Payouts")
    manager.get_by_role("button", name="Run payouts").click()
    manager.get_by_role("status").filter(has_text="1 payout(s) created").wait_for()
    row = manager.get_by_role("row").filter(has_text="Walk Threads")
    row.get_by_role("button", name="Mark paid").click()
    dialog = manager.get_by_role("dialog")
    dialog.get_by_label("Reference").fill("BANK-2026-001")
    dialog.get_by_role("button", name="Mark paid").click()
    manager.get_by_role("status").filter(has_text="marked paid").wait_for()
    assert "BANK-2026-001" in manager.get_by_role("row").filter(has_text="Walk Threads").inner_text()
    walk.shot(manager, "payouts-manager")

    # Vendor: the balance shows it paid out; ledger and payouts listed.
    walk.visit(vendor, "Payouts")
    paid_out = vendor.locator(".cards div").filter(has_text="Paid out").locator("dd").inner_text()
    assert paid_out == "22.50 USD", paid_out  # 25.00 minus the default 10 % commission
    for name in ("Available", "Pending"):
        assert vendor.locator(".cards dt", has_text=name).first.is_visible()
    walk.shot(vendor, "payouts-vendor")
    walk.visit(vendor, "Returns")
    walk.shot(vendor, "returns-vendor")

    # The other manager pages render (returns and audit log: "not available" until their API lands).
    for link, name in (("Webhooks", "webhooks"), ("Returns", "returns"), ("Audit log", "audit")):
        walk.visit(manager, link)
        walk.shot(manager, name)
        assert not manager.locator("main .alert").count(), manager.locator("main .alert").inner_text()

    # Log out revokes the refresh token; the login page is back.
    manager.get_by_role("navigation").get_by_role("button", name="Log out").click()
    manager.get_by_role("button", name="Log in").wait_for()
    logout = [url for _, url in walk.requests if url.endswith("/api/auth/logout/")]
    assert logout and walk.answers[logout[-1]] == 204

    # Phone-sized, keyboard only: log in and reach the orders without a mouse; nothing overflows sideways.
    phone = walk.open("", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.get_by_label("Email").wait_for()
    assert phone.evaluate("document.activeElement.name") == "email"
    phone.keyboard.type(live.users["applicant"])
    phone.keyboard.press("Tab")
    phone.keyboard.type(live.password)
    phone.keyboard.press("Enter")
    phone.get_by_role("heading", level=1, name="Orders").wait_for()
    phone.locator("main [aria-busy]").wait_for(state="detached")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for _ in range(8):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.textContent") == "Payouts":
            break
    phone.keyboard.press("Enter")
    phone.get_by_role("heading", level=1, name="Payouts").wait_for()
    walk.shot(phone, "phone-payouts")
    walk.visit(phone, "Orders")
    walk.shot(phone, "phone-orders")

    _every_request_is_the_documented_api_or_an_asset(walk)
    _keep_pictures(shots)


def _every_request_is_the_documented_api_or_an_asset(walk: Walk) -> None:
    patterns = _spec_patterns(walk.live)
    origin = urlsplit(walk.live.base).netloc
    undocumented = []
    for method, url in walk.requests:
        parts = urlsplit(url)
        assert parts.netloc == origin, f"the dashboard reached outside its server: {url}"
        if not parts.path.startswith("/api/"):
            assert parts.path.startswith(("/dashboard/", "/media/")), url
            continue
        if any(p.match(parts.path) and method in methods for p, methods in patterns):
            continue
        if parts.path in FUTURE_PATHS and walk.answers.get(url) == 404:
            continue  # the contract's page, waiting for its endpoint
        undocumented.append(f"{method} {parts.path}")
    assert not undocumented, f"requests outside the OpenAPI document: {sorted(set(undocumented))}"
    api_calls = {urlsplit(u).path for _, u in walk.requests if "/api/" in u}
    assert {"/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/", "/api/manager/payouts/run/"} <= api_calls


def _keep_pictures(shots: Path) -> None:
    target = os.environ.get("AGORA_DASHBOARD_SCREENSHOTS")
    assert all((shots / f"{name}.png").stat().st_size > 1000 for name in DOCS_PICTURES)
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        for name in DOCS_PICTURES:
            shutil.copy(shots / f"{name}.png", Path(target) / f"{name}.png")
