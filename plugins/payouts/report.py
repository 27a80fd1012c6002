"""The marketplace report: what was sold, earned, refunded and paid out over a date range.

Every figure is read from the ledger (and the payouts), over entries created in
``[from, to]`` (whole UTC days):

* ``gross_sales`` — Σ of sale lines (vendor net + commission: a line's total less a discount
  its line bears); ``commissions`` — Σ commission on those sales;
* ``refunds`` — Σ given back on vendor lines (vendor part + commission part), a positive number;
* ``adjustments`` — Σ managers' adjustments (signed);
* ``vendor_earnings`` — Σ sale + refund + adjustment entries (what vendors earned, net);
* ``platform_revenue`` — Σ commission of sales and refunds (the commission kept);
* ``payouts_paid`` — payouts paid in the range; ``payouts_pending`` — payouts created in the
  range still pending.

So ``gross_sales − refunds + adjustments = vendor_earnings + platform_revenue`` to the cent.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, select

from plugins.payouts.models import LedgerEntry, Payout

FIGURES = ("gross_sales", "commissions", "refunds", "adjustments", "vendor_earnings", "platform_revenue",
           "payouts_paid", "payouts_pending")


def _bounds(start: date | None, end: date | None) -> tuple[datetime, datetime]:
    low = datetime.combine(start, time.min, UTC) if start else datetime(1970, 1, 1, tzinfo=UTC)
    high = datetime.combine(end + timedelta(days=1), time.min, UTC) if end else \
        datetime(9999, 1, 1, tzinfo=UTC)
    return low, high


def _sum(condition, value):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def marketplace_report(db, start: date | None, end: date | None) -> dict[str, int]:
    """The figures above, in minor units (two queries: the ledger's and the payouts')."""
    low, high = _bounds(start, end)
    kind = LedgerEntry.kind
    ledger = db.execute(select(
        _sum(kind == "sale", LedgerEntry.amount + LedgerEntry.commission),
        _sum(kind == "sale", LedgerEntry.commission),
        _sum(kind == "refund", -(LedgerEntry.amount + LedgerEntry.commission)),
        _sum(kind == "adjustment", LedgerEntry.amount),
        _sum(kind.in_(("sale", "refund", "adjustment")), LedgerEntry.amount),
        _sum(kind.in_(("sale", "refund")), LedgerEntry.commission),
    ).where(LedgerEntry.created_at >= low, LedgerEntry.created_at < high)).one()
    payouts = db.execute(select(
        _sum((Payout.status == "paid") & (Payout.paid_at >= low) & (Payout.paid_at < high), Payout.amount),
        _sum((Payout.status == "pending") & (Payout.created_at >= low) & (Payout.created_at < high), Payout.amount),
    )).one()
    return dict(zip(FIGURES, [int(v) for v in (*ledger, *payouts)]))
