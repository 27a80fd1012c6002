"""The /api/wishlist/ services (docs/api.md › Wishlist), except move-to-cart (``plugins.wishlist.move``)."""
from __future__ import annotations

from cornice import Service

from core.openapi import responds
from core.pagination import paginate
from core.validation import In, validate
from plugins.wishlist import entries, serialize
from plugins.wishlist.schemas import (
    WishlistAddIn,
    WishlistBulkAddIn,
    WishlistBulkAddOut,
    WishlistBulkRemoveIn,
    WishlistBulkRemoveOut,
    WishlistEntryOut,
    WishlistEntryPath,
    WishlistQuery,
)
from plugins.wishlist.settings import max_items

list_svc = Service("wishlist", "/api/wishlist/", description="The caller's wishlist")
add_svc = Service("wishlist_add", "/api/wishlist/add/", description="Add a product to the wishlist")
remove_svc = Service("wishlist_remove", "/api/wishlist/remove/{id}/", description="Remove an entry")
bulk_add_svc = Service("wishlist_bulk_add", "/api/wishlist/bulk-add/", description="Add several products")
bulk_remove_svc = Service("wishlist_bulk_remove", "/api/wishlist/bulk-remove/", description="Remove several entries")

SERVICES = [list_svc, add_svc, remove_svc, bulk_add_svc, bulk_remove_svc]



@list_svc.get(schema=In(querystring=WishlistQuery), validators=(validate,), permission="authenticated")
@responds(200, WishlistEntryOut, paginated=True)
def list_entries(request):
    """List the caller's wishlist, newest first."""
    user_id = request.user.id
    return paginate(request, entries.count(request.db, user_id),
                    lambda offset, limit: serialize.page(request.db, user_id, offset, limit),
                    lambda rows: serialize.entries_json(request.db, rows))


@add_svc.post(schema=In(body=WishlistAddIn), validators=(validate,), permission="authenticated")
@responds(201, WishlistEntryOut, description="Added")
@responds(200, WishlistEntryOut, description="Already there; nothing added")
@responds(404, description="There is no such product")
def add(request):
    """Add a product to the wishlist.

    201 when added, 200 when it was already there (nothing changes)."""
    user_id = request.user.id
    entry_id, created = entries.add(request.db, user_id, request.validated["body"]["product_id"],
                                    cap=max_items(request.settings))
    request.response.status = 201 if created else 200
    return serialize.entry_json(request.db, user_id, entry_id)


@remove_svc.delete(schema=In(path=WishlistEntryPath), validators=(validate,), permission="authenticated")
@responds(204, None)
def remove(request):
    """Remove an entry from the wishlist."""
    entries.remove(request.db, request.user.id, request.validated["path"]["id"])
    response = request.response
    response.status = 204
    del response.headers["Content-Type"]  # a 204 has no body, so no type
    return response


@bulk_add_svc.post(schema=In(body=WishlistBulkAddIn), validators=(validate,), permission="authenticated")
@responds(200, WishlistBulkAddOut)
def bulk_add(request):
    """Add several products to the wishlist at once.

    The answer lists what was added and what was skipped, with the reason."""
    return entries.bulk_add(request.db, request.user.id, request.validated["body"]["product_ids"],
                            cap=max_items(request.settings))


@bulk_remove_svc.post(schema=In(body=WishlistBulkRemoveIn), validators=(validate,), permission="authenticated")
@responds(200, WishlistBulkRemoveOut)
def bulk_remove(request):
    """Remove several wishlist entries at once.

    Ids that are not the caller's entries are ignored; the answer counts what was removed."""
    return {"removed": entries.bulk_remove(request.db, request.user.id, request.validated["body"]["ids"])}
