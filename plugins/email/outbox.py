"""Writing outbox rows inside the event's transaction, and publishing them after it commits.

``enqueue`` adds the row to the caller's session (``request.db``): it commits or rolls back
with the registration, the order, the approval.  The ids written in one transaction are
published together by a single after-commit hook; nothing is published when the
transaction aborts, and nothing is sent from the web process.
"""
from __future__ import annotations

import secrets

from core.db import utcnow
from plugins.email import config as email_settings
from plugins.email import publisher
from plugins.email.config import EmailConfig
from plugins.email.models import OutboxMessage

_PENDING_KEY = "agora.email.pending"


def enqueue(db, config: EmailConfig, kind: str, to: str, context: dict) -> OutboxMessage:
    """Add one pending mail to ``db``'s transaction and give it its Message-ID."""
    row = OutboxMessage(kind=kind, to_address=to, context=context, status="pending",
                        attempts=0, next_attempt_at=utcnow(), last_error="")
    db.add(row)
    db.flush()
    row.message_id = f"<outbox-{row.id}.{secrets.token_hex(8)}@{config.sender_domain}>"
    db.flush()
    return row


def publish_after_commit(txn, config: EmailConfig, outbox_id: int) -> None:
    """Publish ``outbox_id`` once ``txn`` (a ``transaction`` object) has committed."""
    try:
        pending = txn.data(_PENDING_KEY)
    except KeyError:
        pending = []
        txn.set_data(_PENDING_KEY, pending)
        txn.addAfterCommitHook(_publish_if_committed, args=(config, pending))
    pending.append(outbox_id)


def _publish_if_committed(committed: bool, config: EmailConfig, outbox_ids: list[int]) -> None:
    if committed:
        publisher.publish(config, outbox_ids)


def send_later(request, kind: str, to: str | None, context: dict) -> OutboxMessage | None:
    """The hooks' one entry point: enqueue in ``request.db``, publish after ``request.tm`` commits."""
    if not to:
        return None
    config = email_settings.config_of(request.registry)
    row = enqueue(request.db, config, kind, to, context)
    publish_after_commit(request.tm.get(), config, row.id)
    return row
