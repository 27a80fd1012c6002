"""Pytest fixtures for Agora and its plugins (load with ``-p core.testing``).

The database is created and migrated once per test run (``--db=sqlite`` or
``--db=postgresql``); each test runs inside an outer transaction that is rolled back at
its end, and the WSGI app under WebTest is handed a session joined to that transaction
with ``join_transaction_mode="create_savepoint"``: code that commits still rolls back.

Plugin authors override ``enabled_plugins`` (the ``agora.plugins`` list of the test app)
and ``app_settings`` (extra ini keys), and use ``testapp``, ``db``, ``make_user``,
``auth_headers`` and ``hooks`` (every hook call recorded, e.g. verification tokens).
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from importlib import metadata

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.hooks import hookimpl

PG_ADMIN_URL = os.environ.get("AGORA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TEST_PASSWORD = "correct horse battery staple"


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


def first_party_plugins() -> list[str]:
    return [ep.name for ep in metadata.entry_points(group="agora.plugins") if ep.value.startswith("plugins.")]


ORDER = ["vendors", "cart", "wishlist", "payments", "email", "payouts"]


@pytest.fixture(scope="session")
def db_kind(pytestconfig) -> str:
    return pytestconfig.getoption("--db")


@pytest.fixture(scope="session")
def enabled_plugins() -> list[str]:
    """The ``agora.plugins`` list of the test app: every first-party plugin and the test plugin."""
    names = sorted(first_party_plugins(), key=lambda n: ORDER.index(n) if n in ORDER else 99)
    installed = {ep.name for ep in metadata.entry_points(group="agora.plugins")}
    return names + (["testplugin"] if "testplugin" in installed else [])


@pytest.fixture(scope="session")
def app_settings(tmp_path_factory) -> dict:
    """Extra ini settings for the test app (override to add a plugin's keys)."""
    return {}


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


def ini_for(database_url: str, plugins: list[str], extra: dict | None = None) -> dict:
    ini = {
        "agora.env": "test",
        "agora.database_url": database_url,
        "agora.jwt_secret": "test-secret-" + "s" * 64,
        "agora.plugins": " ".join(plugins),
        "agora.log_requests": "false",
        "agora.broker_url": "memory://",
    }
    ini.update(extra or {})
    return ini


@pytest.fixture(scope="session")
def base_ini(database_url, enabled_plugins, app_settings, tmp_path_factory) -> dict:
    media = tmp_path_factory.mktemp("media")
    return ini_for(database_url, enabled_plugins, {"agora.media_dir": str(media), **app_settings})


@pytest.fixture(scope="session")
def loaded(base_ini):
    """(settings, plugin manager, loaded plugins) for the test app, built once."""
    from core import load

    return load(base_ini, environ={})


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


class HookRecorder:
    """Registered into the test app's plugin manager: records every accounts/order/vendor event."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    def named(self, name: str) -> list[dict]:
        return [kw for n, kw in self.calls if n == name]

    def last(self, name: str) -> dict:
        found = self.named(name)
        assert found, f"hook {name} was not called"
        return found[-1]

    @hookimpl
    def agora_user_registered(self, user, token):
        self.calls.append(("agora_user_registered", {"user_id": user.id, "email": user.email, "token": token}))

    @hookimpl
    def agora_email_verified(self, user):
        self.calls.append(("agora_email_verified", {"user_id": user.id}))

    @hookimpl
    def agora_password_reset_requested(self, user, token):
        self.calls.append(("agora_password_reset_requested", {"user_id": user.id, "email": user.email, "token": token}))

    @hookimpl
    def agora_password_changed(self, user):
        self.calls.append(("agora_password_changed", {"user_id": user.id}))


@pytest.fixture
def hooks(loaded):
    recorder = HookRecorder()
    pm = loaded[1]
    pm.register(recorder, name=f"recorder-{id(recorder)}")
    yield recorder
    pm.unregister(recorder)


@pytest.fixture
def app(loaded, connection, hooks):
    from core import make_app

    settings, pm, plugins = loaded
    return make_app(settings, pm, plugins, dbsession_factory=lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))


@pytest.fixture
def testapp(app):
    import webtest

    return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.1"})


_counter = threading.local()


@pytest.fixture
def make_user(db):
    """``make_user(role="customer", verified=True, email=None, password=TEST_PASSWORD)`` → User."""
    from core.accounts.models import User
    from core.accounts.passwords import hash_password

    hashed = hash_password(TEST_PASSWORD)

    def make(role: str = "customer", verified: bool = True, email: str | None = None,
             password: str = TEST_PASSWORD, **fields):
        user = User(email=email or f"{role}-{secrets.token_hex(4)}@example.com",
                    password_hash=hashed if password == TEST_PASSWORD else hash_password(password),
                    role=role, is_active=verified, email_verified=verified, **fields)
        db.add(user)
        db.flush()
        return user

    return make


@pytest.fixture
def login(testapp):
    """``login(user)`` → the token answer of ``POST /api/auth/login/``."""

    def do(user, password: str = TEST_PASSWORD) -> dict:
        return testapp.post_json("/api/auth/login/", {"email": user.email, "password": password}).json

    return do


@pytest.fixture
def auth_headers(login):
    """``auth_headers(user)`` → ``{"Authorization": "Bearer …"}`` for a fresh login."""

    def headers(user) -> dict:
        return {"Authorization": f"Bearer {login(user)['access']}"}

    return headers


@pytest.fixture
def customer(make_user):
    return make_user("customer")


@pytest.fixture
def manager(make_user):
    return make_user("manager")


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def make_product(db):
    """``make_product(price=1999, stock=5, sizes=("M",), variants=("Red",), vendor=None, category=None,
    variant_price=None, name=None)`` → Product with its variants and sizes (summary columns refreshed)."""
    from core.catalog.models import Category, Product, Size, Variant
    from core.catalog.summary import refresh_products

    def make(price: int = 1999, stock: int = 5, sizes=("M",), variants=("Red",), vendor=None, category=None,
             variant_price=None, name=None, is_active=True):
        if category is None:
            slug = f"cat-{secrets.token_hex(4)}"
            category = Category(name=slug, slug=slug)
            db.add(category)
            db.flush()
        name = name or f"Product {secrets.token_hex(3)}"
        product = Product(name=name, slug=name.lower().replace(" ", "-") + "-" + secrets.token_hex(2),
                          description=f"About {name}", price=price, currency="USD", category_id=category.id,
                          vendor_id=vendor.id if vendor is not None else None, is_active=is_active)
        db.add(product)
        db.flush()
        for position, variant_name in enumerate(variants):
            variant = Variant(product_id=product.id, name=variant_name, sku=f"{product.slug}-{position}",
                              price=variant_price, position=position)
            db.add(variant)
            db.flush()
            for index, label in enumerate(sizes):
                db.add(Size(variant_id=variant.id, label=label, sku=f"{variant.sku}-{label}", stock=stock,
                            position=index))
        db.flush()
        refresh_products(db, [product.id])
        db.refresh(product)
        return product

    return make


def sizes_of(db, product) -> list:
    """The Size rows of a product, in variant/size order."""
    from sqlalchemy import select

    from core.catalog.models import Size, Variant

    return db.execute(select(Size).join(Variant).where(Variant.product_id == product.id)
                      .order_by(Variant.position, Size.position)).scalars().all()


ADDRESS = {"name": "Ada Lovelace", "line1": "12 Analytical St", "city": "London", "postal_code": "N1 9GU",
           "country": "GB"}


# ------------------------------------------------------------------ real commits and real peers
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
            app.registry["agora.engine"].dispose()
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                         {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def committed_session(url: str) -> Session:
    """A plain session on ``url`` whose commits are real (for scratch databases)."""
    from sqlalchemy import create_engine

    return Session(create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)), expire_on_commit=False)


def all_at_once(calls: list) -> list:
    """Run the callables in threads released together by a barrier; their results, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# localstripe persists its whole store to the fixed path /tmp/localstripe.pickle on every write
# and loads it at start: servers of parallel test runs corrupt each other's file, and a truncated
# one stops the next start.  This server keeps its store in memory only.
LOCALSTRIPE = """
import sys
from localstripe import resources
from localstripe.server import start
resources.Store.try_load_from_disk = lambda self: None
resources.Store.dump_to_disk = lambda self: None
sys.argv = ["localstripe", "--port", sys.argv[1]]
start()
"""


def start_localstripe() -> tuple[subprocess.Popen, str]:
    """localstripe (a local Stripe stand-in) on a free port, its store in memory only.

    Output goes to a temporary file (a pipe nobody reads fills up and blocks the server).
    Retried on a new port if it dies early."""
    problems = []
    for _ in range(3):
        port = _free_port()
        log = tempfile.TemporaryFile()
        proc = subprocess.Popen([sys.executable, "-c", LOCALSTRIPE, str(port)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc, f"http://127.0.0.1:{port}"
            except OSError:
                time.sleep(0.1)
        proc.kill()
        proc.wait()
        log.seek(0)
        problems.append(f"exit {proc.returncode}: {log.read()[-500:]!r}")
    raise RuntimeError("localstripe did not start: " + " | ".join(problems))


@pytest.fixture(scope="session")
def localstripe_url():
    """The base URL of a localstripe server shared by the whole test run."""
    proc, url = start_localstripe()
    yield url
    proc.terminate()
    proc.wait(timeout=10)
