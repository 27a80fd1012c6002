"""Payouts models → JSON (amounts as decimal strings of the currency)."""
from __future__ import annotations

from sqlalchemy import select

from core.catalog.models import Vendor
from core.money import format_minor
from plugins.payouts.commissions import snapshots_of
from plugins.payouts.models import LedgerEntry, Payout
from plugins.payouts.settings import rate_text


def _iso(value):
    return value.isoformat() if value is not None else None


def rule_json(rule, vendor_slug, category_slug) -> dict:
    return {"id": rule.id, "vendor": vendor_slug, "category": category_slug, "rate": rate_text(rule.rate_ppm)}


def balance_json(figures: dict[str, int], currency: str) -> dict:
    return {"currency": currency, **{name: format_minor(value, currency) for name, value in figures.items()}}


def entry_json(entry: LedgerEntry, claimed_by: int | None) -> dict:
    return {
        "id": entry.id, "kind": entry.kind, "amount": format_minor(entry.amount, entry.currency),
        "currency": entry.currency, "order_id": entry.order_id, "order_item_id": entry.order_item_id,
        "payout_id": entry.payout_id if entry.payout_id is not None else claimed_by,
        "available_at": _iso(entry.available_at), "note": entry.note, "created_at": _iso(entry.created_at),
    }


def payout_json(payout: Payout, vendor: Vendor | None = None) -> dict:
    answer = {
        "id": payout.id, "amount": format_minor(payout.amount, payout.currency), "currency": payout.currency,
        "status": payout.status, "provider": payout.provider, "reference": payout.reference,
        "failure_reason": payout.failure_reason, "created_at": _iso(payout.created_at), "paid_at": _iso(payout.paid_at),
    }
    if vendor is not None:
        answer["vendor"] = {"id": vendor.id, "slug": vendor.slug, "name": vendor.name}
    return answer


def payouts_with_vendors(db, payouts: list[Payout]) -> list[dict]:
    """Manager lists: each payout with its vendor, the vendors loaded in one statement."""
    ids = sorted({p.vendor_id for p in payouts})
    vendors = {v.id: v for v in db.execute(select(Vendor).where(Vendor.id.in_(ids))).scalars()} if ids else {}
    return [payout_json(p, vendors.get(p.vendor_id)) for p in payouts]


def run_changes(payouts: list[Payout]) -> dict:
    """The audit log's ``changes`` of a ``payout.run`` (amounts in minor units)."""
    return {"payouts": [{"id": p.id, "vendor_id": p.vendor_id, "amount": p.amount, "currency": p.currency,
                         "status": p.status} for p in payouts]}


def report_json(figures: dict[str, int], currency: str) -> dict:
    return {"currency": currency, **{name: format_minor(value, currency) for name, value in figures.items()}}


def line_extras(db, lines, currency: str) -> dict[int, dict]:
    """order item id → ``{commission, vendor_net, commission_rate}`` for the lines already paid
    (one statement for the whole page)."""
    return {item_id: {"commission": format_minor(snap.commission, currency),
                      "vendor_net": format_minor(snap.vendor_net, currency),
                      "commission_rate": rate_text(snap.rate_ppm)}
            for item_id, snap in snapshots_of(db, [line.id for line in lines]).items()}
