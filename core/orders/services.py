"""The /api/orders/ services (docs/api.md › Orders and payments).

``create-payment-intent`` and ``checkout`` exist only when a payment provider is enabled
(the ``payments`` plugin); listing, detail, cancel and status moves always exist.
"""
from __future__ import annotations

import logging

from cornice import Service
from sqlalchemy import func, select

from core.errors import AgoraError, not_found
from core.money import format_minor
from core.openapi import responds, takes_header
from core.orders import pipeline
from core.orders.models import Order, OrderItem
from core.orders.payment import PaymentError
from core.orders.schemas import (
    CheckoutIn, OrderIdPath, OrderListQuery, OrderOut, PaymentIntentIn, PaymentIntentOut, StatusIn, same_address,
)
from core.orders.serialize import load_orders, order_json
from core.orders.states import CANCELLABLE, check_transition
from core.pagination import paginate
from core.validation import In, validate

log = logging.getLogger("agora.orders")

intent_svc = Service("orders_payment_intent", "/api/orders/create-payment-intent/",
                     description="Price the cart on the server and create a payment intent")
checkout_svc = Service("orders_checkout", "/api/orders/checkout/", description="Place the order for a payment")
orders_svc = Service("orders", "/api/orders/", description="Orders")
order_svc = Service("order", "/api/orders/{id:\\d+}/", description="One order")
cancel_svc = Service("order_cancel", "/api/orders/{id:\\d+}/cancel/", description="Cancel an order")
status_svc = Service("order_status", "/api/orders/{id:\\d+}/status/", description="Move an order along its states")

PAYMENT_SERVICES = [intent_svc, checkout_svc]
SERVICES = [orders_svc, order_svc, cancel_svc, status_svc]


def provider_of(request):
    return request.registry["agora.payment_provider"]


def hook(request):
    return request.registry["agora.plugin_manager"].hook


def _lines(request, user) -> list:
    lines = hook(request).agora_checkout_lines(request=request, user=user)
    if not lines:
        raise AgoraError(400, "Your cart is empty.", name="cart")
    return lines


@intent_svc.post(schema=In(body=PaymentIntentIn), validators=(validate,), permission="authenticated")
@responds(200, PaymentIntentOut)
@responds(402, description="The card was declined")
@responds(502, description="The payment provider is unavailable; retry")
@responds(409, description="The payment provider refused the request")
@takes_header("Idempotency-Key", "Any unique string (a UUID) chosen by the client for this payment attempt: "
              "a retried request with the same key returns the same intent instead of creating another. "
              "1 to 200 characters.", minLength=1, maxLength=200)
def create_payment_intent(request):
    """Create a payment intent for the caller's cart.

    The cart is priced on the server (shipping, tax and plugins' adjustments included); the
    answer's ``amount`` is what checkout will charge.  With the ``stripe`` provider, confirm the
    ``client_secret`` in the browser; with ``manual``, check out directly.  Send an
    ``Idempotency-Key`` header to make a retried request return the same intent."""
    from core.orders.pricing import price_lines

    user = request.user
    address = request.validated["body"]["shipping_address"]
    lines = _lines(request, user)
    hook(request).agora_checkout_validate(request=request, user=user, lines=lines, shipping_address=address)
    pricing = price_lines(request, user, lines)
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (1 <= len(key) <= 200):
        raise AgoraError(400, "Idempotency-Key must be 1 to 200 characters.", name="Idempotency-Key",
                         location="header")
    try:
        answer = provider_of(request).create_intent(
            request, user=user, amount=pricing.total, currency=pricing.currency,
            lines=[{"size_id": l.size_id, "quantity": l.quantity, "source_id": l.source_id} for l in lines],
            shipping_address=address, idempotency_key=key)
    except PaymentError as exc:
        raise AgoraError(exc.status, str(exc), name="payment") from None
    return {**answer, "amount": format_minor(answer["amount"], answer["currency"])}


@checkout_svc.post(schema=In(body=CheckoutIn), validators=(validate,), permission="authenticated")
@responds(201, OrderOut)
@responds(409, description="Out of stock (the authorization is released), prices changed, or a "
                           "`shipping_address` other than the payment intent's")
