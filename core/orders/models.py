"""Orders: the order, its item snapshot, and its status history.

Items are a snapshot taken at purchase time (names, sku, unit price): later catalog edits
never change an order.  ``payment_reference`` is unique per provider, which is what makes
"one order per payment intent" hold even under concurrent checkouts.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime, utcnow


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    # A guest order (no account) has no user: its ``email`` and the SHA-256 of its
    # ``order_token`` (shown once, in the checkout answer and the confirmation mail) instead.
    # Verifying an account with that email adopts it (core.orders.guests).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True,
                                                nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, index=True)
    order_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(Integer)
    discount: Mapped[int] = mapped_column(Integer, default=0)
    shipping: Mapped[int] = mapped_column(Integer, default=0)
    tax: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer)
    adjustments: Mapped[list] = mapped_column(JSON, default=list)
    shipping_address: Mapped[dict] = mapped_column(JSON)
    payment_provider: Mapped[str] = mapped_column(String(20))
    payment_reference: Mapped[str] = mapped_column(String(120))
    payment_status: Mapped[str] = mapped_column(String(20))  # pending|authorized|captured|released|refunded
    amount_refunded: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    items: Mapped[list[OrderItem]] = relationship(back_populates="order", order_by="OrderItem.id")
    history: Mapped[list[OrderStatusChange]] = relationship(
        back_populates="order", order_by="OrderStatusChange.id")

    __table_args__ = (
        UniqueConstraint("payment_provider", "payment_reference", name="uq_orders_payment"),
        CheckConstraint("total >= 0", name="total_not_negative"),
    )


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="RESTRICT"))
    size_id: Mapped[int] = mapped_column(ForeignKey("sizes.id", ondelete="RESTRICT"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="RESTRICT"), index=True)
    vendor_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    product_name: Mapped[str] = mapped_column(String(200))
    variant_name: Mapped[str] = mapped_column(String(120))
    size_label: Mapped[str] = mapped_column(String(40))
    sku: Mapped[str] = mapped_column(String(80))
    unit_price: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total: Mapped[int] = mapped_column(Integer)
    fulfillment_status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|shipped|cancelled
    tracking_number: Mapped[str | None] = mapped_column(String(120), nullable=True)
    carrier: Mapped[str | None] = mapped_column(String(60), nullable=True)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    order: Mapped[Order] = relationship(back_populates="items", lazy="raise")

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class OrderStatusChange(Base):
    __tablename__ = "order_status_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="history", lazy="raise")


class StockReservation(Base):
    """Units of a size held for a payment intent while its buyer pays (core.orders.reservations).

    ``owner`` is the cart's owner (``user:<id>`` or ``guest:<token hash>``): a new intent for
    the same cart replaces its reservation.  A row whose ``expires_at`` has passed holds
    nothing (every availability query ignores it); the worker deletes it."""

    __tablename__ = "stock_reservations"

    id: Mapped[int] = mapped_column(primary_key=True)
    size_id: Mapped[int] = mapped_column(ForeignKey("sizes.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    payment_reference: Mapped[str] = mapped_column(String(120), index=True)
    owner: Mapped[str] = mapped_column(String(80), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
