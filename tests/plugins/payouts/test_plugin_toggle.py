"""The payouts plugin can be disabled (its tables stay, everything else runs), its settings are
validated at start-up, and ``agora CONFIG payouts run`` does what the run service does."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from config import SettingsError
from core import load, make_app
from core.plugins import PluginError
from core.testing import ini_for
from tests.plugins.payouts.conftest import app_on, entries


def test_without_payouts_its_paths_are_gone_and_orders_still_work(database_url, engine, connection, enabled_plugins,
                                                                  shop):
    others = [name for name in enabled_plugins if name != "payouts"]
    app = app_on(load(ini_for(database_url, others), environ={}), connection)
    assert app.get("/api/health/").json["status"] == "ok"
    paths = app.get("/api/openapi.json").json["paths"]
    assert not [p for p in paths if p.startswith(("/api/vendor/balance", "/api/manager/payouts", "/api/manager/commi"))]
    app.get("/api/vendor/balance/", headers=shop.vendor_headers[0], status=404)
    order = shop.paid_order(app, [(shop.sizes[0], 1)])
    lines = app.get("/api/vendor/orders/", headers=shop.vendor_headers[0]).json["results"][0]["lines"]
    assert "commission" not in lines[0]
    assert entries(shop.db, shop.vendors[0].id) == []  # nothing listens to the payment
    app.post_json(f"/api/orders/{order['id']}/status/", {"status": "cancelled"}, headers=shop.manager_headers)


def test_payouts_needs_vendors(database_url):
    with pytest.raises(PluginError, match="requires plugin 'vendors'"):
        load(ini_for(database_url, ["payouts"]), environ={})


@pytest.mark.parametrize("key, value", [("agora.payouts.commission_rate", "1.5"),
                                        ("agora.payouts.commission_rate", "lots"),
                                        ("agora.payouts.hold_days", "-1"), ("agora.payouts.minimum", "-3"),
                                        ("agora.payouts.provider", "paypal")])
def test_a_bad_setting_stops_start_up(database_url, key, value):
    with pytest.raises(SettingsError, match=key.replace(".", r"\.")) as info:
        load(ini_for(database_url, ["vendors", "payouts"], {key: value}), environ={})
    assert "\n" not in str(info.value)


def test_the_stripe_provider_needs_its_key(database_url):
    settings, pm, plugins = load(ini_for(database_url, ["vendors", "payouts"], {"agora.payouts.provider": "stripe"}),
                                 environ={})
    with pytest.raises(PluginError, match="STRIPE_API_KEY"):
        make_app(settings, pm, plugins)


def test_the_cli_runs_payouts(tmp_path, capsys):
    """On its own SQLite file (the CLI opens its own engine and commits)."""
    from core.cli import main
    from core.migrate import upgrade
    from core.testing import new_vendor
    from plugins.payouts.ledger import add_adjustment
    from plugins.payouts.models import Payout

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    plugins = ["vendors", "payouts"]
    settings, pm, loaded = load(ini_for(url, plugins), environ={})
    upgrade(url, pm, loaded)
    engine = create_engine(url)
    with Session(engine) as db, db.begin():
        vendor_id = new_vendor(db, name="Cli Shop").id
        add_adjustment(db, vendor_id, 2500, "opening balance", None, "USD")
    ini = tmp_path / "cli.ini"
    ini.write_text("[app:main]\nuse = egg:agora\n" + "".join(f"{k} = {v}\n" for k, v in ini_for(url, plugins).items()))
    assert main([str(ini), "payouts", "run"]) == 0
    assert "1 payout(s)" in capsys.readouterr().out
    assert main([str(ini), "payouts", "run"]) == 0
    assert "0 payout(s)" in capsys.readouterr().out
    with Session(engine) as db:
        assert [(p.vendor_id, p.amount, p.status) for p in db.query(Payout)] == [(vendor_id, 2500, "pending")]
        from core.audit.models import AuditEntry

        runs = [(e.actor_id, e.request_id, len(e.changes["payouts"])) for e in db.query(AuditEntry)]
        assert runs == [(None, None, 1), (None, None, 0)]  # each cron run is in the audit log, by nobody
    engine.dispose()
