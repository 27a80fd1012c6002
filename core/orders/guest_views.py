"""``/api/orders/guest/{order_token}/`` and its cancel: a guest order reached by its token.

The token comes from the checkout answer (``order_token``, shown once) or the confirmation
mail's link; only its SHA-256 is stored (:mod:`core.orders.guests`).  The cancel follows the
customer's rules (``settlement.check_cancellable``)."""
from __future__ import annotations

from cornice import Service

from core.openapi import responds
from core.orders import guests, settlement
from core.orders.schemas import GuestOrderPath, OrderOut
from core.orders.serialize import load_orders, order_json
from core.validation import In, validate

guest_order_svc = Service("orders_guest", "/api/orders/guest/{order_token}/",
                          description="A guest order, by its order token")
guest_cancel_svc = Service("orders_guest_cancel", "/api/orders/guest/{order_token}/cancel/",
                           description="Cancel a guest order, by its order token")

SERVICES = [guest_order_svc, guest_cancel_svc]


@guest_order_svc.get(schema=In(path=GuestOrderPath), validators=(validate,))
@responds(200, OrderOut)
def get_guest_order(request):
    """Read an order placed without an account.

    The token is the checkout answer's ``order_token`` (or the one in the confirmation mail's
    link); an unknown token is a 404.  No account needed: the token is the key."""
    order = guests.guest_order(request.db, request.validated["path"]["order_token"])
    return order_json(load_orders(request.db, [order.id])[0])


@guest_cancel_svc.post(schema=In(path=GuestOrderPath), validators=(validate,))
@responds(200, OrderOut)
@responds(502, description="The refund could not be made at the payment provider")
@responds(409, description="The order can no longer be cancelled (its status, or a line already shipped)")
def cancel_guest_order(request):
    """Cancel an order placed without an account.

    The customer's rules: only before it ships; the stock comes back and the payment is
    released or refunded."""
    order = guests.guest_order(request.db, request.validated["path"]["order_token"], lock=True)
    settlement.check_cancellable(order)
    settlement.cancel(request, order, note="Cancelled by the customer.")
    return order_json(load_orders(request.db, [order.id])[0])
