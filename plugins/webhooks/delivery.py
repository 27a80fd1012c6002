"""The worker side: claim a due delivery, attempt it, record the outcome.

Each delivery thread of ``agora CONFIG worker`` loops over :func:`deliver_one`:

1. **Claim** (a short transaction of its own): the oldest due ``pending`` delivery whose
   endpoint is active and that nobody holds — ``SELECT … FOR UPDATE SKIP LOCKED`` on
   PostgreSQL, so concurrent workers (threads or processes) never take the same row; on
   SQLite the engine's ``BEGIN IMMEDIATE`` serializes the claims.  The claim counts the
   attempt, writes its row in the delivery log, and leases the delivery for ``timeout +
   lease_margin`` seconds (``locked_until``, with a fresh ``lease_token``).  The endpoint's URL
   and *current* secret and the event are read in the same transaction, so an attempt claimed
   after a rotation signs with the new secret only.
2. **Attempt**, outside any transaction: the SSRF guard again (the host is resolved and
   checked now; the socket connects to the checked address), then one POST with the Standard
   Webhooks headers — ``webhook-id`` (the delivery's, the same on every attempt),
   ``webhook-timestamp`` and ``webhook-signature`` made by ``standardwebhooks``.
3. **Record** (a second short transaction): the attempt's row always; the delivery only if the
   lease is still ours (same ``lease_token``): ``delivered``, or the next attempt per
   ``retry_schedule``, or ``failed`` once the schedule is used up.

A worker killed between 1 and 3 leaves the delivery leased; when the lease runs out another
worker claims it, marks the cut attempt ``interrupted`` in the log and tries again — the
receiver may then see one ``webhook-id`` twice (at-least-once), never two attempts at once,
and never again once an attempt was recorded delivered.  An interrupted attempt counts
against the schedule like a failed one.

Wake-up is by polling: an idle thread looks for due deliveries every ``poll_interval``
seconds (1 s by default); that bounds the delay after a commit and costs one indexed query
per thread and interval.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from standardwebhooks import Webhook

from core.db import utcnow
from plugins.webhooks import targets, transport
from plugins.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from plugins.webhooks.settings import DeliveryConfig

log = logging.getLogger("agora.webhooks")
WORKER = f"{socket.gethostname()}:{os.getpid()}"
INTERRUPTED = "interrupted: the worker stopped before recording an answer; the lease ran out"


@dataclass(frozen=True)
class Claim:
    """Everything one attempt needs, read in the claiming transaction."""

    delivery_id: int
    attempt_id: int
    attempt: int
    lease_token: str
    message_id: str
    url: str
    secret: str
    body: str


def body_of(event: WebhookEvent) -> str:
    """The request body: ``{id, type, created_at, data}`` as compact JSON (what is signed)."""
    return json.dumps({"id": event.id, "type": event.type, "created_at": event.created_at.isoformat(),
                       "data": event.data}, separators=(",", ":"), ensure_ascii=False, default=str)


def signed_headers(claim: Claim, when: datetime) -> dict[str, str]:
    return {
        "webhook-id": claim.message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(claim.secret).sign(claim.message_id, when, claim.body),
    }


def _due(now: datetime):
    return (select(WebhookDelivery)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
                   or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until <= now),
                   WebhookEndpoint.is_active.is_(True))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(1)
            .with_for_update(skip_locked=True, of=WebhookDelivery))


def _settle_failed_attempt(delivery: WebhookDelivery, config: DeliveryConfig, now: datetime,
                           status_code: int | None, error: str) -> None:
    """After a failed (or interrupted) attempt: the next one per the schedule, or ``failed``."""
    used = delivery.attempts - delivery.retry_from
    delivery.last_status_code = status_code
    delivery.last_error = error[:2000]
    delivery.locked_until = None
    delivery.lease_token = None
    if used > len(config.retry_schedule):
        delivery.status = "failed"
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + timedelta(seconds=config.retry_schedule[used - 1])


def claim(db, config: DeliveryConfig) -> Claim | None:
    """Claim one due delivery in ``db``'s open transaction (the caller commits); None when none is due."""
    while True:
        now = utcnow()
        delivery = db.execute(_due(now)).scalar_one_or_none()
        if delivery is None:
            return None
        cut = db.execute(select(WebhookAttempt).where(
            WebhookAttempt.delivery_id == delivery.id, WebhookAttempt.finished_at.is_(None))).scalars().all()
        for attempt in cut:  # its worker died (or lost its lease): say so in the log
            attempt.finished_at, attempt.error = now, INTERRUPTED
        if cut and delivery.lease_token is not None:
            _settle_failed_attempt(delivery, config, now, None, INTERRUPTED)
            log.warning("webhooks: delivery %s attempt %s was interrupted", delivery.id, delivery.attempts)
            if delivery.status == "failed":
                continue
            if delivery.next_attempt_at > now:  # a retry delay follows the interrupted attempt
                continue
        endpoint = db.get(WebhookEndpoint, delivery.endpoint_id)
        event = db.get(WebhookEvent, delivery.event_id)
        delivery.attempts += 1
        delivery.locked_until = now + timedelta(seconds=config.lease)
        delivery.lease_token = secrets.token_hex(16)
        attempt = WebhookAttempt(delivery_id=delivery.id, number=delivery.attempts, worker=WORKER, started_at=now,
                                 lease_until=delivery.locked_until)
        db.add(attempt)
        db.flush()
        return Claim(delivery_id=delivery.id, attempt_id=attempt.id, attempt=delivery.attempts,
                     lease_token=delivery.lease_token, message_id=delivery.message_id, url=endpoint.url,
                     secret=endpoint.secret, body=body_of(event))


