"""The payouts plugin's public functions for other plugins (declare ``requires = ("payouts",)``).

Only what is named here is a promise.  Other plugins that merely *show* commissions (the
vendors plugin's order lines) do not import this: they call the ``agora_vendor_order_lines``
hook, which this plugin implements.
"""
from __future__ import annotations

from plugins.payouts.commissions import snapshots_of as _snapshots
from plugins.payouts.ledger import balances as _balances
from plugins.payouts.serialize import payout_json


def line_commissions(db, order_item_ids: list[int]) -> dict[int, dict]:
    """order item id → ``{rate_ppm, line_total, discount, commission, vendor_net}`` (minor units)
    for the lines whose order was paid; other lines are absent."""
    return {item_id: {"rate_ppm": s.rate_ppm, "line_total": s.line_total, "discount": s.discount,
                      "commission": s.commission, "vendor_net": s.vendor_net}
            for item_id, s in _snapshots(db, list(order_item_ids)).items()}


def vendor_balance(db, vendor_id: int) -> dict[str, int]:
    """``{pending, available, paid_out, total_earned}`` of a vendor, in minor units."""
    return _balances(db, vendor_id)


__all__ = ["line_commissions", "payout_json", "vendor_balance"]
