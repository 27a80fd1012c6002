"""The coupons plugin's tables (alembic branch ``coupons``, version table ``alembic_version_coupons``).

* ``coupons``: one row per code.  ``code`` is stored upper-case and unique, so codes are
  unique and matched case-insensitively.  ``value`` is minor units for a ``fixed`` coupon and
  hundredths of a percent for a ``percent`` one (``1000`` = 10 %).  ``times_used`` is the
  counter the conditional ``UPDATE`` at checkout increments (see :mod:`agora_coupons.usage`).
* ``coupon_applications``: the code a shopper applied to their cart, one per user.  The
  cart plugin's own tables are never touched.
* ``coupon_usages``: one row per order that used a coupon (per-customer limits count these).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

OWNER = {"info": {"owner": "coupons"}}
KINDS = ("percent", "fixed")


class Coupon(Base):
    __tablename__ = "coupons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[int] = mapped_column(Integer)
    minimum_subtotal: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    usage_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    per_customer_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    times_used: Mapped[int] = mapped_column(Integer, default=0)
    categories: Mapped[list] = mapped_column(JSON, default=list)  # category slugs (sub-categories included)
    vendors: Mapped[list] = mapped_column(JSON, default=list)  # vendor slugs
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN ('percent', 'fixed')", name="kind"),
        CheckConstraint("value > 0 AND (kind = 'fixed' OR value <= 10000)", name="value"),
        CheckConstraint("times_used >= 0", name="times_used"),
        CheckConstraint("usage_limit IS NULL OR times_used <= usage_limit", name="within_limit"),
        OWNER,
    )


class CouponApplication(Base):
    """The code ``user_id`` applied to their cart (removed once an order used it)."""

    __tablename__ = "coupon_applications"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id", ondelete="CASCADE"), index=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = OWNER


class CouponUsage(Base):
    """An order that used a coupon, with the discount it got."""

    __tablename__ = "coupon_usages"

    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    amount: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_coupon_usages_coupon_user", "coupon_id", "user_id"),
        OWNER,
    )


TABLES = ("coupons", "coupon_applications", "coupon_usages")
