"""The outbox: one row per mail, written in the same transaction as the event that causes it.

A row is ``pending`` until the worker sends it (``sent``) or gives up (``failed``, with the
reason in ``last_error``).  ``message_id`` is chosen when the row is written and reused by
every attempt, so a receiving server (or a person) can recognise a retried delivery.
The template ``context`` is plain JSON; secrets in it (``token``) are erased once the row
is settled.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

STATUSES = ("pending", "sent", "failed")


class OutboxMessage(Base):
    __tablename__ = "email_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # the template name, e.g. "verify_email"
    to_address: Mapped[str] = mapped_column(String(254))
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    message_id: Mapped[str | None] = mapped_column(String(255), nullable=True, unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Last time the relay published the row (None: only the after-commit publish, if any).
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_email_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        {"info": {"owner": "email"}},
    )

    def settle(self, status: str, error: str = "") -> None:
        """Mark the row sent or failed for good and forget the secrets of its context."""
        self.status = status
        self.last_error = error[:2000]
        if status == "sent":
            self.sent_at = utcnow()
        if "token" in (self.context or {}):
            self.context = {k: v for k, v in self.context.items() if k != "token"}

TABLES = ("email_outbox",)  # the tables this package owns (its alembic branch)
