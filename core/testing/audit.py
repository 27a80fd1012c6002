"""Checking the audit log in tests: :func:`audited` finds the one row of an action and checks it.

    response = testapp.post(..., headers={**headers, **AS_CLIENT["headers"]},
                            extra_environ=AS_CLIENT["environ"])
    audited(db, "vendor.approved", actor=manager, target=("vendor", vendor.id),
            changes={"status": {"old": "pending", "new": "approved"}})

``AS_CLIENT`` gives a request a known ``X-Request-ID`` and client address, which :func:`audited`
expects unless told otherwise (``request_id=None, ip=None`` for rows written outside a request).
"""
from __future__ import annotations

from sqlalchemy import select

REQUEST_ID = "audit-test-request-0001"
CLIENT_IP = "203.0.113.7"
AS_CLIENT = {"headers": {"X-Request-ID": REQUEST_ID}, "environ": {"REMOTE_ADDR": CLIENT_IP}}
_ANY = object()


def audit_trail(db, action: str | None = None) -> list:
    """The audit rows (of ``action``), oldest first."""
    from core.audit.models import AuditEntry

    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    db.expire_all()
    return list(db.execute(query).scalars())


def audited(db, action: str, *, actor, target, changes=_ANY, request_id=REQUEST_ID, ip=CLIENT_IP):
    """The one row of ``action`` on ``target`` (``(type, id)``), asserted field by field; ``actor`` a user or None; ``changes``
    a dict the row's changes must contain (key by key), omitted to skip the check."""
    target_id = None if target[1] is None else str(target[1])
    rows = [r for r in audit_trail(db, action) if (r.target_type, r.target_id) == (target[0], target_id)]
    assert len(rows) == 1, f"{len(rows)} audit rows of {action} on {target}: {audit_trail(db, action)}"
    row = rows[0]
    expected_actor = None if actor is None else (actor.id, actor.email, actor.role)
    got_actor = None if row.actor_id is None and row.actor_email is None else (row.actor_id, row.actor_email,
                                                                                row.actor_role)
    assert got_actor == expected_actor, (got_actor, expected_actor)
    assert (row.request_id, row.ip) == (request_id, ip)
    if changes is not _ANY:
        for key, value in changes.items():
            assert row.changes.get(key) == value, (key, row.changes)
    return row
