"""The audit log (core): who changed what, when, from where — append-only.

Every write by a manager, admin or vendor and every account security event adds one row in
the transaction of the write, through the one helper of :mod:`core.audit.recorder`:

    from core import audit
    audit.record_request(request, "vendor.approved", ("vendor", vendor.id), {"status": {...}})

Domain code is handed an :class:`AuditContext` (``audit.AuditContext.of(request)``) and calls
``context.record(session, action, target, changes)``; code without a request (the CLI, the
worker) calls :func:`record` with ``actor=None``.  Plugins use the same helper (core is theirs
to import).  Rows are never updated or deleted: there is no code path for it, and triggers in
the migration refuse it on PostgreSQL and SQLite.
"""
from core.audit.recorder import REDACTED, Actor, AuditContext, diff, record, record_request, scrub, snapshot

__all__ = ["REDACTED", "Actor", "AuditContext", "diff", "record", "record_request", "scrub", "snapshot"]


def includeme(config):
    from core.audit.views import SERVICES

    for service in SERVICES:
        config.add_cornice_service(service)
