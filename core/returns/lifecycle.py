"""Requesting a return, and deciding it (approve, reject).

Each function runs in the caller's transaction and fires the return hooks there.  ``request``
is the context handed to the hooks (they take it by contract); nothing else of it is read here.

Never more than bought: a request locks the order row and then its lines (``SELECT … FOR
UPDATE``), then counts what earlier returns of those lines took (every return that was not
rejected), so two identical requests at once are served one after the other and the second
sees the first.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.db import utcnow
from core.errors import AgoraError, not_found
from core.orders.models import Order, OrderItem, OrderStatusChange
from core.returns import access, amounts
from core.returns.models import Return, ReturnItem
from core.returns.settings import REFUND_SHIPPING, WINDOW_DAYS
from core.returns.states import check_transition, record_status

RETURNABLE_ORDERS = ("shipped", "delivered")
PAID = ("captured", "partially_refunded")


def already_returned(db, order_id: int) -> dict[int, int]:
    """order item id → units named by the order's returns that were not rejected."""
    rows = db.execute(select(ReturnItem.order_item_id, func.sum(ReturnItem.quantity))
                      .join(Return, Return.id == ReturnItem.return_id)
                      .where(Return.order_id == order_id, Return.status != "rejected")
                      .group_by(ReturnItem.order_item_id)).all()
    return {item_id: int(quantity) for item_id, quantity in rows}


def _window_start(db, order: Order):
    """When the return window opened: the order's last delivery, else its last shipping."""
    rows = db.execute(select(OrderStatusChange.status, func.max(OrderStatusChange.at))
                      .where(OrderStatusChange.order_id == order.id,
                             OrderStatusChange.status.in_(RETURNABLE_ORDERS))
                      .group_by(OrderStatusChange.status)).all()
    at = dict(rows)
    return at.get("delivered") or at.get("shipped") or order.updated_at


def _check_order(db, user, order: Order | None, window_days: int) -> None:
    if order is None or (order.user_id != user.id and not access.is_staff(user)):
        raise not_found("No such order.", name="id")
    if order.user_id != user.id:
        raise AgoraError(403, "Returns are requested by the customer who bought the order.", location="header")
    if order.status not in RETURNABLE_ORDERS:
        raise AgoraError(409, f"An order that is {order.status} cannot be returned; only shipped or delivered "
                              "orders can.", name="status")
    if order.payment_status not in PAID:
        raise AgoraError(409, "Nothing was paid for this order, so nothing can be refunded.", name="status")
    opened = _window_start(db, order)
    if utcnow() - opened > timedelta(days=window_days):
        raise AgoraError(409, f"The return window of {window_days} days for this order has closed.", name="status")


def _check_items(lines: dict[int, OrderItem], returned: dict[int, int], wanted: list[dict]) -> None:
    """400 naming ``items.N.order_item_id`` or ``items.N.quantity`` for every problem at once."""
    errors, seen = [], set()

    def fail(n: int, field: str, text: str) -> None:
        errors.append({"location": "body", "name": f"items.{n}.{field}", "description": text})

    for n, item in enumerate(wanted):
        line = lines.get(item["order_item_id"])
        if line is None:
            fail(n, "order_item_id", "Not a line of this order.")
        elif line.id in seen:
            fail(n, "order_item_id", "This line is named twice; give its whole quantity once.")
        elif line.fulfillment_status != "shipped":
            fail(n, "order_item_id", f"This line was not shipped (it is {line.fulfillment_status}).")
        else:
            left = line.quantity - returned.get(line.id, 0)
            if item["quantity"] > left:
                fail(n, "quantity", f"At most {left} of this line can still be returned "
                                    f"({line.quantity} bought, {line.quantity - left} in other returns).")
        seen.add(item["order_item_id"])
    if errors:
        raise AgoraError(400, errors[0]["description"], errors=errors)


def request_return(request, db, settings, user, order_id: int, items: list[dict], note: str) -> Return:
    """The customer asks to return ``items`` (``[{order_item_id, quantity, reason}]``) of their order."""
    order = db.get(Order, order_id, with_for_update=True, populate_existing=True)
    _check_order(db, user, order, settings[WINDOW_DAYS])
    lines = {line.id: line for line in db.execute(
        select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id).with_for_update()
        .execution_options(populate_existing=True)).scalars()}
    _check_items(lines, already_returned(db, order.id), items)
    line_amounts, refund = amounts.shares(
        order, [(lines[i["order_item_id"]].unit_price, i["quantity"]) for i in items], settings[REFUND_SHIPPING])
    return_ = Return(order_id=order.id, user_id=user.id, status="requested", note=note, currency=order.currency,
                     refund_amount=refund, restocked=False, refund_attempts=0,
                     items=[ReturnItem(order_item_id=i["order_item_id"], quantity=i["quantity"], reason=i["reason"],
                                       amount=amount) for i, amount in zip(items, line_amounts)])
    db.add(return_)
    db.flush()
    record_status(db, return_, "requested", note, user.id)
    db.flush()
    request.hooks.agora_return_requested(request=request, return_=return_, order=order)
    return return_


def decide(request, db, user, return_id: int, target: str, note: str) -> Return:
    """Approve or reject (``target``) a requested return: its vendor or a manager (see ``access``)."""
    order, return_ = access.lock_for_decision(db, user, return_id)
    old = return_.status
    check_transition(old, target)
    record_status(db, return_, target, note, user.id)
    db.flush()
    request.hooks.agora_return_status_changed(request=request, return_=return_, order=order, old_status=old,
                                              new_status=target, note=note)
    return return_
