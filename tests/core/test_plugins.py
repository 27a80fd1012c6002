"""The plugin system, exercised with the real test plugin installed from tests/testplugin."""
import subprocess
import sys

import pytest

from core import load
from core.plugins import PluginError
from core.testing import ini_for


def _load(database_url, plugins):
    return load(ini_for(database_url, plugins), environ={})


def test_the_test_plugin_adds_a_service_with_its_setting_default(testapp):
    assert testapp.get("/api/testplugin/ping/").json == {"greeting": "hello from a plugin"}


def test_the_test_plugin_hook_is_called_on_registration(testapp):
    from agora_testplugin import REGISTERED

    testapp.post_json("/api/auth/register/", {"email": "hooked@example.com", "password": "a-long-passphrase"},
                      status=201)
    assert "hooked@example.com" in REGISTERED


def test_plugins_listing_is_admin_only_and_names_hooks(testapp, admin, customer, auth_headers):
    testapp.get("/api/plugins/", status=401)
    testapp.get("/api/plugins/", headers=auth_headers(customer), status=403)
    listing = testapp.get("/api/plugins/", headers=auth_headers(admin)).json
    plugin = next(p for p in listing if p["name"] == "testplugin")
    assert plugin["version"] == "1.2.3"
    assert "agora_includeme" in plugin["hooks"] and "agora_user_registered" in plugin["hooks"]


@pytest.mark.parametrize("plugins, message", [
    (["nosuchplugin"], "unknown plugin 'nosuchplugin'"),
    (["brokenplugin"], "plugin 'brokenplugin' failed to import: ModuleNotFoundError"),
    (["needyplugin"], "plugin 'needyplugin' requires plugin 'testplugin'"),
    (["futureplugin"], "plugin 'futureplugin' needs Agora >=99"),
    (["badhookplugin"], "unknown hook"),
    (["testplugin", "testplugin"], "listed twice"),
])
def test_a_bad_plugin_stops_start_up_with_one_line_naming_it(database_url, plugins, message):
    with pytest.raises(PluginError) as info:
        _load(database_url, plugins)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("plugins, message", [
    (["badviewplugin"], "plugin 'badviewplugin' registered something Pyramid refuses (badview.py:16): "
                        "ConfigurationError: Unknown view options: {'colour': 'red'}"),
    (["raisingplugin"], "plugin 'raisingplugin' failed in agora_includeme: KeyError: 'agora.raising.missing'"),
])
def test_a_plugin_mistake_in_its_registrations_is_one_line_naming_it(database_url, plugins, message):
    from core import make_app

    settings, pm, loaded = _load(database_url, plugins)
    with pytest.raises(PluginError) as info:
        make_app(settings, pm, loaded)
    assert str(info.value) == message


def test_a_plugin_with_its_dependency_loads(database_url):
    settings, pm, loaded = _load(database_url, ["testplugin", "needyplugin"])
    assert [p.name for p in loaded] == ["testplugin", "needyplugin"]


