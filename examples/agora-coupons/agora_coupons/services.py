"""The coupon services: managers manage ``/api/coupons/``; shoppers apply a code to their cart.

| method | path | who | answer |
|---|---|---|---|
| GET, POST | /api/coupons/ | manage | paginated coupons (``?active=``) / 201 a new coupon |
| GET, PATCH, DELETE | /api/coupons/{id}/ | manage | a coupon / change it / deactivate it (→ the coupon) |
| GET | /api/cart/coupon/ | authenticated | ``{code, discount, problem}`` for the current cart |
| POST | /api/cart/coupon/ | authenticated | ``{code}`` → the cart with its discount; unusable → 400 with the reason |
| DELETE | /api/cart/coupon/ | authenticated | → the cart without it |
"""
from __future__ import annotations

from cornice import Service
from sqlalchemy import func, select

from agora_coupons import admin, usage
from agora_coupons.models import Coupon
from agora_coupons.rules import discount_for, state_problem
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
from core.db import utcnow
from core.errors import AgoraError, not_found
from core.money import format_minor
from core.openapi import responds
from core.orders.pricing import price_lines
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
    query = request.validated["querystring"]
    where = [Coupon.is_active.is_(query["active"])] if "active" in query else []
    count = request.db.execute(select(func.count(Coupon.id)).where(*where)).scalar_one()

    def fetch(offset, limit):
        return request.db.execute(select(Coupon).where(*where).order_by(Coupon.created_at.desc(), Coupon.id.desc())
                                  .offset(offset).limit(limit)).scalars().all()

    currency = _currency(request)
    return paginate(request, count, fetch, lambda rows: [admin.coupon_json(c, currency) for c in rows])


@coupons_svc.post(schema=In(body=CouponIn), validators=(validate,), permission="manage")
@responds(201, CouponOut)
def create_coupon(request):
    """Create a coupon (managers).

    The code is stored upper-case and matched case-insensitively; a code that exists is a 400."""
    coupon = admin.create(request.db, request.validated["body"], _currency(request))
    request.response.status = 201
    return admin.coupon_json(coupon, _currency(request))


def _coupon(request) -> Coupon:
    coupon = request.db.get(Coupon, request.validated["path"]["id"])
    if coupon is None:
        raise not_found("No such coupon.", name="id")
    return coupon


@coupon_svc.get(schema=In(path=CouponIdPath), validators=(validate,), permission="manage")
@responds(200, CouponOut)
def get_coupon(request):
    """Read one coupon (managers)."""
    return admin.coupon_json(_coupon(request), _currency(request))


@coupon_svc.patch(schema=In(path=CouponIdPath, body=CouponPatchIn), validators=(validate,), permission="manage")
@responds(200, CouponOut)
def update_coupon(request):
    """Change some fields of a coupon (managers)."""
    coupon = _coupon(request)
    admin.update(request.db, coupon, request.validated["body"], _currency(request))
    return admin.coupon_json(coupon, _currency(request))


@coupon_svc.delete(schema=In(path=CouponIdPath), validators=(validate,), permission="manage")
@responds(200, CouponOut, description="The deactivated coupon (kept for the orders that used it)")
def deactivate_coupon(request):
    """Deactivate a coupon (managers).

    It is kept for the orders that used it and can no longer be applied."""
    coupon = _coupon(request)
    coupon.is_active = False
    request.db.flush()
    return admin.coupon_json(coupon, _currency(request))


# ------------------------------------------------------------------ shoppers
def _cart(request) -> dict:
    """The caller's cart as the cart plugin answers it (its public API, never its tables)."""
    from plugins.cart.api import cart_answer  # the declared dependency (requires = ("cart",))

    return cart_answer(request.db, request.user, request.settings)


def _priced_cart_lines(request):
    """The caller's cart lines priced from the catalog, through the public checkout hooks."""
    lines = request.hooks.agora_checkout_lines(request=request, user=request.user)
    if not lines:
        raise AgoraError(400, "Your cart is empty; add something before applying a coupon.", name="cart")
    return price_lines(request, request.user, lines)


@cart_coupon_svc.get(permission="authenticated")
@responds(200, CartCouponOut)
def get_cart_coupon(request):
    """Read the coupon applied to the caller's cart.

    With what it takes off the current cart, or the problem that stops it (null when none)."""
    currency = _currency(request)
    coupon = usage.applied_coupon(request.db, request.user.id)
    if coupon is None:
        return {"code": None, "discount": format_minor(0, currency), "problem": None}
    problem = state_problem(request.db, coupon, request.user.id, utcnow())
    amount = 0
    if problem is None:
        lines = request.hooks.agora_checkout_lines(request=request, user=request.user)
        if not lines:
            problem = "Your cart is empty."
        else:
            try:
                pricing = price_lines(request, request.user, lines)
            except AgoraError as exc:  # e.g. an item no longer sold: say so instead of failing
                problem = str(exc)
            else:
                found = discount_for(request.db, coupon, pricing.lines, pricing.subtotal, currency)
                amount, problem = found.amount, found.problem
    return {"code": coupon.code, "discount": format_minor(amount, currency), "problem": problem}


@cart_coupon_svc.post(schema=In(body=CartCouponIn), validators=(validate,), permission="authenticated")
@responds(200, CouponCartOut)
def apply_coupon(request):
    """Apply a coupon code to the caller's cart.

    An unusable code is a 400 saying why; the answer is the cart with its discount."""
    code = request.validated["body"]["code"]
    coupon = usage.check_usable(request.db, usage.find_coupon(request.db, code), code, request.user.id)
    pricing = _priced_cart_lines(request)
    found = discount_for(request.db, coupon, pricing.lines, pricing.subtotal, pricing.currency)
    if found.problem:
        raise AgoraError(400, found.problem, name="code")
    usage.apply(request.db, request.user.id, coupon)
    return _cart(request)


@cart_coupon_svc.delete(permission="authenticated")
@responds(200, CouponCartOut)
def remove_coupon(request):
    """Remove the coupon from the caller's cart."""
    usage.remove(request.db, request.user.id)
    return _cart(request)
