"""The /api/cart/ services (docs/api.md › Cart): thin views over ``items`` and ``serialize``.

Each takes the signed-in caller's cart, or a guest's with ``X-Cart-Token`` (``shoppers``)."""
from __future__ import annotations

from cornice import Service

from core.openapi import responds, takes_cart_token
from core.validation import In, validate
from plugins.cart import items
from plugins.cart.schemas import CartAddIn, CartItemPath, CartOut, CartUpdateIn
from plugins.cart.serialize import cart_answer
from plugins.cart.settings import max_quantity
from plugins.cart.shoppers import shopper_of

cart_svc = Service("cart", "/api/cart/", description="The caller's cart")
add_svc = Service("cart_add", "/api/cart/add/", description="Add a size to the cart")
update_svc = Service("cart_update", "/api/cart/update/{item_id}/", description="Set an item's quantity")
remove_svc = Service("cart_remove", "/api/cart/remove/{item_id}/", description="Remove an item")

SERVICES = [cart_svc, add_svc, update_svc, remove_svc]


def _answer(request) -> dict:
    return cart_answer(request.db, shopper_of(request), request.settings["agora.currency"])


def _max(request) -> int:
    return max_quantity(request.settings)


@cart_svc.get(permission="shopper")
@takes_cart_token()
@responds(200, CartOut)
def get_cart(request):
    """Read the caller's cart, priced from the current catalog.

    The ``discount``, ``shipping``, ``tax`` and ``total`` preview what checkout would charge for
    the available items."""
    return _answer(request)


@cart_svc.delete(permission="shopper")
@takes_cart_token()
@responds(200, CartOut, description="The emptied cart")
def empty_cart(request):
    """Empty the caller's cart."""
    items.empty_cart(request.db, shopper_of(request))
    return _answer(request)


@add_svc.post(schema=In(body=CartAddIn), validators=(validate,), permission="shopper")
@takes_cart_token()
@responds(201, CartOut)
@responds(404, description="There is no such size, or the X-Cart-Token is unknown, expired or spent")
@responds(409, description="Not that much stock: the message says how many are left")
def add(request):
    """Add a quantity of one size to the cart.

    Adds to what is already there.  At most ``agora.cart.max_quantity`` (default 99) of one size
    fit in a cart (400 beyond); more than the stock is a 409 naming what is left."""
    body = request.validated["body"]
    items.add_to_cart(request.db, shopper_of(request), body["size_id"], body["quantity"], max_quantity=_max(request))
    request.response.status = 201
    return _answer(request)


@update_svc.put(schema=In(path=CartItemPath, body=CartUpdateIn), validators=(validate,), permission="shopper")
@takes_cart_token()
@responds(200, CartOut)
@responds(409, description="Not that much stock: the message says how many are left")
def update(request):
    """Set the quantity of a cart item.

    0 removes the item.  The same limits as adding apply (per-size maximum: 400; stock: 409)."""
    items.set_quantity(request.db, shopper_of(request), request.validated["path"]["item_id"],
                       request.validated["body"]["quantity"], max_quantity=_max(request))
    return _answer(request)


@remove_svc.delete(schema=In(path=CartItemPath), validators=(validate,), permission="shopper")
@takes_cart_token()
@responds(200, CartOut)
def remove(request):
    """Remove an item from the cart."""
    items.remove_item(request.db, shopper_of(request), request.validated["path"]["item_id"])
    return _answer(request)