def test_cli_lists_plugins_and_start_up_errors_are_one_line(tmp_path, database_url):
    ini = tmp_path / "t.ini"
    ini.write_text(f"[app:main]\nuse = egg:agora\nagora.database_url = {database_url}\n"
                   "agora.plugins = testplugin\n")
    out = subprocess.run([sys.executable, "-m", "core.cli", str(ini), "plugins"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "testplugin 1.2.3" in out.stdout and "agora_includeme" in out.stdout
    ini.write_text(f"[app:main]\nuse = egg:agora\nagora.database_url = {database_url}\nagora.plugins = nope\n")
    out = subprocess.run([sys.executable, "-m", "core.cli", str(ini), "plugins"], capture_output=True, text=True)
    assert out.returncode == 1
    lines = [line for line in out.stderr.strip().splitlines() if line.startswith("agora:")]
    assert len(lines) == 1 and lines[0].startswith("agora: unknown plugin 'nope' in agora.plugins (installed: ")
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("plugins, extra, message", [
    ("email", "agora.email.backend = carrier-pigeon\n",
     "agora: invalid setting agora.email.backend: 'carrier-pigeon' is not one of smtp, maildir"),
    ("badviewplugin", "", "agora: plugin 'badviewplugin' registered something Pyramid refuses"),
])
def test_cli_plugins_validates_plugin_settings_as_start_up_does(tmp_path, database_url, plugins, extra, message):
    ini = tmp_path / "t.ini"
    ini.write_text(f"[app:main]\nuse = egg:agora\nagora.database_url = {database_url}\n"
                   f"agora.plugins = {plugins}\n{extra}")
    for command in (["plugins"], ["plugins", "--json"]):
        out = subprocess.run([sys.executable, "-m", "core.cli", str(ini), *command], capture_output=True, text=True)
        assert out.returncode == 1, out.stdout
        assert out.stderr.strip().startswith(message) and len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_cli_create_user_makes_an_active_user_of_the_role(tmp_path, database_url, engine):
    from sqlalchemy import delete, select
    from sqlalchemy.orm import Session

    from core.accounts.models import User

    ini = tmp_path / "t.ini"
    ini.write_text(f"[app:main]\nuse = egg:agora\nagora.database_url = {database_url}\nagora.plugins =\n")
    email = "cli-admin@example.com"
    cmd = [sys.executable, "-m", "core.cli", str(ini), "create-user", "--email", email,
           "--password", "a-long-admin-passphrase", "--role", "admin"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    try:
        assert out.returncode == 0, out.stderr
        assert f"created admin {email}" in out.stdout
        with Session(engine) as db:
            user = db.execute(select(User).where(User.email == email)).scalar_one()
            assert (user.role, user.is_active, user.email_verified) == ("admin", True, True)
        again = subprocess.run(cmd, capture_output=True, text=True)
        assert again.returncode != 0 and "already exists" in again.stderr
    finally:
        with Session(engine) as db, db.begin():
            db.execute(delete(User).where(User.email == email))


def test_a_plugin_brings_its_own_hookspecs_and_others_implement_them_optionally():
    from core.plugins import build_plugin_manager

    pm, _ = build_plugin_manager(["vendors", "email"])
    assert pm.hook.agora_vendor_approved.spec is not None  # declared by plugins.vendors.hookspecs
    assert "email" in {pm.get_name(impl.plugin) for impl in pm.hook.agora_vendor_approved.get_hookimpls()}
    pm, _ = build_plugin_manager(["email"])  # email's vendor hooks are optional: it starts alone
    vendor_hook = getattr(pm.hook, "agora_vendor_approved", None)
    assert vendor_hook is None or vendor_hook.spec is None


def _entry_points() -> dict[str, str]:
    import configparser
    from pathlib import Path

    parser = configparser.ConfigParser()
    parser.read(Path(__file__).resolve().parents[2] / "setup.cfg")
    lines = parser["options.entry_points"]["agora.plugins"].strip().splitlines()
    return dict(line.replace(" ", "").split("=", 1) for line in lines)


@pytest.mark.parametrize("name, module", sorted(_entry_points().items()))
def test_every_plugin_declares_its_markers_the_same_way(name, module):
    """``requires``, ``agora_version`` and ``TABLES`` (exactly the tables its models own) in its
    ``__init__``, like the template of docs/architecture.md says."""
    import importlib

    from packaging.specifiers import SpecifierSet

    from core.db import Base

    plugin = importlib.import_module(module)
    assert isinstance(plugin.requires, tuple) and all(isinstance(r, str) for r in plugin.requires)
    SpecifierSet(plugin.agora_version)  # a valid PEP 440 range
    owned = {t.name for t in Base.metadata.tables.values() if t.info.get("owner") == name}
    assert set(plugin.TABLES) == owned, f"plugin {name!r}: TABLES {plugin.TABLES} but its models own {owned}"
