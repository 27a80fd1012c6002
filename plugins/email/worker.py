"""The worker side: send one outbox row, consume the queue, relay what was never published.

``agora CONFIG worker`` runs :func:`consume` and :func:`relay` in threads (through the
``agora_worker_tasks`` hook) until SIGTERM sets their ``stop`` event; the message being sent
is finished first.  Delivery is at-least-once from the broker and deduplicated by the row:
the row is locked while it is sent and a row that is no longer pending is skipped.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import or_, select

from core.db import utcnow
from plugins.email import publisher
from plugins.email.backends import MailBackend, PermanentFailure, TemporaryFailure
from plugins.email.config import EmailConfig
from plugins.email.models import OutboxMessage
from plugins.email.render import Renderer

log = logging.getLogger("agora.email")


class Mailer:
    """What sending needs: the settings, the templates and the mail backend."""

    def __init__(self, config: EmailConfig, backend: MailBackend):
        self.config = config
        self.renderer = Renderer(config)
        self.backend = backend


def process_one(session_factory, mailer: Mailer, outbox_id: int) -> str:
    """Send outbox row ``outbox_id`` if it is pending and due; return what happened.

    Outcomes: ``sent``, ``retry`` (temporary failure, due again later), ``failed`` (permanent
    failure or out of attempts), ``skipped`` (already settled, not due, or unknown)."""
    with session_factory() as db, db.begin():
        row = db.execute(select(OutboxMessage).where(OutboxMessage.id == outbox_id).with_for_update()
                         ).scalar_one_or_none()
        if row is None or row.status != "pending" or row.next_attempt_at > utcnow():
            return "skipped"
        try:
            message = mailer.renderer.message(row)
        except Exception as exc:  # a broken template or context will not fix itself
            row.settle("failed", f"cannot render {row.kind}: {type(exc).__name__}: {exc}")
            log.error("email: outbox %s failed to render: %s", row.id, exc)
            return "failed"
        try:
            mailer.backend.send(message)
        except PermanentFailure as exc:
            row.attempts += 1
            row.settle("failed", str(exc))
            log.error("email: outbox %s to %s failed permanently: %s", row.id, row.to_address, exc)
            return "failed"
        except TemporaryFailure as exc:
            return _retry_later(row, mailer.config, str(exc))
        row.attempts += 1
        row.settle("sent")
        log.info("email: outbox %s (%s) sent to %s", row.id, row.kind, row.to_address)
        return "sent"


def _retry_later(row: OutboxMessage, config: EmailConfig, error: str) -> str:
    row.attempts += 1
    if row.attempts >= config.max_attempts:
        row.settle("failed", f"gave up after {row.attempts} attempts: {error}")
        log.error("email: outbox %s gave up after %s attempts: %s", row.id, row.attempts, error)
        return "failed"
    row.last_error = error[:2000]
    row.next_attempt_at = utcnow() + timedelta(seconds=config.backoff(row.attempts))
    row.published_at = None  # the relay publishes it again once it is due
    log.warning("email: outbox %s temporary failure (attempt %s): %s", row.id, row.attempts, error)
    return "retry"


def due_for_relay(db, config: EmailConfig, limit: int = 100) -> list[OutboxMessage]:
    """Pending rows that are due and were not published (by the relay) in the last delay.

    A fresh row gets ``relay_delay`` seconds for its after-commit publish to be consumed."""
    now = utcnow()
    quiet = now - timedelta(seconds=config.relay_delay)
    return list(db.execute(
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
               OutboxMessage.created_at <= quiet,
               or_(OutboxMessage.published_at.is_(None), OutboxMessage.published_at <= quiet))
        .order_by(OutboxMessage.id).limit(limit)
        .with_for_update(skip_locked=True)  # two relays never publish the same rows at once
    ).scalars())


def relay_once(session_factory, config: EmailConfig) -> int:
    """Publish the rows :func:`due_for_relay` finds; returns how many were published."""
    with session_factory() as db, db.begin():
        rows = due_for_relay(db, config)
        if not rows or not publisher.publish(config, [row.id for row in rows]):
            return 0
        now = utcnow()
        for row in rows:
            row.published_at = now
        return len(rows)


def relay(session_factory, config: EmailConfig, stop) -> None:
    """Loop: re-publish forgotten or retry-due rows every ``relay_interval`` seconds."""
    while not stop.is_set():
        try:
            count = relay_once(session_factory, config)
            if count:
                log.info("email: relay re-published %s outbox rows", count)
        except Exception:  # the database may be briefly away: log and try again next round
            log.exception("email: relay round failed")
        stop.wait(config.relay_interval)


def consume(session_factory, mailer: Mailer, stop) -> None:
    """Loop: consume the queue and send each row; reconnect with backoff when the broker drops."""
    config = mailer.config
    queue = publisher.queue_for(config)

    def on_message(body, message):
        try:
            process_one(session_factory, mailer, int(body["outbox_id"]))
        except Exception:  # the row stays pending; the relay publishes it again
            log.exception("email: processing %r failed", body)
        message.ack()

    wait = 1.0
    while not stop.is_set():
        try:
            with publisher.connect(config) as connection:
                publisher.ensure(connection, config)
                with connection.Consumer([queue], callbacks=[on_message], accept=["json"], prefetch_count=1):
                    wait = 1.0
                    while not stop.is_set():
                        try:
                            connection.drain_events(timeout=1)
                        except TimeoutError:
                            pass
        except Exception as exc:  # broker down or connection lost
            log.warning("email: broker connection problem (%s: %s); retrying in %.0fs", type(exc).__name__, exc, wait)
            stop.wait(wait)
            wait = min(wait * 2, 30)
