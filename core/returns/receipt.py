"""Receiving a returned parcel: restock if asked, refund through the provider, record it.

Order of the work, under the order's and the return's row locks (``access.lock_for_decision``):

1. the refund at the payment provider (``provider.refund_partial``, idempotency key
   ``agora-return-<id>``), **first**: when it fails nothing else has been written, so the
   return stays ``approved`` with ``last_error`` and the attempt counted (the view commits
   that record and answers 502) and a retry starts from a clean state;
2. the restock (sizes locked in id order, product summaries refreshed, which bumps the catalog
   version), only once the money moved — a failed refund never restocks twice on its retry;
3. ``order.amount_refunded`` and ``payment.status`` (``partially_refunded``/``refunded``) through
   ``core.orders.settlement.mark_refunded``, which fires ``agora_order_refunded`` with the
   amount and the refunded ``items`` (what plugins record or send of the refund);
4. the return ``refunded``, and ``agora_return_status_changed``.

Two receipts of one return at once: the second waits on the row locks, then finds the return
``refunded`` and is answered 409 — the money moves once.  The refund is capped by what is left
of the captured amount, so the sum of all refunds never exceeds it.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from core.catalog.models import Size
from core.catalog.summary import refresh_products
from core.errors import AgoraError
from core.orders.models import OrderItem
from core.orders.payment import PaymentError
from core.orders.settlement import mark_refunded
from core.returns import access
from core.returns.lifecycle import PAID
from core.returns.models import ReturnItem
from core.returns.states import check_transition, record_status


class RefundFailed(AgoraError):
    """The provider refused the refund; the return's record of it must still be committed."""


def idempotency_key(return_id: int) -> str:
    return f"agora-return-{return_id}"


def restock(db, lines: list[tuple[OrderItem, int]]) -> None:
    """Put ``quantity`` units of each line back, locking the sizes in id order."""
    by_size: dict[int, int] = defaultdict(int)
    for line, quantity in lines:
        by_size[line.size_id] += quantity
    sizes = db.execute(select(Size).where(Size.id.in_(sorted(by_size))).order_by(Size.id).with_for_update()
                       .execution_options(populate_existing=True)).scalars()
    for size in sizes:
        size.stock += by_size[size.id]
    db.flush()
    refresh_products(db, {line.product_id for line, _ in lines})


def receive(request, db, user, return_id: int, restock_items: bool):
    """Receive an approved return (its vendor or a manager); see the module docstring."""
    order, return_ = access.lock_for_decision(db, user, return_id)
    if return_.status == "refunded":
        raise AgoraError(409, "This return was already received and refunded.", name="status")
    check_transition(return_.status, "refunded")
    if order.payment_status not in PAID:
        raise AgoraError(409, f"The order's payment is {order.payment_status}: there is nothing left to refund.",
                         name="status")
    amount = min(return_.refund_amount, max(0, order.total - order.amount_refunded))
    provider = request.payment_provider
    reference = None
    if amount > 0:
        if provider is None or provider.name != order.payment_provider:
            raise AgoraError(409, f"The order was paid through {order.payment_provider}, which is not enabled: "
                                  "refund it there.", name="payment")
        return_.refund_attempts += 1
        try:
            reference = provider.refund_partial(request, reference=order.payment_reference, amount=amount,
                                                idempotency_key=idempotency_key(return_.id))
        except PaymentError as exc:
            return_.last_error = str(exc)
            db.flush()
            raise RefundFailed(502, f"The refund could not be made: {exc} The return stays approved; "
                                    "receive it again to retry.", name="payment") from None
    items = db.execute(select(ReturnItem, OrderItem).join(OrderItem, OrderItem.id == ReturnItem.order_item_id)
                       .where(ReturnItem.return_id == return_.id).order_by(ReturnItem.id)).all()
    if restock_items:
        restock(db, [(line, item.quantity) for item, line in items])
        return_.restocked = True
    return_.refund_amount, return_.refund_reference, return_.last_error = amount, reference, None
    note = f"Return {return_.id} received" + (", restocked" if restock_items else "") + "."
    if amount > 0:
        mark_refunded(request, order, amount, note, items=[(item.order_item_id, item.quantity) for item, _ in items])
    record_status(db, return_, "refunded", note, user.id)
    db.flush()
    request.hooks.agora_return_status_changed(request=request, return_=return_, order=order,
                                              old_status="approved", new_status="refunded", note=note)
    return return_
