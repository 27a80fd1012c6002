"""The coupon services: managers manage ``/api/coupons/``; shoppers apply a code to their cart.

| method | path | who | answer |
|---|---|---|---|
| GET, POST | /api/coupons/ | manage | paginated coupons (``?active=``) / 201 a new coupon |
| GET, PATCH, DELETE | /api/coupons/{id}/ | manage | a coupon / change it / deactivate it (→ the coupon) |
| GET | /api/cart/coupon/ | authenticated | ``{code, discount, problem}`` for the current cart |
| POST | /api/cart/coupon/ | authenticated | ``{code}`` → the cart with its discount; unusable → 400 with the reason |
| DELETE | /api/cart/coupon/ | authenticated | → the cart without it |

Each view validates, calls one function of :mod:`agora_coupons.admin` or
:mod:`agora_coupons.usage`, and answers through :mod:`agora_coupons.serialize`.
"""
from __future__ import annotations

from cornice import Service

from agora_coupons import admin, usage
from agora_coupons.schemas import (
    CartCouponIn,
    CartCouponOut,
    CouponCartOut,
    CouponIdPath,
    CouponIn,
    CouponListQuery,
    CouponOut,
    CouponPatchIn,
)
from agora_coupons.serialize import cart_coupon_json, cart_json, coupon_json
from core.openapi import responds
from core.pagination import paginate
from core.validation import In, validate

coupons_svc = Service("coupons", "/api/coupons/", description="Coupons (managers)")
coupon_svc = Service("coupon", "/api/coupons/{id:\\d+}/", description="One coupon (managers)")
cart_coupon_svc = Service("cart_coupon", "/api/cart/coupon/", description="The coupon applied to the caller's cart")

SERVICES = [coupons_svc, coupon_svc, cart_coupon_svc]


def _currency(request) -> str:
    return request.settings["agora.currency"]


# ------------------------------------------------------------------ managers
@coupons_svc.get(schema=In(querystring=CouponListQuery), validators=(validate,), permission="manage")
@responds(200, CouponOut, paginated=True)
def list_coupons(request):
    """List coupons, newest first (managers); ``?active=`` narrows it."""
    count, fetch = admin.page(request.db, request.validated["querystring"].get("active"))
    currency = _currency(request)
    return paginate(request, count, fetch, lambda rows: [coupon_json(c, currency) for c in rows])


@coupons_svc.post(schema=In(body=CouponIn), validators=(validate,), permission="manage")
@responds(201, CouponOut)
def create_coupon(request):
    """Create a coupon (managers).

    The code is stored upper-case and matched case-insensitively; a code that exists is a 400."""
    coupon = admin.create(request.db, request.validated["body"], _currency(request))
    request.response.status = 201
    return coupon_json(coupon, _currency(request))


@coupon_svc.get(schema=In(path=CouponIdPath), validators=(validate,), permission="manage")
@responds(200, CouponOut)
def get_coupon(request):
    """Read one coupon (managers)."""
    return coupon_json(admin.get(request.db, request.validated["path"]["id"]), _currency(request))


@coupon_svc.patch(schema=In(path=CouponIdPath, body=CouponPatchIn), validators=(validate,), permission="manage")
@responds(200, CouponOut)
def update_coupon(request):
    """Change some fields of a coupon (managers)."""
    coupon = admin.change(request.db, request.validated["path"]["id"], request.validated["body"], _currency(request))
    return coupon_json(coupon, _currency(request))


@coupon_svc.delete(schema=In(path=CouponIdPath), validators=(validate,), permission="manage")
@responds(200, CouponOut, description="The deactivated coupon (kept for the orders that used it)")
def deactivate_coupon(request):
    """Deactivate a coupon (managers).

    It is kept for the orders that used it and can no longer be applied."""
    return coupon_json(admin.deactivate(request.db, request.validated["path"]["id"]), _currency(request))


# ------------------------------------------------------------------ shoppers
@cart_coupon_svc.get(permission="authenticated")
@responds(200, CartCouponOut)
def get_cart_coupon(request):
    """Read the coupon applied to the caller's cart.

    With what it takes off the current cart, or the problem that stops it (null when none)."""
    currency = _currency(request)
    code, discount, problem = usage.in_cart(request.db, request.user, currency, request=request)
    return cart_coupon_json(code, discount, problem, currency)


@cart_coupon_svc.post(schema=In(body=CartCouponIn), validators=(validate,), permission="authenticated")
@responds(200, CouponCartOut)
def apply_coupon(request):
    """Apply a coupon code to the caller's cart.

    An unusable code is a 400 saying why; the answer is the cart with its discount."""
    usage.apply_code(request.db, request.user, request.validated["body"]["code"], request=request)
    return cart_json(request.db, request.user, request.settings)


@cart_coupon_svc.delete(permission="authenticated")
@responds(200, CouponCartOut)
def remove_coupon(request):
    """Remove the coupon from the caller's cart."""
    usage.remove(request.db, request.user.id)
    return cart_json(request.db, request.user, request.settings)
