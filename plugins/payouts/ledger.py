"""The vendor ledger: append-only entries, and the balances derived from them.

Every function here *adds* rows; none updates or deletes one (the ORM and a database trigger
refuse it, see ``models``).  A mistake is corrected by a new entry.  Each entry is written in
the transaction of its cause (the payment, the refund, the payout, the manager's adjustment),
so a rolled-back cause leaves no entry.

Signs: ``amount`` is what the vendor gains (a ``sale`` is +net, a ``refund`` −, a ``payout`` −,
a ``payout_reversal`` +, an ``adjustment`` ±); ``commission`` is what the platform gains on
the same line (+ on a sale, − on a refund, 0 otherwise).

Balances (one query, never a stored total): over the entries no payout has claimed,
``pending`` = those not yet available (sales in their hold), ``available`` = the rest (may be
negative after a refund that followed a payout; later payouts net it).  ``paid_out`` = what
payouts that did not fail took, ``total_earned`` = sales + refunds + adjustments.  So
``total_earned = pending + available + paid_out`` always.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, func, select

from core.db import utcnow
from core.errors import AgoraError
from core.money import round_half_up
from core.orders.models import Order, OrderItem
from plugins.payouts.models import CLAIMABLE, LedgerEntry, LineCommission, PayoutItem


def _add(db, **fields) -> LedgerEntry:
    entry = LedgerEntry(**fields)
    db.add(entry)
    return entry


# ------------------------------------------------------------------ causes
def record_sales(db, order: Order, snapshots: list[LineCommission], hold_days: int,
                 paid_at: datetime | None = None) -> list[LedgerEntry]:
    """One ``sale`` entry per snapshotted line, available ``hold_days`` after the payment."""
    paid_at = paid_at or utcnow()
    entries = [_add(db, vendor_id=s.vendor_id, kind="sale", amount=s.vendor_net, commission=s.commission,
                    currency=order.currency, order_id=order.id, order_item_id=s.order_item_id,
                    available_at=paid_at + timedelta(days=hold_days), created_at=paid_at,
                    note=f"Order {order.number}")
               for s in snapshots]
    db.flush()
    return entries


def refunded_so_far(db, order_id: int) -> dict[int, tuple[int, int]]:
    """order item id → (vendor amount, commission) already refunded (positive numbers)."""
    rows = db.execute(select(LedgerEntry.order_item_id, func.sum(LedgerEntry.amount), func.sum(LedgerEntry.commission))
                      .where(LedgerEntry.order_id == order_id, LedgerEntry.kind == "refund")
                      .group_by(LedgerEntry.order_item_id)).all()
    return {item_id: (-int(amount or 0), -int(commission or 0)) for item_id, amount, commission in rows}


def refund_order(db, order: Order, items: list[tuple[int, int]] | None = None, amount: int | None = None,
                 now: datetime | None = None) -> list[LedgerEntry]:
    """Write ``refund`` entries for each vendor's share of what was refunded of ``order``.

    * ``items`` = ``[(order_item_id, quantity), ...]``: those quantities of those lines were
      refunded (returns and partial refunds with items, from the later issue): each line gives
      back ``round_half_up(net × quantity / bought)`` of its net and its commission.
    * no ``items`` and ``amount`` is None or the order is fully refunded (cancellation, a full
      refund): every line gives back all it has not given back yet.
    * no ``items`` and a partial ``amount``: each line gives back its net and commission
      × ``amount / order.total`` (the refund is spread over the order like its total was).

    Never more than a line's net and commission in total (what was refunded before is read from
    the ledger), so a cancellation followed by its refund event refunds once.  Orders that were
    never paid (no snapshot) write nothing.
    """
    snapshots = db.execute(select(LineCommission).where(LineCommission.order_id == order.id)
                           .order_by(LineCommission.order_item_id)).scalars().all()
    if not snapshots:
        return []
    before = refunded_so_far(db, order.id)
    quantities = {}
    if items:
        bought = dict(db.execute(select(OrderItem.id, OrderItem.quantity)
                                 .where(OrderItem.order_id == order.id)).all())
        for item_id, quantity in items:
            quantities[item_id] = quantities.get(item_id, 0) + quantity
    full = not items and (amount is None or order.amount_refunded >= order.total or amount >= order.total)
    now = now or utcnow()
    entries = []
    for s in snapshots:
        done_net, done_commission = before.get(s.order_item_id, (0, 0))
        left_net, left_commission = s.vendor_net - done_net, s.commission - done_commission
        if items:
            if s.order_item_id not in quantities:
                continue
            share = Decimal(min(quantities[s.order_item_id], bought[s.order_item_id])) / bought[s.order_item_id]
            net, commission = round_half_up(s.vendor_net * share), round_half_up(s.commission * share)
        elif full:
            net, commission = left_net, left_commission
        else:
            share = Decimal(amount) / order.total if order.total else Decimal(0)
            net, commission = round_half_up(s.vendor_net * share), round_half_up(s.commission * share)
        net, commission = min(net, left_net), min(commission, left_commission)
        if net <= 0 and commission <= 0:
            continue
        entries.append(_add(db, vendor_id=s.vendor_id, kind="refund", amount=-max(net, 0),
                            commission=-max(commission, 0), currency=order.currency, order_id=order.id,
                            order_item_id=s.order_item_id, available_at=now, created_at=now,
                            note=f"Refund of order {order.number}"))
    db.flush()
    return entries


def add_adjustment(db, vendor_id: int, amount: int, note: str, user_id: int | None, currency: str) -> LedgerEntry:
    """A manager's correction (±), available at once."""
    if amount == 0:
        raise AgoraError(400, "An adjustment of zero changes nothing.", name="amount")
    now = utcnow()
    entry = _add(db, vendor_id=vendor_id, kind="adjustment", amount=amount, commission=0, currency=currency,
                 available_at=now, created_at=now, note=note, created_by=user_id)
    db.flush()
    return entry


