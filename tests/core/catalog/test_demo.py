"""load_demo_data fills a fresh, migrated database (its own database: it commits)."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core import load
from core.db import engine_of
from core.migrate import upgrade
from core.testing import PG_ADMIN_URL, ini_for


@pytest.fixture
def fresh_database(db_kind, tmp_path):
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'demo.sqlite'}"
        return
    name = f"agora_demo_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_demo_data_loads_products_with_variants_sizes_and_consistent_summaries(fresh_database, capsys):
    from sqlalchemy.orm import Session

    from core.catalog.demo import load_demo_data
    from core.catalog.summary import refresh_products

    settings, pm, plugins = load(ini_for(fresh_database, []), environ={})
    upgrade(fresh_database, pm, plugins)
    assert load_demo_data(settings, 150, vendors=3, seed=7) == 150
    assert "150/150" in capsys.readouterr().out
    assert load_demo_data(settings, 10, if_empty=True) == 0

    engine = create_engine(fresh_database)
    try:
        with Session(engine) as db:
            q = lambda sql: db.execute(text(sql)).scalar_one()  # noqa: E731
            assert q("SELECT count(*) FROM products") == 150
            assert q("SELECT count(*) FROM vendors WHERE status = 'approved'") == 3
            assert q("SELECT count(*) FROM users WHERE role = 'vendor'") == 3
            assert q("SELECT count(*) FROM categories WHERE parent_id IS NOT NULL") > 5
            assert q("SELECT min(n) FROM (SELECT count(*) AS n FROM variants GROUP BY product_id) x") >= 1
            assert q("SELECT max(n) FROM (SELECT count(*) AS n FROM variants GROUP BY product_id) x") <= 4
            assert q("SELECT min(n) FROM (SELECT count(*) AS n FROM sizes GROUP BY variant_id) x") >= 3
            before = db.execute(text(
                "SELECT id, min_price, max_price, in_stock, image_url FROM products ORDER BY id")).all()
            refresh_products(db, [row[0] for row in before])
            after = db.execute(text(
                "SELECT id, min_price, max_price, in_stock, image_url FROM products ORDER BY id")).all()
            assert before == after  # the denormalized columns were filled right
            db.rollback()
    finally:
        engine.dispose()


def test_demo_data_gives_one_ready_account_per_role_and_prints_them(fresh_database, capsys):
    import webtest

    from core import make_app
    from core.catalog.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo_data

    settings, pm, plugins = load(ini_for(fresh_database, ["vendors"]), environ={})
    upgrade(fresh_database, pm, plugins)
    load_demo_data(settings, 40, vendors=2, seed=3)
    printed = capsys.readouterr().out
    assert load_demo_data(settings, 10, if_empty=True) == 0  # a second `make dev`: no duplicates
    again = capsys.readouterr().out
    for role, email in DEMO_ACCOUNTS.items():
        assert f"{role:<9} {email}" in printed and email in again
    assert DEMO_PASSWORD in printed

    app = make_app(settings, pm, plugins)
    try:
        client = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.12"})
        for role, email in DEMO_ACCOUNTS.items():
            user = client.post_json("/api/auth/login/", {"email": email, "password": DEMO_PASSWORD}).json["user"]
            assert user["role"] == role
        token = client.post_json("/api/auth/login/", {"email": DEMO_ACCOUNTS["vendor"],
                                                      "password": DEMO_PASSWORD}).json["access"]
        own = client.get("/api/vendor/products/", headers={"Authorization": f"Bearer {token}"}).json
        assert own["count"] > 0  # the demo vendor owns part of the catalog
    finally:
        engine_of(app.registry).dispose()
    engine = create_engine(fresh_database)
    try:
        with engine.connect() as conn:
            emails = conn.execute(text("SELECT email FROM users WHERE email LIKE '%@demo.agora.test'")).scalars().all()
            assert sorted(e for e in emails if e in DEMO_ACCOUNTS.values()) == sorted(DEMO_ACCOUNTS.values())
    finally:
        engine.dispose()


def test_demo_data_migrate_migrates_a_fresh_database_and_loads_it_in_one_command(tmp_path, capsys):
    """What ``make dev`` runs on a fresh clone: one process migrates and loads (no second start-up)."""
    from core.cli import main
    from core.testing import first_party_plugins

    db_file = tmp_path / "dev.sqlite"
    ini = tmp_path / "dev.ini"
    ini.write_text("[app:main]\nuse = egg:agora\nagora.env = development\n"
                   f"agora.database_url = sqlite:///{db_file}\nagora.plugins = {' '.join(first_party_plugins())}\n"
                   "agora.broker_url = memory://\n")
    assert main([str(ini), "demo-data", "--migrate", "--products", "5", "--if-empty"]) in (0, None)
    out = capsys.readouterr().out
    assert "migrated:" in out and "5/5 products" in out
    engine = create_engine(f"sqlite:///{db_file}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM products")).scalar_one() == 5
    engine.dispose()
