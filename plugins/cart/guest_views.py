"""Guest carts: ``POST /api/cart/guest/`` and ``POST /api/cart/merge/`` (docs/api.md › Cart)."""
from __future__ import annotations

from cornice import Service

from core.openapi import responds
from core.validation import In, validate
from plugins.cart import shoppers
from plugins.cart.merge import merge_guest_cart
from plugins.cart.schemas import CartMergeIn, CartOut, GuestCartOut
from plugins.cart.serialize import cart_answer
from plugins.cart.settings import guest_days, max_quantity

guest_svc = Service("cart_guest", "/api/cart/guest/", description="Start a cart without an account")
merge_svc = Service("cart_merge", "/api/cart/merge/", description="Merge a guest cart into the caller's cart")

SERVICES = [guest_svc, merge_svc]


@guest_svc.post()
@responds(201, GuestCartOut)
def create_guest_cart(request):
    """Create a guest cart and answer its token.

    No account needed.  Send the token as the ``X-Cart-Token`` header to every ``/api/cart/``
    service and to guest checkout.  It is shown only in this answer; the cart expires after
    ``agora.cart.guest_days`` (default 30) days."""
    token, expires_at = shoppers.create_guest_cart(request.db, guest_days(request.settings))
    request.response.status = 201
    return {"token": token, "expires_at": expires_at.isoformat()}


@merge_svc.post(schema=In(body=CartMergeIn), validators=(validate,), permission="authenticated")
@responds(200, CartOut, description="The caller's cart with the guest cart's items added")
@responds(404, description="The guest cart's token is unknown, expired or already spent")
def merge(request):
    """Merge a guest cart into the caller's cart (after signing in).

    Quantities of the same size are summed, capped by what is available and by
    ``agora.cart.max_quantity``; the guest token is spent (404 afterwards)."""
    merge_guest_cart(request.db, request.user.id, request.validated["body"]["token"],
                     max_quantity=max_quantity(request.settings))
    return cart_answer(request.db, request.user.id, request.settings["agora.currency"])
