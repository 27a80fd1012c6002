"""The payouts plugin's tables (all owned by ``payouts``, own alembic branch).

* ``payout_commission_rules``: a manager's rate for a vendor, a category, or both.  ``scope``
  (``v<vendor>:c<category>`` with ``*`` for "any") is unique, so a second rule for the same
  vendor + category is refused by the database too (NULLs are never equal in a unique key).
* ``payout_line_commissions``: the snapshot taken when an order is paid — one row per order
  line, keyed by ``order_item_id`` (core's ``order_items`` stays untouched): the rate, the
  discount the line bears, the commission and the vendor's net.
* ``payout_ledger_entries``: the vendor ledger, **append-only**.  No code path updates or
  deletes a row; the ORM refuses to (``before_update``/``before_delete``) and the migration
  installs a trigger on PostgreSQL and SQLite that aborts any UPDATE or DELETE.  ``commission``
  is the platform's part of a ``sale`` or ``refund`` (signed like ``amount``), so the report
  reads the platform's revenue from the same rows.
* ``payouts`` and ``payout_items``: a payout and the entries it claimed.  ``payout_items.entry_id``
  is unique: an entry is paid by at most one payout, whatever runs at the same time.  Claiming
  therefore never writes to an entry.
* ``payout_accounts``: a vendor's account at the payout provider (a Stripe connected account).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

OWNER = {"info": {"owner": "payouts"}}
ENTRY_KINDS = ("sale", "refund", "payout", "payout_reversal", "adjustment")
# Entries a payout may claim (the ``payout`` entry is the claim's own counterpart).
CLAIMABLE = ("sale", "refund", "adjustment", "payout_reversal")
PAYOUT_STATUSES = ("pending", "paid", "failed")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class CommissionRule(Base):
    __tablename__ = "payout_commission_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), index=True)
    rate_ppm: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("rate_ppm >= 0 AND rate_ppm <= 1000000", name="rate_in_range"),
        CheckConstraint("vendor_id IS NOT NULL OR category_id IS NOT NULL", name="has_scope"),
        OWNER,
    )


class LineCommission(Base):
    __tablename__ = "payout_line_commissions"

    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id"), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    rate_ppm: Mapped[int] = mapped_column(Integer)
    line_total: Mapped[int] = mapped_column(Integer)
    discount: Mapped[int] = mapped_column(Integer, default=0)  # the share of a line-naming discount
    commission: Mapped[int] = mapped_column(Integer)
    vendor_net: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("line_total - discount = commission + vendor_net", name="adds_up"),
        OWNER,
    )


class Payout(Base):
    __tablename__ = "payouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    provider: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(120), nullable=True)
    failure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        CheckConstraint(_in("status", PAYOUT_STATUSES), name="status"),
        CheckConstraint("amount > 0", name="amount_positive"),
        OWNER,
    )


class LedgerEntry(Base):
    __tablename__ = "payout_ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Integer)  # signed, minor units: what the vendor gains
    commission: Mapped[int] = mapped_column(Integer, default=0)  # signed: what the platform gains
    currency: Mapped[str] = mapped_column(String(3))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    order_item_id: Mapped[int | None] = mapped_column(ForeignKey("order_items.id"), index=True)
    # For ``payout`` and ``payout_reversal``: the payout they record (claims are in payout_items).
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"))
    available_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (
        CheckConstraint(_in("kind", ENTRY_KINDS), name="kind"),
        UniqueConstraint("payout_id", "kind", name="uq_payout_ledger_entries_payout_kind"),
        Index("ix_payout_ledger_entries_vendor_available", "vendor_id", "available_at"),
        OWNER,
    )


class PayoutItem(Base):
    __tablename__ = "payout_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("payouts.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("payout_ledger_entries.id"), unique=True)

    __table_args__ = OWNER


class PayoutAccount(Base):
    __tablename__ = "payout_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), unique=True)
    provider: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = OWNER


class AppendOnlyError(RuntimeError):
    """Something tried to change or remove a ledger entry: write a correcting entry instead."""


@event.listens_for(LedgerEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnlyError(f"ledger entry {target.id} is append-only; write a correcting entry instead")


@event.listens_for(LedgerEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyError(f"ledger entry {target.id} is append-only; it is never deleted")


TABLES = ["payout_commission_rules", "payout_line_commissions", "payouts", "payout_ledger_entries",
          "payout_items", "payout_accounts"]
