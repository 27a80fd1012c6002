"""Move a wishlist entry into the cart: the one place the wishlist uses the cart plugin.

Imported (and ``move_svc`` registered) only when ``cart`` is enabled (see
``plugins.wishlist``); it uses the cart's public :mod:`plugins.cart.api` and its answer
schema, never its internals.
"""
from __future__ import annotations

from cornice import Service
from sqlalchemy import select

from core.catalog.models import Size, Variant
from core.errors import AgoraError
from core.openapi import responds
from core.validation import In, validate
from plugins.cart import api as cart_api
from plugins.cart.schemas import CartOut
from plugins.wishlist.entries import own_entry
from plugins.wishlist.schemas import WishlistEntryPath, WishlistMoveIn

move_svc = Service("wishlist_move_to_cart", "/api/wishlist/{id}/move-to-cart/",
                   description="Move an entry into the cart (needs the cart plugin)")


def move_to_cart(db, user, entry_id: int, size_id: int, quantity: int, settings) -> dict:
    """Add ``quantity`` of ``size_id`` (a size of the entry's product) to the cart, drop the
    entry, and return the cart.  The cart's errors (400/404/409) pass through unchanged and
    the entry stays when one is raised."""
    entry = own_entry(db, user.id, entry_id)
    product_id = db.execute(select(Variant.product_id).join(Size, Size.variant_id == Variant.id)
                            .where(Size.id == size_id)).scalar_one_or_none()
    if product_id is None:
        raise AgoraError(404, f"There is no size {size_id}.", name="size_id")
    if product_id != entry.product_id:
        raise AgoraError(400, f"Size {size_id} is not a size of the product in this entry.", name="size_id")
    cart_api.add_to_cart(db, user, size_id, quantity, settings)
    db.delete(entry)
    db.flush()
    return cart_api.cart_answer(db, user, settings)


@move_svc.post(schema=In(path=WishlistEntryPath, body=WishlistMoveIn), validators=(validate,), permission="authenticated")
@responds(200, CartOut, description="The cart, with the size added")
@responds(409, description="Not that much stock: the message says how many are left")
def move_to_cart_view(request):
    """Move a wishlist entry into the cart.

    Adds the given size of the entry's product to the cart and removes the entry; the cart's
    limits apply (per-size maximum: 400, stock: 409) and the entry stays when one is hit."""
    body = request.validated["body"]
    return move_to_cart(request.db, request.user, request.validated["path"]["id"],
                        body["size_id"], body["quantity"], request.settings)
