"""Managing endpoints: subscribe, change, remove, rotate the secret, ping, redeliver.

Functions take the session and plain values and raise :class:`core.errors.AgoraError` for
what a client can act on (400 on ``url``/``events``, 404, 409).  The URL is checked by
:mod:`plugins.webhooks.targets` whenever it is set.
"""
from __future__ import annotations

import base64
import secrets

from sqlalchemy import select

from core.db import utcnow
from core.errors import AgoraError, not_found
from plugins.webhooks import events, targets
from plugins.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from plugins.webhooks.settings import DeliveryConfig


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def checked_url(url: str, config: DeliveryConfig) -> str:
    try:
        targets.check(url, require_https=config.require_https, allow_private=config.allow_private_targets)
    except targets.TargetRefused as exc:
        raise AgoraError(400, str(exc), name="url") from None
    return url


def checked_events(names: list[str]) -> list[str]:
    """Unique, known event types in the order given, or ``["*"]`` alone."""
    unique = list(dict.fromkeys(names))
    if not unique:
        raise AgoraError(400, 'Name at least one event, or ["*"] for all.', name="events")
    if "*" in unique:
        if len(unique) > 1:
            raise AgoraError(400, '"*" (every event) stands alone.', name="events")
        return unique
    unknown = [n for n in unique if n not in events.SUBSCRIBABLE]
    if unknown:
        raise AgoraError(400, f"Unknown event type {unknown[0]!r}; known: {', '.join(events.SUBSCRIBABLE)}.",
                         name="events")
    return unique


def create(db, config: DeliveryConfig, *, url: str, event_types: list[str], description: str,
           is_active: bool, created_by: int | None) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(url=checked_url(url, config), events=checked_events(event_types),
                               description=description, is_active=is_active, secret=new_secret(),
                               created_by=created_by)
    db.add(endpoint)
    db.flush()
    return endpoint


def get(db, endpoint_id: int, *, lock: bool = False) -> WebhookEndpoint:
    endpoint = db.get(WebhookEndpoint, endpoint_id, with_for_update=lock or None)
    if endpoint is None:
        raise not_found("No such webhook endpoint.", name="id")
    return endpoint


def update(db, config: DeliveryConfig, endpoint: WebhookEndpoint, changes: dict) -> WebhookEndpoint:
    """Apply what ``changes`` names (``url``, ``events``, ``description``, ``is_active``)."""
    if "url" in changes:
        endpoint.url = checked_url(changes["url"], config)
    if "events" in changes:
        endpoint.events = checked_events(changes["events"])
    if "description" in changes:
        endpoint.description = changes["description"]
    if "is_active" in changes:
        endpoint.is_active = changes["is_active"]
    endpoint.updated_at = utcnow()
    db.flush()
    return endpoint


def remove(db, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its deliveries and their log (an attempt in flight finds nothing
    to record and is dropped)."""
    db.delete(endpoint)
    db.flush()


def rotate_secret(db, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; every attempt claimed after this commits signs with it, and only with it."""
    endpoint.secret = new_secret()
    endpoint.updated_at = utcnow()
    db.flush()
    return endpoint


def ping(db, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A ``ping`` event for this endpoint alone; an inactive endpoint is sent nothing (409)."""
    if not endpoint.is_active:
        raise AgoraError(409, "The endpoint is inactive; activate it (PATCH is_active) to ping it.",
                         name="is_active")
    event = events.record(db, events.PING, events.ping_data(endpoint), [endpoint])
    return db.execute(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)).scalar_one()


def get_delivery(db, delivery_id: int, *, lock: bool = False) -> WebhookDelivery:
    delivery = db.get(WebhookDelivery, delivery_id, with_for_update=lock or None)
    if delivery is None:
        raise not_found("No such delivery.", name="id")
    return delivery


def redeliver(db, delivery: WebhookDelivery) -> WebhookDelivery:
    """Make the delivery due now with a fresh retry schedule, whatever its status (a receiver may
    have lost what it was sent).  Its ``webhook-id`` stays.  An attempt in flight → 409."""
    now = utcnow()
    if delivery.locked_until is not None and delivery.locked_until > now:
        raise AgoraError(409, "An attempt of this delivery is in progress; try again when it has finished.",
                         name="id", location="path")
    delivery.status = "pending"
    delivery.next_attempt_at = now
    delivery.retry_from = delivery.attempts
    db.flush()
    return delivery


def event_types_of(db, deliveries: list[WebhookDelivery]) -> dict[int, str]:
    """``event_id → type`` for a page of deliveries, in one statement."""
    ids = sorted({d.event_id for d in deliveries})
    if not ids:
        return {}
    return dict(db.execute(select(WebhookEvent.id, WebhookEvent.type).where(WebhookEvent.id.in_(ids))).all())
