"""Operations services: health and the enabled-plugins listing."""
from __future__ import annotations

from cornice import Service
from marshmallow import Schema, fields
from sqlalchemy import text

from core.db import engine_of, session_factory_of
from core.fastpath import reader
from core.jsonutil import dumps, json_response
from core.openapi import responds
from core.plugins import describe
from core.registry import hooks_of, plugin_manager_of, plugins_of, settings_of

health_svc = Service("health", "/api/health/", description="Liveness and dependencies")
plugins_svc = Service("plugins", "/api/plugins/", description="Enabled plugins and the hooks they implement")


class HealthOut(Schema):
    status = fields.String()
    database = fields.String()
    broker = fields.String()
    plugins = fields.List(fields.String())


class PluginOut(Schema):
    name = fields.String()
    version = fields.String()
    distribution = fields.String()
    hooks = fields.List(fields.String())
    requires = fields.List(fields.String())


@health_svc.get()
@responds(200, HealthOut)
@responds(503, HealthOut, description="The database is unreachable")
def health(request):
    """Whether Agora, its database and its broker answer.

    Cheap enough to be polled by every load balancer: the database check is one ``SELECT 1``
    in autocommit (no session, no transaction), and plugins report cached states (a plugin
    checks its broker at most every few seconds, say).  On PostgreSQL the answer is a fast
    answer (:mod:`core.fastpath`, :func:`fast_health`): one round trip on the worker's own
    connection, before the rest of the stack."""
    status, answer = health_answer(request, database_status(request.registry))
    request.response.status = status
    return answer


def health_answer(request, database: str) -> tuple[int, dict]:
    """The health status code and body, given the database's state."""
    answer = {"status": "ok", "database": database, "broker": "not configured",
              "plugins": [p.name for p in plugins_of(request.registry)]}
    for extra in hooks_of(request.registry).agora_health(request=request):
        answer.update(extra or {})
    if database != "ok":
        answer["status"] = "unavailable"
        return 503, answer
    return 200, answer


def fast_health(registry):
    """The health check as a fast answer: ``SELECT 1`` on the primary through a :class:`Reader`."""
    engine = engine_of(registry)
    if engine is None or engine.dialect.name != "postgresql":
        return None
    db = reader(registry, engine)

    def answer(request, _match):
        status, body = health_answer(request, _state_of(lambda: db.rows("SELECT 1")))
        return json_response(dumps(body), status)

    return answer


def database_status(registry) -> str:
    """``"ok"`` or ``"unavailable: <reason>"``, from one ``SELECT 1``."""
    engine = engine_of(registry)

    def check():
        if engine is None:  # sessions handed in (tests)
            session = session_factory_of(registry)()
            try:
                session.execute(text("SELECT 1"))
            finally:
                session.close()
        else:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("SELECT 1")

    return _state_of(check)


def _state_of(check) -> str:
    """``"ok"`` when ``check()`` returns, else ``"unavailable: <exception type>"``."""
    try:
        check()
        return "ok"
    except Exception as exc:  # any failure to reach the database is "unavailable"
        return f"unavailable: {type(exc).__name__}"


@plugins_svc.get(permission="admin")
@responds(200, PluginOut, many=True)
def plugins(request):
    return describe(plugin_manager_of(request.registry), plugins_of(request.registry))


reference_svc = Service("bench_reference", "/api/_bench/reference/", description="Benchmark floor")
reference_svc.undocumented = True


@reference_svc.get()
def reference(request):
    """A constant body of the configured size: what the stack costs with no work behind it."""
    return request.registry["agora.bench.reference_body"]


def includeme(config):
    config.add_fast_answer(r"^/api/health/$", "/api/health/", fast_health)
    config.add_cornice_service(health_svc)
    config.add_cornice_service(plugins_svc)
    size = settings_of(config.registry)["agora.bench.reference_bytes"]
    if size > 0:
        config.registry["agora.bench.reference_body"] = {"count": 0, "next": None, "previous": None,
                                                         "results": [], "padding": "x" * size}
        config.add_cornice_service(reference_svc)
