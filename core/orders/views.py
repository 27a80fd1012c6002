"""The /api/orders/ services (docs/api.md › Orders and payments): thin views over the domain.

``create-payment-intent`` and ``checkout`` exist only when a payment provider is enabled
(the ``payments`` plugin); listing, detail, cancel and status moves always exist.  Each view
reads its validated input, makes one call into ``checkout``, ``settlement`` or ``queries``, and
serializes the result.
"""
from __future__ import annotations

from cornice import Service

from core import audit
from core.errors import not_found
from core.money import format_minor
from core.openapi import responds, takes_cart_token, takes_header
from core.orders import checkout as checkout_domain
from core.orders import queries, settlement
from core.orders.guests import buyer_of
from core.orders.models import Order
from core.orders.schemas import (
    CheckoutIn,
    OrderIdPath,
    OrderListQuery,
    OrderOut,
    PaymentIntentCancelOut,
    PaymentIntentIn,
    PaymentIntentOut,
    PaymentIntentPath,
    StatusIn,
)
from core.orders.serialize import load_orders, order_json
from core.pagination import paginate
from core.validation import In, validate

intent_svc = Service("orders_payment_intent", "/api/orders/create-payment-intent/",
                     description="Price the cart on the server and create a payment intent")
checkout_svc = Service("orders_checkout", "/api/orders/checkout/", description="Place the order for a payment")
orders_svc = Service("orders", "/api/orders/", description="Orders")
order_svc = Service("order", "/api/orders/{id:\\d+}/", description="One order")
cancel_svc = Service("order_cancel", "/api/orders/{id:\\d+}/cancel/", description="Cancel an order")
status_svc = Service("order_status", "/api/orders/{id:\\d+}/status/", description="Move an order along its states")

intent_cancel_svc = Service("orders_payment_intent_cancel", "/api/orders/payment-intents/{id}/cancel/",
                            description="Give up a payment: free its reserved units and its authorization")

PAYMENT_SERVICES = [intent_svc, checkout_svc, intent_cancel_svc]
SERVICES = [orders_svc, order_svc, cancel_svc, status_svc]


def _fresh(request, order_id: int) -> dict:
    return order_json(load_orders(request.db, [order_id])[0])


@intent_svc.post(schema=In(body=PaymentIntentIn), validators=(validate,), permission="shopper")
@takes_cart_token("The token of a guest cart, to pay for that cart without an account; `email` is then "
                  "required.")
@responds(200, PaymentIntentOut)
@responds(429, description="Too many checkouts without an account from this client address; see Retry-After")
@responds(402, description="The card was declined")
@responds(502, description="The payment provider is unavailable; retry")
@responds(409, description="Not enough available stock (others hold the rest while they pay): the "
                           "message names the size and what is left; or the payment provider refused")
@takes_header("Idempotency-Key", "Any unique string (a UUID) chosen by the client for this payment attempt: "
              "a retried request with the same key returns the same intent instead of creating another. "
              "1 to 200 characters.", minLength=1, maxLength=checkout_domain.MAX_IDEMPOTENCY_KEY)
def create_payment_intent(request):
    """Create a payment intent for the caller's cart.

    The cart is priced on the server (shipping, tax and plugins' adjustments included); the
    answer's ``amount`` is what checkout will charge.  When the answer has a ``client_secret``,
    confirm it in the browser with the provider's SDK; when it is null, check out directly.  Send an
    ``Idempotency-Key`` header to make a retried request return the same intent.  The intent
    reserves its units for ``agora.checkout.reservation_ttl`` seconds (default 900); a new one
    for the same cart replaces that reservation.  Without an account, send ``X-Cart-Token`` and
    an ``email``."""
    body = request.validated["body"]
    answer = checkout_domain.create_payment_intent(
        request, buyer_of(request, body.get("email")), body["shipping_address"],
        request.headers.get("Idempotency-Key"))
    return {**answer, "amount": format_minor(answer["amount"], answer["currency"])}


