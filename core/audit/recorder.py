"""The one way to write the audit log: :func:`record`, and the request-level conveniences.

A row is added to the caller's session, so it commits or rolls back with the write it records
(one request, one transaction).  Views call :func:`record_request` after the domain call,
one line; domain code that records itself is handed an :class:`AuditContext` value (built by
the view with :meth:`AuditContext.of`) and calls ``context.record(session, ...)`` — it never
sees the request.  Nothing here updates or deletes a row (the table refuses it anyway).

``changes`` holds the changed fields, ``{"field": {"old": …, "new": …}}`` where the old value
is cheap to know (:func:`snapshot` before, :func:`diff` after) or ``{"field": value}``.  Every
key that names a credential (password, secret, token, hash, …) and every value that looks like
one (``whsec_…``, a JWT, an ``sk_…`` API key) is replaced by ``"[redacted]"`` before it is written, so
no caller can leak one by accident.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

from core.audit.models import AuditEntry

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(r"password|passwd|secret|token|hash|api_?key|authori[sz]ation|cookie|jti|otp|"
                         r"private|credential|^refresh$|^access$", re.I)
_SECRET_VALUE = re.compile(r"^(whsec_|sk_|rk_|pk_live|eyJ[\w-]+\.[\w-]+\.)|\$argon2|\$2[aby]\$|pbkdf2")
_URL_CREDENTIALS = re.compile(r"(://)[^/@\s]+@")  # https://user:password@host/
_NOT_CHANGES = {"created_at", "updated_at"}  # bookkeeping columns: noise in a diff
_CURRENT = object()  # "the request's user"


@dataclass(frozen=True)
class Actor:
    """Who acted, as they were at that moment (the log keeps this snapshot)."""

    id: int | None
    email: str | None
    role: str | None

    @classmethod
    def of(cls, user) -> Actor | None:
        """An :class:`Actor` from a ``User`` (or anything with ``id``/``email``/``role``), None for None."""
        if user is None or isinstance(user, Actor):
            return user
        return cls(getattr(user, "id", None), getattr(user, "email", None), getattr(user, "role", None))


@dataclass(frozen=True)
class AuditContext:
    """Who is acting, and from which request: the plain value domain code is handed."""

    actor: Actor | None = None
    request_id: str | None = None
    ip: str | None = None

    @classmethod
    def of(cls, request, actor=_CURRENT) -> AuditContext:
        """The context of ``request``: its user (or ``actor``: a user, or None for nobody signed
        in), its ``X-Request-ID`` and its client address (``request.client_ip``)."""
        user = request.user if actor is _CURRENT else actor
        return cls(Actor.of(user), getattr(request, "request_id", None), request.client_ip)

    def by(self, actor) -> AuditContext:
        """The same request, another actor (a user, or None)."""
        return replace(self, actor=Actor.of(actor))

    def record(self, session, action: str, target: tuple[str, Any] | None = None,
               changes: dict | None = None) -> AuditEntry:
        """Record ``action`` on ``target`` in ``session`` with this context (see :func:`record`)."""
        return record(session, actor=self.actor, action=action, target=target, changes=changes,
                      request_id=self.request_id, ip=self.ip)


def record(session, *, actor, action: str, target: tuple[str, Any] | None = None, changes: dict | None = None,
           request_id: str | None = None, ip: str | None = None) -> AuditEntry:
    """Add one audit row to ``session`` (committed with the caller's transaction).

    ``actor`` is a user, an :class:`Actor` or None (nobody signed in: a failed login, a
    replayed refresh token, the CLI); ``action`` a dotted name from docs/api.md › Audit log
    (``vendor.approved``); ``target`` ``(type, id)`` or None; ``changes`` a JSON-able dict,
    scrubbed of secrets here."""
    who = Actor.of(actor)
    target_type, target_id = target if target is not None else (None, None)
    entry = AuditEntry(
        actor_id=who.id if who else None, actor_email=who.email if who else None,
        actor_role=who.role if who else None, action=action, target_type=target_type,
        target_id=None if target_id is None else str(target_id), changes=scrub(changes or {}),
        request_id=request_id, ip=ip,
    )
    session.add(entry)
    return entry


def record_request(request, action: str, target: tuple[str, Any] | None = None, changes: dict | None = None,
                   *, actor=_CURRENT) -> AuditEntry:
    """What a view calls, one line after its domain call: :func:`record` with the request's
    session, user (or ``actor``), request id and client address."""
    return AuditContext.of(request, actor).record(request.db, action, target, changes)


def snapshot(obj, *fields: str) -> dict:
    """The current values of ``fields`` of a model (all its columns but the timestamps when none
    are named): take one before a write and :func:`diff` it with one taken after."""
    names = fields or [c.key for c in inspect(obj).mapper.column_attrs if c.key not in _NOT_CHANGES]
    return {name: _plain(getattr(obj, name)) for name in names}


def diff(before: dict, after: dict) -> dict:
    """``{field: {"old": …, "new": …}}`` for the fields whose values differ."""
    return {key: {"old": before.get(key), "new": value} for key, value in after.items() if before.get(key) != value}


def scrub(value, key: str = ""):
    """``value`` as JSON, with credential-named keys and credential-looking strings redacted."""
    if key and _SECRET_KEY.search(key):
        return REDACTED
    if isinstance(value, dict):
        return {str(k): scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return REDACTED if _SECRET_VALUE.search(value) else _URL_CREDENTIALS.sub(r"\1" + REDACTED + "@", value)
    return _plain(value)


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
