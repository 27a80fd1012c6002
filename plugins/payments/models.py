"""Payment intents as Agora knows them, and the Stripe events already processed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

OWNED = {"info": {"owner": "payments"}}


class PaymentIntentRecord(Base):
    """One intent: what was priced (the line snapshot), for whom, and what became of it.

    The snapshot lets a webhook complete a checkout whose browser never came back."""

    __tablename__ = "payment_intents"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(120), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True,
                                                nullable=True)
    # A guest checkout's intent: the SHA-256 of the guest cart's token and the buyer's email.
    guest_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="created")  # created|failed|cancelled|used
    client_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lines: Mapped[list] = mapped_column(JSON)
    shipping_address: Mapped[dict] = mapped_column(JSON)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_payment_intents_user_key"),
        UniqueConstraint("guest_key", "idempotency_key", name="uq_payment_intents_guest_key_key"),
        OWNED,
    )


class ProcessedEvent(Base):
    """Webhook events by id: each is processed once."""

    __tablename__ = "payment_events"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    type: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (OWNED,)

TABLES = ("payment_intents", "payment_events")  # the tables this package owns (its alembic branch)