def attempt(claim_: Claim, config: DeliveryConfig) -> transport.Outcome:
    """The SSRF guard at delivery time, then the signed POST."""
    try:
        target = targets.check(claim_.url, require_https=config.require_https,
                               allow_private=config.allow_private_targets)
    except targets.TargetRefused as exc:
        return transport.Outcome(None, f"refused: {exc}")
    return transport.post(target, signed_headers(claim_, utcnow()), claim_.body.encode(), config.timeout)


def record(db, claim_: Claim, outcome: transport.Outcome, config: DeliveryConfig) -> str:
    """Write the outcome in ``db``'s open transaction; returns the delivery's status, or
    ``"lost-lease"`` when another worker took the delivery over meanwhile."""
    now = utcnow()
    db.execute(update(WebhookAttempt).where(WebhookAttempt.id == claim_.attempt_id).values(
        finished_at=now, status_code=outcome.status_code, error=outcome.error[:2000]))
    delivery = db.execute(select(WebhookDelivery).where(
        and_(WebhookDelivery.id == claim_.delivery_id, WebhookDelivery.lease_token == claim_.lease_token))
        .with_for_update()).scalar_one_or_none()
    if delivery is None:
        log.warning("webhooks: delivery %s attempt %s finished after its lease ran out; kept in the log only",
                    claim_.delivery_id, claim_.attempt)
        return "lost-lease"
    if outcome.ok:
        delivery.status, delivery.delivered_at = "delivered", now
        delivery.next_attempt_at = delivery.locked_until = delivery.lease_token = None
        delivery.last_status_code, delivery.last_error = outcome.status_code, ""
    else:
        _settle_failed_attempt(delivery, config, now, outcome.status_code, outcome.error)
    return delivery.status


def deliver_one(session_factory, config: DeliveryConfig) -> str | None:
    """Claim, attempt and record one delivery; None when nothing was due."""
    with session_factory() as db, db.begin():
        claimed = claim(db, config)
    if claimed is None:
        return None
    outcome = attempt(claimed, config)
    with session_factory() as db, db.begin():
        status = record(db, claimed, outcome, config)
    level = logging.INFO if outcome.ok else logging.WARNING
    log.log(level, "webhooks: delivery %s attempt %s → %s (%s)", claimed.delivery_id, claimed.attempt, status,
            outcome.error or outcome.status_code)
    return status


def deliver_due(session_factory, config: DeliveryConfig, limit: int = 1000) -> list[str]:
    """Deliver until nothing is due (at most ``limit`` attempts); the statuses, in order (tests, CLI)."""
    done = []
    while len(done) < limit:
        status = deliver_one(session_factory, config)
        if status is None:
            break
        done.append(status)
    return done


def run(session_factory, config: DeliveryConfig, stop) -> None:
    """A delivery thread: attempt due deliveries until ``stop`` is set; poll when idle."""
    while not stop.is_set():
        try:
            busy = deliver_one(session_factory, config) is not None
        except Exception:  # the database may be briefly away: log, wait, try again
            log.exception("webhooks: delivery round failed")
            busy = False
        if not busy:
            stop.wait(config.poll_interval)