@responds(402, description="The payment is not authorized")
@responds(502, description="The payment provider is unavailable; retry")
@responds(404, description="No such payment intent (or it is another customer's)")
@responds(409, description="Not enough stock any more, the intent is not usable, or its amount no longer matches")
def checkout(request):
    """Place the order for an authorized payment intent.

    Checks stock and prices again, creates the order from the cart and captures the payment.
    Calling it again with the same intent answers the same order (201)."""
    user = request.user
    provider = provider_of(request)
    reference = request.validated["body"]["payment_intent_id"]
    existing = pipeline.find_order(request.db, provider.name, reference)
    if existing is not None:
        if existing.user_id != user.id:
            raise not_found("No such payment intent.", name="payment_intent_id")
        request.response.status = 201
        return order_json(load_orders(request.db, [existing.id])[0])
    try:
        authorization = provider.authorization(request, user=user, reference=reference)
    except PaymentError as exc:
        raise AgoraError(exc.status, str(exc), name="payment_intent_id") from None
    address = request.validated["body"].get("shipping_address")
    if address is not None and not same_address(address, authorization.shipping_address):
        # Refused, not silently replaced: the amount and the provider's record were made for the
        # intent's address.  The authorization stays, so a corrected request can still succeed.
        raise AgoraError(409, "This is not the address the payment was created for; create a new "
                              "payment intent to ship elsewhere.", name="shipping_address")
    try:
        order = pipeline.place_order(request, user, provider, authorization)
    except AgoraError:
        # Any refusal (stock, prices, a plugin's validate/completed hook) frees the money. A
        # retryable IntegrityError is not an AgoraError: its intent belongs to the other order.
        _release(request, provider, reference)
        raise
    answer, order_id = order_json(order), order.id
    # Commit the order before capturing: money is never taken for an order that does not exist.
    request.tm.commit()
    request.tm.begin()
    if not authorization.pending:
        answer["payment"]["status"] = capture(request, provider, order_id)
    request.response.status = 201
    return answer


def capture(request, provider, order_id: int) -> str:
    """Capture after commit and record the outcome; returns the new payment status."""
    order = request.db.get(Order, order_id)
    try:
        provider.capture(request, reference=order.payment_reference, amount=order.total)
    except PaymentError as exc:
        log.warning("capture of order %s failed: %s", order.number, exc)
        order.payment_status = "capture_failed"
    else:
        order.payment_status = "captured"
    return order.payment_status


def _release(request, provider, reference: str) -> None:
    try:
        provider.release(request, reference=reference)
    except PaymentError as exc:  # the refusal still stands; the authorization expires by itself
        log.warning("release of %s failed: %s", reference, exc)


def _is_staff(user) -> bool:
    return user.role in ("manager", "admin")


def _own_order(request, order_id: int, lock: bool = False) -> Order:
    """The order if the caller may see it (its buyer or staff), else 404; ``lock`` takes its row lock
    in the same statement."""
    order = request.db.get(Order, order_id, with_for_update=lock or None)
    if order is None or (order.user_id != request.user.id and not _is_staff(request.user)):
        raise not_found("No such order.", name="id")
    return order


@orders_svc.get(schema=In(querystring=OrderListQuery), validators=(validate,), permission="authenticated")
@responds(200, OrderOut, paginated=True)
def list_orders(request):
    """List orders, newest first.

    A customer sees their own; managers and admins see all and may filter by ``user``."""
    query = request.validated["querystring"]
    where = []
    if _is_staff(request.user):
        if "user" in query:
            where.append(Order.user_id == query["user"])
    else:
        where.append(Order.user_id == request.user.id)
    if "status" in query:
        where.append(Order.status == query["status"])
    count = request.db.execute(select(func.count(Order.id)).where(*where)).scalar_one()

    def fetch(offset, limit):
        return request.db.execute(select(Order.id).where(*where).order_by(Order.created_at.desc(), Order.id.desc())
                                  .offset(offset).limit(limit)).scalars().all()

    return paginate(request, count, fetch, lambda ids: [order_json(o) for o in load_orders(request.db, list(ids))])


@order_svc.get(schema=In(path=OrderIdPath), validators=(validate,), permission="authenticated")
@responds(200, OrderOut)
def get_order(request):
    """Read one order.

    An order of another customer is answered 404, like one that does not exist."""
    orders = load_orders(request.db, [request.validated["path"]["id"]])
    if not orders or (orders[0].user_id != request.user.id and not _is_staff(request.user)):
        raise not_found("No such order.", name="id")
    return order_json(orders[0])


@cancel_svc.post(schema=In(path=OrderIdPath), validators=(validate,), permission="authenticated")
@responds(200, OrderOut)
@responds(502, description="The refund could not be made at the payment provider")
@responds(409, description="The order can no longer be cancelled (its status, or a line already shipped)")
def cancel_order(request):
    """Cancel an order (its buyer, or staff).

    Only before it ships; the stock comes back and the payment is released or refunded."""
    order = _own_order(request, request.validated["path"]["id"], lock=True)
    if order.status not in CANCELLABLE:
        raise AgoraError(409, f"An order that is {order.status} can no longer be cancelled.", name="status")
    if any(item.fulfillment_status == "shipped" for item in order.items):
        raise AgoraError(409, "Part of this order has already shipped; it can no longer be cancelled.",
                         name="status")
    cancel(request, order, note="Cancelled by the customer." if order.user_id == request.user.id
           else f"Cancelled by {request.user.role}.")
    return order_json(load_orders(request.db, [order.id])[0])


