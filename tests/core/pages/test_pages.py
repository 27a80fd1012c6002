"""The pages mail links open when no storefront is configured (core.pages).

Opening a page spends nothing (a mail scanner prefetches links); its button posts to the API.
The pages load no external asset and no inline script, under a strict Content-Security-Policy.
"""
import re

import pytest
import webtest

from core import load, make_app
from core.db import engine_of
from core.testing import TEST_PASSWORD
from plugins.email.config import EmailConfig
from plugins.email.render import Renderer

PAGES = ["/pages/verify-email/?token=abc", "/pages/reset-password/?token=abc", "/pages/orders/AG-0041/"]


def register(testapp, email):
    testapp.post_json("/api/auth/register/", {"email": email, "password": TEST_PASSWORD}, status=201)


def test_opening_the_verification_page_spends_nothing_and_its_post_verifies(testapp, hooks, db):
    register(testapp, "scanned@example.com")
    token = hooks.last("agora_user_registered")["token"]
    for _ in range(3):  # a mail scanner, a preview, the person
        page = testapp.get(f"/pages/verify-email/?token={token}")
        assert page.content_type == "text/html"
    form = page.html.find("form")
    assert form["data-api"] == "/api/auth/verify-email/"
    assert form.find("input", attrs={"name": "token"})["value"] == token
    answer = testapp.post_json(form["data-api"], {"token": token}).json  # the page's button
    assert answer["user"]["email_verified"] is True


def test_reset_page_shows_a_form_for_the_confirm_service(testapp):
    page = testapp.get("/pages/reset-password/?token=t0k3n")
    form = page.html.find("form")
    assert form["data-api"] == "/api/auth/password-reset/confirm/"
    names = [i["name"] for i in form.find_all("input") if "data-local" not in i.attrs]
    assert names == ["token", "new_password"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_use_only_their_own_assets_and_a_strict_csp(testapp, path):
    page = testapp.get(path)
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["Cache-Control"] == "no-store"
    scripts = page.html.find_all("script")
    assert scripts and all(s.get("src", "").startswith("/pages/static/") and not s.string for s in scripts)
    for tag in page.html.find_all(["link", "script", "img"]):
        assert not re.match(r"^(https?:)?//", tag.get("href") or tag.get("src") or "")
        asset = testapp.get(tag.get("href") or tag.get("src"))
        assert asset.status_int == 200 and asset.body
    assert "style=" not in page.text  # inline styles would need 'unsafe-inline'


def test_a_token_is_escaped_in_the_page(testapp):
    page = testapp.get("/pages/verify-email/", {"token": '"><script>alert(1)</script>'})
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text


def test_the_order_page_answers_for_the_link_of_an_order_mail(testapp, loaded):
    link = Renderer(EmailConfig.from_settings(loaded[0])).context(
        "order_confirmation", {"name": "Ann", "order": {"number": "AG-0041"}})["link"]
    assert link == "http://127.0.0.1:6543/pages/orders/AG-0041/"
    page = testapp.get(link.removeprefix("http://127.0.0.1:6543"))
    assert page.html.find("form")["data-order"] == "AG-0041"


def test_with_a_storefront_the_links_go_there_and_agora_serves_no_pages(base_ini):
    settings, pm, plugins = load({**base_ini, "agora.storefront_url": "https://shop.example.com/"}, environ={})
    renderer = Renderer(EmailConfig.from_settings(settings))
    assert renderer.context("verify_email", {"token": "t"})["link"] == "https://shop.example.com/verify-email/?token=t"
    assert renderer.context("password_reset", {"token": "t"})["link"] == \
        "https://shop.example.com/reset-password/?token=t"
    assert renderer.context("order_shipped", {"order": {"number": "AG-1"}})["link"] == \
        "https://shop.example.com/orders/AG-1/"
    router = make_app(settings, pm, plugins)
    try:
        webtest.TestApp(router).get("/pages/verify-email/?token=t", status=404)
    finally:
        engine_of(router.registry).dispose()
