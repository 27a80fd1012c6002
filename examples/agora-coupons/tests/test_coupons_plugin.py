"""The plugin as a merchant meets it: enabled or not, migrated by `agora CONFIG migrate`."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from config import SettingsError
from core import load
from core.db import Base
from core.plugins import PluginError
from core.testing import ini_for

COUPON_PATHS = {"/api/coupons/", "/api/coupons/{id}/", "/api/cart/coupon/"}


def paths(document) -> set[str]:
    """The documented paths with Cornice's placeholder patterns dropped (``{id:\\d+}`` → ``{id}``)."""
    return {re.sub(r"{(\w+):[^}]*}", r"{\1}", path) for path in document["paths"]}


def test_enabled_its_services_are_documented_and_listed(testapp, admin, auth_headers):
    from openapi_spec_validator import validate

    document = testapp.get("/api/openapi.json").json
    validate(document)
    assert COUPON_PATHS <= paths(document)
    assert "coupons" in {tag["name"] for tag in document["tags"]}
    body = document["paths"]["/api/cart/coupon/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/CartCouponIn"}
    listing = testapp.get("/api/plugins/", headers=auth_headers(admin)).json
    plugin = next(p for p in listing if p["name"] == "coupons")
    assert plugin["distribution"] == "agora-coupons" and plugin["requires"] == ["cart"]
    assert {"agora_checkout_price", "agora_checkout_completed", "agora_migration_locations"} <= set(plugin["hooks"])


def test_disabled_its_services_are_gone(app_with, enabled_plugins, admin, staff):
    app = app_with([name for name in enabled_plugins if name != "coupons"])
    document = app.get("/api/openapi.json").json
    assert not COUPON_PATHS & paths(document)
    assert "coupons" not in {tag["name"] for tag in document.get("tags", [])}
    token = app.post_json("/api/auth/login/", {"email": admin.email, "password": "correct horse battery staple"})
    listing = app.get("/api/plugins/", headers={"Authorization": "Bearer " + token.json["access"]}).json
    assert "coupons" not in [p["name"] for p in listing]
    app.get("/api/coupons/", headers=staff, status=404)


def test_it_needs_the_cart(database_url):
    with pytest.raises(PluginError, match="plugin 'coupons' requires plugin 'cart'"):
        load(ini_for(database_url, ["coupons"]), environ={})


def test_a_bad_setting_stops_start_up(database_url):
    with pytest.raises(SettingsError, match="invalid setting agora.coupons.return_on_cancel: not a boolean"):
        load(ini_for(database_url, ["cart", "coupons"], {"agora.coupons.return_on_cancel": "maybe"}), environ={})


def test_the_setting_is_overridable_from_the_environment(database_url):
    ini = ini_for(database_url, ["cart", "coupons"], {"agora.coupons.return_on_cancel": "true"})
    settings, _, _ = load(ini, environ={"AGORA_COUPONS_RETURN_ON_CANCEL": "false"})
    assert settings["agora.coupons.return_on_cancel"] is False


def test_it_has_the_plugin_markers():
    """Like every first-party plugin: agora_version, TABLES (its models' tables) and requires."""
    import agora_coupons

    assert agora_coupons.agora_version and agora_coupons.requires == ("cart",)
    owned = {t.name for t in Base.metadata.tables.values() if t.info.get("owner") == "coupons"}
    assert set(agora_coupons.TABLES) == owned


def test_models_and_migrations_agree(engine):
    def ours(obj, name, type_, reflected, compare_to):
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is None or table.info.get("owner") == "coupons" or (
            not reflected and table.name.startswith("coupon"))

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": ours, "compare_type": True})
        diff = [d for d in compare_metadata(context, Base.metadata)
                if "coupon" in repr(d)]
    assert diff == [], diff


def test_agora_migrate_applies_its_branch_only_when_enabled(tmp_path):
    agora = Path(sys.executable).parent / "agora"

    def migrate(plugins: str) -> list[str]:
        ini = tmp_path / f"{plugins.replace(' ', '-') or 'none'}.ini"
        url = f"sqlite:///{tmp_path / (ini.stem + '.sqlite')}"
        ini.write_text(f"[app:main]\nuse = egg:agora\nagora.database_url = {url}\nagora.plugins = {plugins}\n")
        done = subprocess.run([str(agora), str(ini), "migrate"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        engine = create_engine(url)
        try:
            return inspect(engine).get_table_names()
        finally:
            engine.dispose()

    assert {"coupons", "coupon_applications", "coupon_usages", "alembic_version_coupons"} <= set(
        migrate("cart coupons"))
    assert not {"coupons", "alembic_version_coupons"} & set(migrate("cart"))
