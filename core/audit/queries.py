"""Reading the audit log: newest first, narrowed by action and actor."""
from __future__ import annotations

from sqlalchemy import func, select

from core.audit.models import AuditEntry


def _where(action: str | None, actor: str | None) -> list:
    where = []
    if action:
        where.append(AuditEntry.action.startswith(action, autoescape=True) if action.endswith(".")
                     else AuditEntry.action == action)
    if actor:
        actor = actor.strip()
        where.append(AuditEntry.actor_id == int(actor) if actor.isdigit() and int(actor) < 2**31
                     else func.lower(AuditEntry.actor_email) == actor.lower())
    return where


def count_entries(db, action: str | None = None, actor: str | None = None) -> int:
    return db.scalar(select(func.count(AuditEntry.id)).where(*_where(action, actor)))


def page_of_entries(db, action: str | None, actor: str | None, offset: int, limit: int) -> list[AuditEntry]:
    return list(db.execute(select(AuditEntry).where(*_where(action, actor))
                           .order_by(AuditEntry.id.desc()).offset(offset).limit(limit)).scalars())