def cancel(request, order: Order, note: str, settle: bool = True) -> None:
    """Cancel, restock and settle the money: release an authorization, refund a capture.

    ``settle=False`` when the money already moved at the provider (a dashboard refund)."""
    provider = request.registry.get("agora.payment_provider")
    items = request.db.execute(select(OrderItem).where(OrderItem.order_id == order.id)).scalars().all()
    old = order.status
    check_transition(old, "cancelled")
    pending = [i for i in items if i.fulfillment_status == "pending"]
    pipeline.restock(request.db, pending)  # shipped units are gone; cancelled ones came back already
    for item in pending:
        item.fulfillment_status = "cancelled"
    pipeline.record_status(request.db, order, "cancelled", note)
    hooks = hook(request)
    hooks.agora_order_status_changed(request=request, order=order, old_status=old, new_status="cancelled", note=note)
    hooks.agora_order_cancelled(request=request, order=order)
    if not settle or provider is None or provider.name != order.payment_provider:
        return
    if order.payment_status == "authorized":
        _release(request, provider, order.payment_reference)
        order.payment_status = "released"
    elif order.payment_status == "captured":
        refund(request, provider, order, order.total - order.amount_refunded)


def refund(request, provider, order: Order, amount: int) -> None:
    try:
        confirmed = provider.refund(request, reference=order.payment_reference, amount=amount)
    except PaymentError as exc:
        raise AgoraError(502, f"The refund could not be made: {exc}", name="payment") from None
    if confirmed:
        mark_refunded(request, order, amount, "Refund confirmed by the payment provider.")


def mark_refunded(request, order: Order, amount: int, note: str) -> None:
    """Record money returned (idempotent for the full amount); moves a cancelled order to refunded."""
    order.amount_refunded = min(order.total, order.amount_refunded + amount)
    if order.amount_refunded >= order.total:
        order.payment_status = "refunded"
    hook(request).agora_order_refunded(request=request, order=order, amount=amount)
    if order.status == "cancelled" and order.payment_status == "refunded":
        pipeline.record_status(request.db, order, "refunded", note)
        hook(request).agora_order_status_changed(request=request, order=order, old_status="cancelled",
                                                 new_status="refunded", note=note)


@status_svc.post(schema=In(path=OrderIdPath, body=StatusIn), validators=(validate,), permission="manage")
@responds(200, OrderOut)
@responds(502, description="The refund of a cancellation could not be made at the payment provider")
@responds(409, description="The order life cycle does not allow this move")
def move_status(request):
    """Move an order to another status (managers).

    Only the transitions of the order life cycle are allowed (else 409); ``cancelled`` releases or
    refunds the payment, ``refunded`` records an offline refund."""
    order = request.db.get(Order, request.validated["path"]["id"], with_for_update=True)
    if order is None:
        raise not_found("No such order.", name="id")
    body = request.validated["body"]
    target, note = body["status"], body["note"]
    check_transition(order.status, target)
    if target == "cancelled":
        cancel(request, order, note or "Cancelled by the shop.")
    else:
        old = order.status
        pipeline.record_status(request.db, order, target, note)
        if target == "paid" and order.payment_status == "pending":
            order.payment_status = "captured"
            hook(request).agora_order_paid(request=request, order=order)
        if target == "shipped":
            lines = request.db.execute(select(OrderItem).where(
                OrderItem.order_id == order.id, OrderItem.fulfillment_status == "pending")).scalars().all()
            for item in lines:
                item.fulfillment_status = "shipped"
            if lines:  # the shop shipped what no vendor had shipped yet
                hook(request).agora_order_shipped(request=request, order=order, vendor=None, lines=lines,
                                                  tracking_number=None, carrier=None)
        if target == "refunded" and order.amount_refunded < order.total:
            # Offline refund recorded by the shop (manual provider).
            amount = order.total - order.amount_refunded
            order.amount_refunded, order.payment_status = order.total, "refunded"
            hook(request).agora_order_refunded(request=request, order=order, amount=amount)
        hook(request).agora_order_status_changed(request=request, order=order, old_status=old,
                                                 new_status=target, note=note)
    return order_json(load_orders(request.db, [order.id])[0])
