"""Audit rows as JSON (``AuditEntryOut``)."""
from __future__ import annotations

from core.audit.models import AuditEntry


def entry_json(entry: AuditEntry) -> dict:
    actor = None
    if entry.actor_id is not None or entry.actor_email is not None:
        actor = {"id": entry.actor_id, "email": entry.actor_email, "role": entry.actor_role}
    return {
        "id": entry.id, "at": entry.at.isoformat(), "actor": actor, "action": entry.action,
        "target": {"type": entry.target_type, "id": entry.target_id}, "changes": entry.changes or {},
        "request_id": entry.request_id, "ip": entry.ip,
    }
