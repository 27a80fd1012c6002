"""Anonymous catalog reads from a real PostgreSQL streaming replica (``agora.database_read_url``).

Replay on the replica is paused to make the routing observable: a change committed on the
primary is then invisible through the replica and visible on the primary.  Also: writes and
the reads of a request that wrote go to the primary, and a lagging replica never freezes an
old page into the catalog caches (core.db › Replicas)."""
from __future__ import annotations

import time
import uuid

import pytest
import webtest
from pyramid.scripting import prepare
from sqlalchemy import create_engine, text, update
from sqlalchemy.orm import Session

from core.accounts.models import User
from core.accounts.passwords import hash_password
from core.catalog import version
from core.catalog.models import Category, Product, Size, Variant
from core.catalog.summary import refresh_products
from core.db import read_engine_of
from core.testing import TEST_PASSWORD, first_party_plugins, ini_for
from tests.scale import replica as pg

pytestmark = pytest.mark.postgresql_only


@pytest.fixture(scope="module")
def cluster(db_kind):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL only")
    why = pg.available()
    if why:
        pytest.skip(why)
    from core import load, make_app
    from core.migrate import upgrade

    with pg.primary_and_replica() as (p_port, r_port):
        base = "postgresql+psycopg://postgres@127.0.0.1:{}/{}"
        admin = create_engine(base.format(p_port, "postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE agora"))
        admin.dispose()
        primary_url, replica_url = base.format(p_port, "agora"), base.format(r_port, "agora")
        settings, pm, loaded = load(ini_for(primary_url, first_party_plugins(),
                                            {"agora.database_read_url": replica_url}), environ={})
        upgrade(primary_url, pm, loaded)
        primary, standby = create_engine(primary_url), create_engine(replica_url)
        app = make_app(settings, pm, loaded)
        yield {"app": app, "primary": primary, "replica": standby}
        primary.dispose()
        standby.dispose()
        from core.db import engine_of

        engine_of(app.registry).dispose()
        read_engine_of(app.registry).dispose()


def _shop(primary) -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8]
    email = f"reader-{tag}@example.com"
    with Session(primary, expire_on_commit=False) as db, db.begin():
        db.add(User(email=email, password_hash=hash_password(TEST_PASSWORD), is_active=True, email_verified=True))
        category = Category(name=f"Replica {tag}", slug=f"replica-{tag}")
        db.add(category)
        db.flush()
        product = Product(name="Before", slug=f"shirt-{tag}", price=1000, currency="USD", category_id=category.id)
        db.add(product)
        db.flush()
        variant = Variant(product_id=product.id, name="Blue", sku=f"b-{tag}")
        db.add(variant)
        db.flush()
        db.add(Size(variant_id=variant.id, label="M", sku=f"b-{tag}-m", stock=5))
        refresh_products(db, [product.id])
    return product.slug, email


def _rename(primary, slug: str, name: str) -> None:
    with Session(primary) as db, db.begin():
        db.execute(update(Product).where(Product.slug == slug).values(name=name))


def _wait_for_version(replica, wanted: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(replica) as db:
            if version.current(db) >= wanted:
                return
        time.sleep(0.05)
    raise TimeoutError(f"the replica never showed catalog version {wanted}")


def _replay(replica, pause: bool) -> None:
    with replica.connect() as conn:
        conn.execute(text("SELECT pg_wal_replay_pause()" if pause else "SELECT pg_wal_replay_resume()"))
        conn.commit()


def test_anonymous_list_and_detail_come_from_the_replica_and_lag_never_freezes_a_stale_page(cluster):
    app, primary, replica = cluster["app"], cluster["primary"], cluster["replica"]
    slug, email = _shop(primary)
    pg.wait_replayed(primary, replica)
    client = webtest.TestApp(app)
    token = client.post_json("/api/auth/login/", {"email": email, "password": TEST_PASSWORD}).json["access"]
    signed_in = {"Authorization": f"Bearer {token}"}
    list_url = f"/api/products/?search=&category={slug.replace('shirt', 'replica')}"
    names = lambda headers=None: (  # noqa: E731
        [p["name"] for p in client.get(list_url, headers=headers or {}).json["results"]],
        client.get(f"/api/products/{slug}/", headers=headers or {}).json["name"])
    assert names() == (["Before"], "Before")
    _replay(replica, pause=True)
    try:
        _rename(primary, slug, "After")
        with Session(primary) as db:
            newest = version.current(db)
        with Session(replica) as db:
            lagging = version.current(db)
        assert lagging < newest
        # Anonymous: the replica, which has not replayed the rename; signed in: the primary.
        assert names() == (["Before"], "Before")
        assert names(signed_in) == (["After"], "After")
        # Writes go to the primary (the replica is read-only): a login is a write.
        client.post_json("/api/auth/login/", {"email": email, "password": TEST_PASSWORD})
        # The stale pages were cached under the replica's version only, never under the newer one.
        for name in ("pages", "details"):
            for (entry_version, _), value in version.cache_of(_Request(app), name).entries.items():
                text_of = str(value)
                if entry_version >= newest:
                    assert "Before" not in text_of, (name, entry_version)
                if "Before" in text_of:
                    assert entry_version <= lagging
    finally:
        _replay(replica, pause=False)
    pg.wait_replayed(primary, replica)
    _wait_for_version(replica, newest)  # replayed, and visible to a new snapshot on the replica
    assert names() == (["After"], "After")  # caught up: the replica's version is the new one


def test_a_request_that_wrote_reads_from_the_primary(cluster):
    app = cluster["app"]
    env = prepare(registry=app.registry)
    request = env["request"]
    try:
        request.tm.begin()
        assert request.read_db is not request.db
        assert request.read_db.get_bind() is read_engine_of(app.registry)
        assert request.read_db.execute(text("SELECT pg_is_in_recovery()")).scalar() is True  # the standby
        request.db.execute(update(Product).where(Product.id == -1).values(name="x"))  # a write (no row)
        assert request.read_db is request.db
        assert request.read_db.execute(text("SELECT pg_is_in_recovery()")).scalar() is False
        request.tm.abort()
    finally:
        env["closer"]()


class _Request:
    def __init__(self, app):
        self.registry = app.registry
