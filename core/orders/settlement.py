"""Settling the money of an order: capture, release, cancel, refund, and recording refunds.

Each function runs in the caller's transaction and fires the order hooks there; the provider
calls (``capture``, ``release``, ``refund``) are made by the functions that say so.  ``request``
is the context handed to the hooks and the provider (both take it by contract); nothing else of
it is read here.
"""
from __future__ import annotations

import logging

from sqlalchemy import select, update

from core.errors import AgoraError
from core.orders import stock
from core.orders.models import Order, OrderItem
from core.orders.payment import PaymentError
from core.orders.states import check_transition, record_status

log = logging.getLogger("agora.orders")


def capture(request, provider, order_id: int, reference: str, amount: int) -> str:
    """Capture an order's authorization (after its commit) and record the outcome in one UPDATE
    (the order is not loaded again); returns the new payment status (``captured`` or
    ``capture_failed``)."""
    try:
        provider.capture(request, reference=reference, amount=amount)
    except PaymentError as exc:
        log.warning("capture of order %s failed: %s", order_id, exc)
        status = "capture_failed"
    else:
        status = "captured"
    request.db.execute(update(Order).where(Order.id == order_id).values(payment_status=status))
    return status


def release(request, provider, reference: str) -> None:
    """Free an authorization; a failure is logged (the authorization expires by itself)."""
    try:
        provider.release(request, reference=reference)
    except PaymentError as exc:
        log.warning("release of %s failed: %s", reference, exc)


def check_cancellable(order: Order) -> None:
    """409 unless the order may still be cancelled by its buyer: its status, and no line shipped."""
    from core.orders.states import CANCELLABLE

    if order.status not in CANCELLABLE:
        raise AgoraError(409, f"An order that is {order.status} can no longer be cancelled.", name="status")
    if any(item.fulfillment_status == "shipped" for item in order.items):
        raise AgoraError(409, "Part of this order has already shipped; it can no longer be cancelled.",
                         name="status")


def cancel(request, order: Order, note: str, settle: bool = True) -> None:
    """Cancel, restock and settle the money: release an authorization, refund a capture.

    ``settle=False`` when the money already moved at the provider (a refund made in the provider's own console)."""
    provider = request.payment_provider
    items = request.db.execute(select(OrderItem).where(OrderItem.order_id == order.id)).scalars().all()
    old = order.status
    check_transition(old, "cancelled")
    pending = [i for i in items if i.fulfillment_status == "pending"]
    stock.restock(request.db, pending)  # shipped units are gone; cancelled ones came back already
    for item in pending:
        item.fulfillment_status = "cancelled"
    record_status(request.db, order, "cancelled", note)
    hooks = request.hooks
    hooks.agora_order_status_changed(request=request, order=order, old_status=old, new_status="cancelled", note=note)
    hooks.agora_order_cancelled(request=request, order=order)
    if not settle or provider is None or provider.name != order.payment_provider:
        return
    if order.payment_status == "authorized":
        release(request, provider, order.payment_reference)
        order.payment_status = "released"
    elif order.payment_status in ("captured", "partially_refunded"):
        refund(request, provider, order, order.total - order.amount_refunded)


def refund(request, provider, order: Order, amount: int) -> None:
    """Refund ``amount`` at the provider (502 when it refuses); recorded when it confirms."""
    try:
        confirmed = provider.refund(request, reference=order.payment_reference, amount=amount)
    except PaymentError as exc:
        raise AgoraError(502, f"The refund could not be made: {exc}", name="payment") from None
    if confirmed:
        mark_refunded(request, order, amount, "Refund confirmed by the payment provider.")


def mark_refunded(request, order: Order, amount: int, note: str, items: list[tuple[int, int]] | None = None) -> None:
    """Record money returned (idempotent for the full amount); moves a cancelled order to refunded.

    ``items`` = ``[(order_item_id, quantity), ...]`` when the refund is for those units (a
    return); the payment becomes ``partially_refunded`` until everything was refunded."""
    order.amount_refunded = min(order.total, order.amount_refunded + amount)
    if order.amount_refunded >= order.total:
        order.payment_status = "refunded"
    elif order.amount_refunded > 0:
        order.payment_status = "partially_refunded"
    request.hooks.agora_order_refunded(request=request, order=order, amount=amount, items=items)
    if order.status == "cancelled" and order.payment_status == "refunded":
        record_status(request.db, order, "refunded", note)
        request.hooks.agora_order_status_changed(request=request, order=order, old_status="cancelled",
                                                 new_status="refunded", note=note)


def move(request, order: Order, target: str, note: str) -> None:
    """A staff move along the state machine, with what each target means for money and lines:
    ``cancelled`` settles; ``paid`` records an offline payment; ``shipped`` ships what no vendor
    shipped; ``refunded`` records an offline refund (manual provider)."""
    check_transition(order.status, target)
    if target == "cancelled":
        cancel(request, order, note or "Cancelled by the shop.")
        return
    old = order.status
    hooks = request.hooks
    record_status(request.db, order, target, note)
    if target == "paid" and order.payment_status == "pending":
        order.payment_status = "captured"
        hooks.agora_order_paid(request=request, order=order)
    if target == "shipped":
        lines = request.db.execute(select(OrderItem).where(
            OrderItem.order_id == order.id, OrderItem.fulfillment_status == "pending")).scalars().all()
        for item in lines:
            item.fulfillment_status = "shipped"
        if lines:  # the shop shipped what no vendor had shipped yet
            hooks.agora_order_shipped(request=request, order=order, vendor=None, lines=lines,
                                      tracking_number=None, carrier=None)
    if target == "refunded" and order.amount_refunded < order.total:
        amount = order.total - order.amount_refunded  # an offline refund recorded by the shop
        order.amount_refunded, order.payment_status = order.total, "refunded"
        hooks.agora_order_refunded(request=request, order=order, amount=amount, items=None)
    hooks.agora_order_status_changed(request=request, order=order, old_status=old, new_status=target, note=note)
