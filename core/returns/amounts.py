"""What a return gives back: its lines' share of what the order charged.

For each returned line, ``unit_price × quantity`` is that line's part of the order's subtotal;
it carries the same share of the discounts, surcharges and tax (``(total − shipping) /
subtotal``), and of the shipping too when ``agora.returns.refund_shipping`` is true
(``total / subtotal``).  The shares are added exactly (as fractions) and the return's refund is
rounded half-up once; each item's ``amount`` is its own share rounded half-up, for display (the
items' amounts may differ from the refund by a cent of rounding).  The refund never exceeds
what is left of the captured amount (``order.total − order.amount_refunded``): the receipt caps it.
"""
from __future__ import annotations

from decimal import Decimal

from core.money import round_half_up


def factor(order, refund_shipping: bool) -> Decimal:
    """What one unit of subtotal cost the customer in the end."""
    if not order.subtotal:
        return Decimal(0)
    paid = order.total if refund_shipping else max(0, order.total - order.shipping)
    return Decimal(paid) / Decimal(order.subtotal)


def shares(order, lines: list[tuple[int, int]], refund_shipping: bool) -> tuple[list[int], int]:
    """``lines`` = ``[(unit_price, quantity), ...]`` → (each line's rounded amount, the refund)."""
    f = factor(order, refund_shipping)
    exact = [Decimal(unit_price * quantity) * f for unit_price, quantity in lines]
    return [round_half_up(x) for x in exact], round_half_up(sum(exact, Decimal(0)))
