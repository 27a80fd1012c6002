"""Returns: a customer's request to send back some units of some order lines, and its history.

A return names order lines and quantities (``return_items``); it moves along its own small
state machine (``states``) and every move is appended to ``return_status_history``.  The
amounts are computed when the return is requested (``amounts``) and kept as they were, so the
customer, the vendor and the manager all decide on the same figure.  ``refund_reference`` is the
provider's refund id once the money moved; ``last_error`` the provider's last refusal.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime, utcnow


class Return(Base):
    __tablename__ = "returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True,
                                                nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # requested|approved|rejected|refunded
    note: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    refund_amount: Mapped[int] = mapped_column(Integer, default=0)
    restocked: Mapped[bool] = mapped_column(default=False)
    refund_reference: Mapped[str | None] = mapped_column(String(120), nullable=True)
    refund_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    items: Mapped[list[ReturnItem]] = relationship(back_populates="return_", order_by="ReturnItem.id")
    history: Mapped[list[ReturnStatusChange]] = relationship(back_populates="return_",
                                                             order_by="ReturnStatusChange.id")

    __table_args__ = (CheckConstraint("refund_amount >= 0", name="refund_not_negative"),)


class ReturnItem(Base):
    __tablename__ = "return_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"), index=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    amount: Mapped[int] = mapped_column(Integer, default=0)  # this line's share, rounded on its own

    return_: Mapped[Return] = relationship(back_populates="items", lazy="raise")

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class ReturnStatusChange(Base):
    __tablename__ = "return_status_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    return_: Mapped[Return] = relationship(back_populates="history", lazy="raise")


TABLES = ("returns", "return_items", "return_status_history")
