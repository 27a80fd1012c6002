"""Database: the declarative base, the engine from settings, and ``request.db``.

``request.db`` is a SQLAlchemy session joined to the request's transaction manager
(pyramid_tm + zope.sqlalchemy): nothing in a view commits by hand.  The transaction is
committed when the view answers 2xx/3xx and aborted on any 4xx/5xx, unless the view sets
``request.commit_anyway = True`` (a failed login must still count the failure).

SQLite gets SQLAlchemy's documented ``BEGIN IMMEDIATE`` recipe, so that a transaction that
will write takes the write lock at its start (``with_for_update`` is a no-op there), plus
foreign keys and a busy timeout.

Replicas (``agora.database_read_url``)
--------------------------------------
``request.read_db`` is the session catalog reads use.  It is a session on the *replica*
engine when one is configured and the request is an anonymous read (GET/HEAD, no
``Authorization``, no ``X-Cart-Token``) that has not written through ``request.db``;
otherwise it is ``request.db`` itself (writes, reads of a request that wrote, signed-in
callers: all on the primary).  Without a replica an anonymous read still gets a session of
its own on the primary engine, outside the transaction manager (nothing to commit: one
``BEGIN``/``ROLLBACK`` and no two-phase bookkeeping).

Read sessions run in one ``REPEATABLE READ READ ONLY`` transaction: every statement of the
request sees one snapshot.  That is what keeps replica lag from freezing a stale page into
the per-worker catalog caches (:mod:`core.catalog.version`): a cached value is keyed by the
catalog version *read in the same snapshot as the rows it is built from*.  A replica that
lags answers version V with the V rows; the page goes into the cache under V, never under
the primary's newer V+1, and a request that reads V+1 (the primary, or the replica once it
has replayed) misses that entry and builds its own.  The danger would be mixing sources —
the version from the primary and the rows from a replica — which this module never does:
a request's catalog version and its catalog rows come from the same session.  A lagging
replica serves pages as old as its lag (what any read replica does), never older than it.
"""
from __future__ import annotations

from datetime import UTC, datetime

import zope.sqlalchemy
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from core.registry import settings_of

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The one declarative base of core and every plugin.

    A plugin marks its tables with ``__table_args__ = {"info": {"owner": "<plugin>"}}`` so
    that autogenerate can be scoped to one plugin's branch."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on PostgreSQL and SQLite alike (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTCDateTime column")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 5, echo: bool = False) -> Engine:
    parsed = make_url(url)
    # hide_parameters: a logged database error (500/503/409 logs) never carries the values it
    # was given, which can be password hashes, token digests or personal data.
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30}, hide_parameters=True)
        _sqlite_recipe(engine)
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg")
    # JIT compilation costs milliseconds on every query with a large estimate (a catalog count)
    # and pays off only for long analytical queries: off for this OLTP workload.
    connect_args = {"options": "-c jit=off"}
    return create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,  # a restarted database never poisons the pool
        pool_recycle=3600,
        connect_args=connect_args,
    )


