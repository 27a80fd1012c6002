"""The dashboard is static assets served from the plugin's package: enabled, ``/dashboard/`` and
its modules are served with a strict Content-Security-Policy and reach nothing but this origin;
disabled, they are gone and the API (its OpenAPI document, its answers) is exactly the same."""
from __future__ import annotations

import re
from pathlib import Path

import webtest
from sqlalchemy.orm import Session

from core import load, make_app
from core.testing import ini_for

STATIC = Path(__file__).parents[3] / "plugins" / "dashboard" / "static"


def _app(database_url, connection, plugins) -> webtest.TestApp:
    settings, pm, loaded = load(ini_for(database_url, plugins), environ={})
    app = make_app(settings, pm, loaded, dbsession_factory=lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))
    return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.4"})


def test_the_page_and_its_assets_are_served_from_the_package(testapp):
    page = testapp.get("/dashboard/")
    assert page.content_type == "text/html"
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert page.html.find("script", type="module")["src"] == "/dashboard/static/app.js"
    assert testapp.get("/dashboard").location.endswith("/dashboard/")
    modules = sorted(STATIC.rglob("*.js"))
    assert len(modules) >= 10
    for path in [*modules, STATIC / "dashboard.css", STATIC / "index.html"]:
        relative = path.relative_to(STATIC).as_posix()
        if relative != "index.html":
            asset = testapp.get(f"/dashboard/static/{relative}")
            assert asset.body == path.read_bytes()
        text = path.read_text()
        assert not re.search(r"https?://(?!example\.com/)", text), f"{relative} names another origin"
        assert "innerHTML" not in text and "eval(" not in text, relative
    specs = []
    for path in modules:  # plain ES modules: imports are relative to the package, never a CDN or a bundle
        found = re.findall(r"""^import\b[^;]*?\bfrom\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']""",
                           path.read_text(), re.MULTILINE)
        for spec in (a or b for a, b in found):
            specs.append(spec)
            assert spec.startswith("./") or spec.startswith("../"), f"{path.name} imports {spec}"
    assert {"./api.js", "../api.js", "./pages/orders.js"} <= set(specs)


def test_without_the_plugin_the_dashboard_is_gone_and_the_api_is_unchanged(database_url, engine, connection,
                                                                         enabled_plugins, manager, auth_headers):
    assert "dashboard" in enabled_plugins
    others = [name for name in enabled_plugins if name != "dashboard"]
    with_it = _app(database_url, connection, enabled_plugins)
    without = _app(database_url, connection, others)
    without.get("/dashboard/", status=404)
    without.get("/dashboard/static/app.js", status=404)
    with_it.get("/dashboard/static/app.js", status=200)
    assert with_it.get("/api/openapi.json").json == without.get("/api/openapi.json").json
    headers = auth_headers(manager)
    for path in ("/api/health/", "/api/categories/", "/api/orders/", "/api/manager/vendors/"):
        one, other = with_it.get(path, headers=headers).json, without.get(path, headers=headers).json
        if path == "/api/health/":
            one["plugins"] = [p for p in one["plugins"] if p != "dashboard"]
        assert one == other, path


def test_the_dashboard_needs_no_other_plugin(database_url):
    settings, pm, loaded = load(ini_for(database_url, ["dashboard"]), environ={})
    app = webtest.TestApp(make_app(settings, pm, loaded))
    assert app.get("/dashboard/").status_code == 200