@intent_cancel_svc.post(schema=In(path=PaymentIntentPath), validators=(validate,), permission="shopper")
@takes_cart_token()
@responds(200, PaymentIntentCancelOut)
@responds(404, description="No such payment intent (or it is another customer's)")
@responds(409, description="The intent already became an order: cancel the order instead")
def cancel_payment_intent(request):
    """Cancel a payment intent that was not checked out.

    Its reserved units are available to others again at once, and the provider's authorization
    is released.  Cancelling twice answers 200 again."""
    reference = request.validated["path"]["id"]
    checkout_domain.cancel_payment_intent(request, buyer_of(request, need_email=False), reference)
    return {"payment_intent_id": reference, "status": "cancelled"}


@checkout_svc.post(schema=In(body=CheckoutIn), validators=(validate,), permission="shopper")
@takes_cart_token("The guest cart's token, for a checkout without an account (the order answer then carries "
                  "its `order_token`, once).")
@responds(201, OrderOut)
@responds(402, description="The payment is not authorized")
@responds(502, description="The payment provider is unavailable; retry")
@responds(404, description="No such payment intent (or it is another customer's)")
@responds(409, description="Not enough stock any more (the authorization is released), the intent is not "
                           "usable, its amount no longer matches, or a `shipping_address` other than the "
                           "payment intent's")
def checkout(request):
    """Place the order for an authorized payment intent.

    Checks stock and prices again, creates the order from the cart and captures the payment.
    Calling it again with the same intent answers the same order (201).  The order ships to the
    intent's address; a different `shipping_address` here is a 409.  While the intent's stock
    reservation is live, stock never fails it.  A guest's order (``X-Cart-Token``) answers its
    ``order_token`` this once."""
    body = request.validated["body"]
    placed = checkout_domain.checkout(request, buyer_of(request, need_email=False), body["payment_intent_id"],
                                      body.get("shipping_address"), snapshot=order_json)
    request.response.status = 201
    return placed.snapshot if placed.created else _fresh(request, placed.order_id)


@orders_svc.get(schema=In(querystring=OrderListQuery), validators=(validate,), permission="authenticated")
@responds(200, OrderOut, paginated=True)
def list_orders(request):
    """List orders, newest first.

    A customer sees their own; managers and admins see all and may filter by ``user``."""
    query = request.validated["querystring"]
    where = queries.list_filters(request.user, query.get("status"), query.get("user"))
    return paginate(request, queries.count(request.db, where),
                    lambda offset, limit: queries.page_ids(request.db, where, offset, limit),
                    lambda ids: [order_json(o) for o in load_orders(request.db, list(ids))])


@order_svc.get(schema=In(path=OrderIdPath), validators=(validate,), permission="authenticated")
@responds(200, OrderOut)
def get_order(request):
    """Read one order.

    An order of another customer is answered 404, like one that does not exist."""
    orders = load_orders(request.db, [request.validated["path"]["id"]])
    if not orders or (orders[0].user_id != request.user.id and not queries.is_staff(request.user)):
        raise not_found("No such order.", name="id")
    return order_json(orders[0])


@cancel_svc.post(schema=In(path=OrderIdPath), validators=(validate,), permission="authenticated")
@responds(200, OrderOut)
@responds(502, description="The refund could not be made at the payment provider")
@responds(409, description="The order can no longer be cancelled (its status, or a line already shipped)")
def cancel_order(request):
    """Cancel an order (its buyer, or staff).

    Only before it ships; the stock comes back and the payment is released or refunded."""
    order = queries.visible_order(request.db, request.user, request.validated["path"]["id"], lock=True)
    settlement.check_cancellable(order)
    if order.user_id != request.user.id:  # staff cancelling a customer's order
        audit.record_request(request, "order.cancelled", ("order", order.id), {"status": {"old": order.status,
                             "new": "cancelled"}})
    settlement.cancel(request, order, note="Cancelled by the customer." if order.user_id == request.user.id
                      else f"Cancelled by {request.user.role}.")
    return _fresh(request, order.id)


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
    audit.record_request(request, "order.status_changed", ("order", order.id), {"status": {"old": order.status,
                         "new": body["status"]}, "note": body["note"]})
    settlement.move(request, order, body["status"], body["note"])
    return _fresh(request, order.id)