def _sqlite_recipe(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, emit BEGIN (so that it can be BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def engine_from_settings(settings) -> Engine:
    return make_engine(
        settings["agora.database_url"],
        pool_size=settings["agora.db.pool_size"],
        max_overflow=settings["agora.db.max_overflow"],
        echo=settings["agora.db.echo"],
    )


def session_for_transaction(factory, transaction_manager) -> Session:
    """A session joined to ``transaction_manager`` (commit/abort happen there)."""
    dbsession = factory()
    zope.sqlalchemy.register(dbsession, transaction_manager=transaction_manager)
    return dbsession


def commit_veto(request, response) -> bool:
    """pyramid_tm's veto: abort on 4xx/5xx unless the view asked to keep its writes."""
    if getattr(request, "commit_anyway", False):
        return False
    return response.status.startswith(("4", "5"))


_ENGINE = "agora.engine"
_READ_ENGINE = "agora.read_engine"
_SESSION_FACTORY = "agora.dbsession_factory"
_SESSION_INFO = "agora.session_info"


def set_session_info(registry, key: str, value) -> None:
    """Put ``value`` in ``request.db.info[key]`` of every request (start-up constants that domain
    functions, which take only the session, need: ``core.catalog.sellable``)."""
    registry.setdefault(_SESSION_INFO, {})[key] = value


def use_session_factory(registry, factory) -> None:
    """Make the app's sessions come from ``factory`` (tests hand in sessions on their connection)."""
    registry[_SESSION_FACTORY] = factory


def session_factory_of(registry):
    """The app's session factory (a new session per call; ``request.db`` joins it to the request)."""
    return registry[_SESSION_FACTORY]


def engine_of(registry):
    """The app's engine, or None when the sessions were handed in (tests)."""
    return registry.get(_ENGINE)


def read_engine_of(registry):
    """The engine of anonymous catalog reads (the replica's, else the primary's), or None
    (SQLite, or sessions handed in by tests: then reads use ``request.db``)."""
    return registry.get(_READ_ENGINE)


@event.listens_for(Session, "after_flush")
def _mark_flush(session, context):
    session.info["wrote"] = True


@event.listens_for(Session, "do_orm_execute")
def _mark_write(state):
    if not state.is_select:
        state.session.info["wrote"] = True


def is_anonymous_read(request) -> bool:
    return request.method in ("GET", "HEAD") and not request.headers.get("Authorization") and \
        not request.headers.get("X-Cart-Token")


def read_db(request) -> Session:
    """``request.read_db``: the session of catalog reads (see the module docstring)."""
    engine = read_engine_of(request.registry)
    primary = request.__dict__.get("db")
    if engine is None or not is_anonymous_read(request) or (primary is not None and primary.info.get("wrote")):
        return request.db
    session = request.__dict__.get("_agora_read_session")
    if session is None:
        session = Session(bind=engine, expire_on_commit=False)
        session.info.update(request.registry.get(_SESSION_INFO, {}))
        request._agora_read_session = session
        request.add_finished_callback(lambda _request: _end_read(session))
    return session


def _end_read(session: Session) -> None:
    """End a read session with COMMIT (nothing was written): psycopg forgets a connection's
    prepared statements on ROLLBACK, and the connection goes back to the pool the signed-in
    requests share.  A transaction that failed is rolled back."""
    try:
        session.commit()
    except Exception:
        session.rollback()
    finally:
        session.close()


def _read_engine(settings, primary: Engine) -> Engine | None:
    """A REPEATABLE READ, read-only view of the replica (or of the primary) for catalog reads."""
    url = settings["agora.database_read_url"]
    engine = primary if not url else make_engine(
        url, pool_size=settings["agora.db.pool_size"], max_overflow=settings["agora.db.max_overflow"],
        echo=settings["agora.db.echo"])
    if engine.dialect.name != "postgresql":
        return None  # SQLite: one file, and BEGIN IMMEDIATE would make every read a writer
    return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


def includeme(config):
    """Register ``request.db``.  The session factory can be provided by the caller (tests)."""
    settings = config.registry.settings
    factory = config.registry.get(_SESSION_FACTORY)
    if factory is None:
        engine = engine_from_settings(settings_of(config.registry))
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        config.registry[_ENGINE] = engine
        config.registry[_READ_ENGINE] = _read_engine(settings_of(config.registry), engine)
        use_session_factory(config.registry, factory)
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    settings["tm.commit_veto"] = "core.db.commit_veto"
    config.include("pyramid_tm")
    config.include("pyramid_retry")

    def db(request):
        session = session_for_transaction(session_factory_of(request.registry), request.tm)
        session.info.update(request.registry.get(_SESSION_INFO, {}))
        return session

    config.add_request_method(db, "db", reify=True)
    # Not reified: a request that writes after a first read turns to the primary from then on.
    config.add_request_method(read_db, "read_db", property=True)


def dialect_insert(db, model):
    """``insert(model)`` of the dialect behind ``db``, for ``on_conflict_do_update`` /
    ``on_conflict_do_nothing`` (PostgreSQL and SQLite ≥ 3.24 share that API; only the
    ``insert`` construct differs)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = db.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)
