"""The test database: created and migrated once per run, one rolled-back transaction per test.

``--db=sqlite`` (default) or ``--db=postgresql``; each test's ``db`` session and the app's
session join one outer transaction (``join_transaction_mode="create_savepoint"``), rolled back at
the end, so code that commits still leaves nothing.  ``scratch_database`` gives a real,
separately migrated PostgreSQL database for races, where commits must be real.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.db import engine_of
from core.testing.app import ini_for

PG_ADMIN_URL = os.environ.get("AGORA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def pytest_addoption(parser):
    parser.addoption("--db", default=os.environ.get("AGORA_TEST_DB", "sqlite"),
                     choices=["sqlite", "postgresql"], help="database the suite runs on")


def pytest_configure(config):
    config.addinivalue_line("markers", "postgresql_only: needs PostgreSQL")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--db") == "postgresql":
        return
    skip = pytest.mark.skip(reason="PostgreSQL-only behaviour; runs in the --db=postgresql pass of make test")
    for item in items:
        if "postgresql_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def db_kind(pytestconfig) -> str:
    return pytestconfig.getoption("--db")


@pytest.fixture(scope="session")
def database_url(db_kind, tmp_path_factory):
    if db_kind == "sqlite":
        path = tmp_path_factory.mktemp("db") / "agora-test.sqlite"
        yield f"sqlite:///{path}"
        return
    name = f"agora_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
        ), {"n": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(loaded, database_url):
    from core.db import make_engine
    from core.migrate import upgrade

    settings, pm, plugins = loaded
    upgrade(database_url, pm, plugins)
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine):
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    if outer.is_active:
        outer.rollback()
    conn.close()


@pytest.fixture
def db(connection) -> Session:
    """A session on the test's connection; what it writes is visible to the app and rolled back."""
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()


@contextmanager
def scratch_database(plugins: list[str], extra_ini: dict | None = None):
    """A freshly created and migrated PostgreSQL database with an app on it that really commits
    (for races: several connections at once); yields ``(url, app)`` and drops it afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from core import load, make_app
    from core.migrate import upgrade

    name = f"agora_scratch_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    app = None
    try:
        settings, pm, loaded = load(ini_for(url, plugins, extra_ini), environ={})
        upgrade(url, pm, loaded)
        app = make_app(settings, pm, loaded)
        yield url, app
    finally:
        if app is not None:
            engine_of(app.registry).dispose()
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                         {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def committed_session(url: str) -> Session:
    """A plain session on ``url`` whose commits are real (for scratch databases)."""
    return Session(create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)), expire_on_commit=False)
