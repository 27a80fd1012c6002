"""Writing outbox rows inside the event's transaction, and publishing them after it commits.

``send_later`` adds the row to the caller's session (``request.db``): it commits or rolls back
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


def _row(config: EmailConfig, kind: str, to: str, context: dict) -> OutboxMessage:
    """A pending mail with its Message-ID (random: chosen before the row has an id)."""
    return OutboxMessage(kind=kind, to_address=to, context=context, status="pending", attempts=0,
                         next_attempt_at=utcnow(), last_error="",
                         message_id=f"<outbox-{secrets.token_hex(16)}@{config.sender_domain}>")


def enqueue(db, config: EmailConfig, kind: str, to: str, context: dict) -> OutboxMessage:
    """Add one pending mail to ``db``'s transaction, flushed (its id is known on return)."""
    row = _row(config, kind, to, context)
    db.add(row)
    db.flush()
    return row


def publish_after_commit(txn, config: EmailConfig, row: OutboxMessage | int) -> None:
    """Publish the outbox row (or row id) once ``txn`` (a ``transaction`` object) has committed."""
    try:
        pending = txn.data(_PENDING_KEY)
    except KeyError:
        pending = []
        txn.set_data(_PENDING_KEY, pending)
        txn.addAfterCommitHook(_publish_if_committed, args=(config, pending))
    pending.append(row)


def _publish_if_committed(committed: bool, config: EmailConfig, rows: list) -> None:
    if committed:  # the commit flushed every row: each has its id now
        publisher.publish(config, [row if isinstance(row, int) else row.id for row in rows])


def send_later(request, kind: str, to: str | None, context: dict) -> OutboxMessage | None:
    """The hooks' one entry point: add the row to ``request.db`` and publish it after ``request.tm``
    commits.  The row is not flushed here: it is written with the transaction's last flush, in
    one INSERT with the other mails of the transaction (an order's confirmation and its
    vendors' mails), and its id is read after the commit."""
    if not to:
        return None
    config = email_settings.config_of(request.registry)
    row = _row(config, kind, to, context)
    request.db.add(row)
    publish_after_commit(request.tm.get(), config, row)
    return row
