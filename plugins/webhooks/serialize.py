"""Endpoints and deliveries as JSON (docs/api.md › Outbound webhooks); pages batch-load their relations."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from plugins.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent


def _time(value):
    return value.isoformat() if value is not None else None


def endpoint_json(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict:
    """The endpoint; ``with_secret`` only in the answers of creation and rotation."""
    out = {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": list(endpoint.events or []),
        "description": endpoint.description,
        "is_active": endpoint.is_active,
        "created_at": _time(endpoint.created_at),
        "updated_at": _time(endpoint.updated_at),
    }
    if with_secret:
        out["secret"] = endpoint.secret
    return out


def deliveries_json(db, deliveries: list[WebhookDelivery]) -> list[dict]:
    """A page of deliveries with their event type and attempt log (two statements)."""
    ids = [d.id for d in deliveries]
    if not ids:
        return []
    types = dict(db.execute(select(WebhookEvent.id, WebhookEvent.type).where(
        WebhookEvent.id.in_({d.event_id for d in deliveries}))).all())
    logs = defaultdict(list)
    for attempt in db.execute(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids))
                              .order_by(WebhookAttempt.delivery_id, WebhookAttempt.number,
                                        WebhookAttempt.id)).scalars():
        logs[attempt.delivery_id].append({
            "attempt": attempt.number, "started_at": _time(attempt.started_at),
            "finished_at": _time(attempt.finished_at), "status_code": attempt.status_code,
            "error": attempt.error, "worker": attempt.worker,
        })
    return [delivery_json(d, types.get(d.event_id, ""), logs[d.id]) for d in deliveries]


def delivery_json(delivery: WebhookDelivery, event_type: str, attempt_log: list[dict]) -> dict:
    return {
        "id": delivery.id,
        "event_id": delivery.event_id,
        "event_type": event_type,
        "endpoint_id": delivery.endpoint_id,
        "webhook_id": delivery.message_id,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error or None,
        "next_attempt_at": _time(delivery.next_attempt_at),
        "delivered_at": _time(delivery.delivered_at),
        "created_at": _time(delivery.created_at),
        "attempt_log": attempt_log,
    }
