"""The webhooks tables: endpoints, events, one delivery per (event, endpoint), and every attempt.

* ``webhook_endpoints`` — where to send and what; ``secret`` is the ``whsec_…`` signing key,
  stored as is because every attempt must sign with it (see README.md › Secrets).
* ``webhook_events`` — one row per event, written in the transaction of what caused it, with
  the object as the API shows it (``data``).  Written only when an active endpoint subscribes.
* ``webhook_deliveries`` — the outbox: one row per subscribed endpoint, created with the event.
  ``message_id`` is the ``webhook-id`` header of every attempt.  ``locked_until`` and
  ``lease_token`` are the claim of the worker attempting it (see ``plugins.webhooks.delivery``);
  ``retry_from`` is the attempt count at which the current retry schedule began (a manual
  redelivery starts a new one).
* ``webhook_attempts`` — the delivery log: one row per attempt, written when it is claimed
  (``finished_at`` null while it runs, or forever when its worker died: then ``error`` says
  it was interrupted once another worker takes the delivery over).
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

OWNER = {"info": {"owner": "webhooks"}}
DELIVERY_STATUSES = ("pending", "delivered", "failed")


def new_message_id() -> str:
    """A ``webhook-id``: unique across installations, so a receiver can deduplicate on it alone."""
    return "msg_" + secrets.token_urlsafe(18)


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(JSON, default=list)  # event types, or ["*"]
    description: Mapped[str] = mapped_column(String(500), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    secret: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = OWNER

    def subscribes_to(self, event_type: str) -> bool:
        return "*" in (self.events or []) or event_type in (self.events or [])


class WebhookEvent(Base):
    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = OWNER


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_events.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True, default=new_message_id)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_from: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lease_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        OWNER,
    )


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    worker: Mapped[str] = mapped_column(String(100), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = OWNER


TABLES = ("webhook_endpoints", "webhook_events", "webhook_deliveries", "webhook_attempts")