# ------------------------------------------------------------------ reading
def unclaimed():
    """The join condition that leaves an entry's claim (a payout item) NULL when it has none."""
    return PayoutItem.entry_id == LedgerEntry.id


def balances(db, vendor_id: int, now: datetime | None = None) -> dict[str, int]:
    """pending, available, paid_out, total_earned — in one query over the vendor's entries."""
    now = now or utcnow()
    free = and_(PayoutItem.id.is_(None), LedgerEntry.kind.in_(CLAIMABLE))
    row = db.execute(
        select(
            func.coalesce(func.sum(case((and_(free, LedgerEntry.available_at > now), LedgerEntry.amount), else_=0)), 0),
            func.coalesce(func.sum(case((and_(free, LedgerEntry.available_at <= now), LedgerEntry.amount), else_=0)), 0),
            func.coalesce(func.sum(case((LedgerEntry.kind.in_(("payout", "payout_reversal")), -LedgerEntry.amount),
                                        else_=0)), 0),
            func.coalesce(func.sum(case((LedgerEntry.kind.in_(("sale", "refund", "adjustment")), LedgerEntry.amount),
                                        else_=0)), 0),
        ).select_from(LedgerEntry).outerjoin(PayoutItem, unclaimed()).where(LedgerEntry.vendor_id == vendor_id)
    ).one()
    return dict(zip(("pending", "available", "paid_out", "total_earned"), (int(v) for v in row)))


def _filters(vendor_id: int, kind: str | None) -> list:
    where = [LedgerEntry.vendor_id == vendor_id]
    if kind:
        where.append(LedgerEntry.kind == kind)
    return where


def count_entries(db, vendor_id: int, kind: str | None = None) -> int:
    return db.execute(select(func.count(LedgerEntry.id)).where(*_filters(vendor_id, kind))).scalar_one()


def page_of_entries(db, vendor_id: int, kind: str | None, offset: int, limit: int) -> list[tuple]:
    """(entry, claiming payout id | None) rows, newest first."""
    return db.execute(
        select(LedgerEntry, PayoutItem.payout_id).outerjoin(PayoutItem, unclaimed())
        .where(*_filters(vendor_id, kind))
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc()).offset(offset).limit(limit)
    ).all()
