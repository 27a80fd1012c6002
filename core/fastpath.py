"""Fast answers: anonymous ``GET``s that a feature answers from what it already holds, before
the rest of the stack.

A storefront's busiest requests are anonymous reads answered from per-worker caches (the
catalog's, :mod:`core.catalog.version`) or from one cheap check (health).  For those, the
transaction manager, the security policy, routing, Cornice's validation and rendering only
re-derive what is already known.  A feature declares such an answer with the configurator
directive ``config.add_fast_answer(pattern, route, factory)``:

- ``pattern``: a regular expression the whole request path must match;
- ``route``: the route pattern the access log line names (``/api/products/{slug}/``);
- ``factory(registry)``: called once per worker when the app is made; returns
  ``answer(request, match) -> Response | None``, or None to stay off (e.g. on SQLite).

The tween, just under the request tween (request id, security headers and the log line still
apply to every answer) and over the transaction manager, asks the answer of the first
matching pattern; None, or an exception (logged), sends the request down the full stack,
which answers as usual.  Only ``GET``s without ``Authorization`` and ``X-Cart-Token`` are
asked (:func:`core.db.is_anonymous_read`).  An answer must be what the full stack would
answer; its tests compare the two.

:class:`Reader` is the database access of fast answers: one autocommit connection per worker
thread, outside the engine's pool, so one statement is one round trip (no pool ping, no
``BEGIN``/``ROLLBACK``) and its own snapshot.
"""
from __future__ import annotations

import logging
import re
import threading

from core.db import is_anonymous_read

log = logging.getLogger(__name__)

_ANSWERS = "agora.fast_answers"
_READERS = "agora.fast_readers"


class Reader:
    """One autocommit DBAPI connection per worker thread to ``engine``'s database."""

    def __init__(self, engine):
        self.engine = engine
        self.local = threading.local()
        self.statements = 0  # run so far, by every thread (statement counts of tests and make bench)

    def rows(self, sql: str, params=None) -> list[tuple]:
        """The rows of one statement; a connection that broke since its last use (the database
        restarted) is replaced once, a failure on a new one is raised."""
        self.statements += 1
        connection = getattr(self.local, "connection", None)
        if connection is not None:
            try:
                return self._run(connection, sql, params)
            except Exception:
                self.drop()
        try:
            connection = self.local.connection = self._connect()
            return self._run(connection, sql, params)
        except Exception:
            self.drop()
            raise

    @staticmethod
    def _run(connection, sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _connect(self):
        # A pooled connection detached from the pool: the engine's connect arguments, no slot held.
        fairy = self.engine.raw_connection()
        fairy.detach()
        dbapi = fairy.dbapi_connection
        dbapi.autocommit = True  # each statement its own snapshot; no BEGIN/ROLLBACK round trips
        return dbapi

    def drop(self) -> None:
        connection = getattr(self.local, "connection", None)
        self.local.connection = None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken
                pass


def reader(registry, engine) -> Reader:
    """The :class:`Reader` of ``engine``'s database (one per connection pool: without a replica
    the catalog and health share one), counted in :func:`fast_statements`."""
    readers = registry.setdefault(_READERS, {})
    if engine.pool not in readers:
        readers[engine.pool] = Reader(engine)
    return readers[engine.pool]


def fast_statements(registry) -> int:
    """The statements every fast answer of this app has run so far."""
    return sum(each.statements for each in registry.get(_READERS, {}).values())


def add_fast_answer(config, pattern: str, route: str, factory) -> None:
    config.registry.setdefault(_ANSWERS, []).append((re.compile(pattern), route, factory))


def fast_answer_tween_factory(handler, registry):
    answers = [(pattern, route, answer) for pattern, route, factory in registry.get(_ANSWERS, ())
               if (answer := factory(registry)) is not None]
    if not answers:
        return handler

    def tween(request):
        if request.method != "GET" or not is_anonymous_read(request):
            return handler(request)
        found = _find(answers, request.path)
        if found is None:
            return handler(request)
        route, answer, match = found
        try:
            response = answer(request, match)
        except Exception as exc:  # the database is away: the full stack answers (and reports it)
            log.warning("fast answer of %s unavailable: %s", route, type(exc).__name__)
            return handler(request)
        if response is None:
            return handler(request)
        request.log_route = route
        return response

    return tween


def _find(answers, path: str):
    for pattern, route, answer in answers:
        match = pattern.match(path)
        if match is not None:
            return route, answer, match
    return None


def includeme(config):
    config.add_directive("add_fast_answer", add_fast_answer)
    config.add_tween("core.fastpath.fast_answer_tween_factory", under="core.tweens.request_tween_factory",
                     over="pyramid_tm.tm_tween_factory")
