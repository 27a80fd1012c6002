"""The coupon in a shopper's cart, its price at checkout, and its use by an order.

The functions take the session and plain values; the hooks in :mod:`agora_coupons` and the
cart-coupon views call them.  The two that price the cart (:func:`in_cart`, :func:`apply_code`)
take the request only as the context of Agora's checkout hooks, which build and price the lines.

Never over-used (``usage_limit``): :func:`record_use` runs inside the checkout transaction
(``agora_checkout_completed``) and increments the counter with one conditional statement,
``UPDATE coupons SET times_used = times_used + 1 WHERE id = ? AND times_used < usage_limit``.
On PostgreSQL a concurrent checkout blocks on the row that statement locks and, once the first
commits, re-evaluates the condition against the committed counter: when the limit is reached
it updates nothing and the checkout is refused with 409 (its order rolls back).  The row lock is
held until commit, so the per-customer count that follows is serialised too.  On SQLite the
whole transaction holds the write lock (``BEGIN IMMEDIATE``).  A ``CHECK`` constraint
(``times_used <= usage_limit``) backs this up in the database itself.
"""
from __future__ import annotations

from sqlalchemy import delete, select, update

from agora_coupons import rules
from agora_coupons.models import Coupon, CouponApplication, CouponUsage
from core.db import utcnow
from core.errors import AgoraError
from core.orders.pricing import price_lines

ADJUSTMENT_CODE = "coupon"


def normalize(code: str) -> str:
    return code.strip().upper()


def find_coupon(db, code: str) -> Coupon | None:
    return db.execute(select(Coupon).where(Coupon.code == normalize(code))).scalar_one_or_none()


def applied_coupon(db, user_id: int) -> Coupon | None:
    """The coupon ``user_id`` applied to their cart, in one statement."""
    return db.execute(select(Coupon).join(CouponApplication, CouponApplication.coupon_id == Coupon.id)
                      .where(CouponApplication.user_id == user_id)).scalar_one_or_none()


def check_usable(db, coupon: Coupon | None, code: str, user_id: int) -> Coupon:
    """The coupon, or a 400 saying why it cannot be used (unknown, inactive, expired, used up)."""
    if coupon is None:
        raise AgoraError(400, f"There is no coupon {normalize(code)}.", name="code")
    problem = rules.state_problem(db, coupon, user_id, utcnow())
    if problem:
        raise AgoraError(400, problem, name="code")
    return coupon


def apply(db, user_id: int, coupon: Coupon) -> None:
    """Make ``coupon`` the one applied to the user's cart (replacing any other)."""
    db.execute(delete(CouponApplication).where(CouponApplication.user_id == user_id))
    db.add(CouponApplication(user_id=user_id, coupon_id=coupon.id, applied_at=utcnow()))
    db.flush()


def in_cart(db, user, currency: str, *, request) -> tuple[str | None, int, str | None]:
    """``(code, discount, problem)`` of the coupon applied to ``user``'s cart (all None/0 when none).

    ``problem`` says what stops it (expired, empty cart, below its minimum …), else None."""
    coupon = applied_coupon(db, user.id)
    if coupon is None:
        return None, 0, None
    problem = rules.state_problem(db, coupon, user.id, utcnow())
    if problem is not None:
        return coupon.code, 0, problem
    lines = request.hooks.agora_checkout_lines(request=request, user=user)
    if not lines:
        return coupon.code, 0, "Your cart is empty."
    try:
        pricing = price_lines(request, user, lines)
    except AgoraError as exc:  # e.g. an item no longer sold: say so instead of failing
        return coupon.code, 0, str(exc)
    found = rules.discount_for(db, coupon, pricing.lines, pricing.subtotal, currency)
    return coupon.code, found.amount, found.problem


def apply_code(db, user, code: str, *, request) -> Coupon:
    """Apply ``code`` to ``user``'s cart; a 400 on ``code`` saying why when it cannot be used."""
    coupon = check_usable(db, find_coupon(db, code), code, user.id)
    lines = request.hooks.agora_checkout_lines(request=request, user=user)
    if not lines:
        raise AgoraError(400, "Your cart is empty; add something before applying a coupon.", name="cart")
    pricing = price_lines(request, user, lines)
    found = rules.discount_for(db, coupon, pricing.lines, pricing.subtotal, pricing.currency)
    if found.problem:
        raise AgoraError(400, found.problem, name="code")
    apply(db, user.id, coupon)
    return coupon


def remove(db, user_id: int) -> None:
    db.execute(delete(CouponApplication).where(CouponApplication.user_id == user_id))


def price(db, user_id: int, lines, pricing) -> None:
    """``agora_checkout_price``: add the applied coupon's discount as a negative adjustment.

    A coupon that is not usable any more or no longer fits the cart adds nothing (the cart
    shows no discount; paying with an unusable one is refused by :func:`validate`)."""
    coupon = applied_coupon(db, user_id)
    if coupon is None or rules.state_problem(db, coupon, user_id, utcnow()):
        return
    discount = rules.discount_for(db, coupon, lines, pricing.subtotal, pricing.currency)
    if discount.amount > 0:
        pricing.add_adjustment(ADJUSTMENT_CODE, f"Coupon {coupon.code} ({rules.describe_value(coupon, pricing.currency)})",
                               -discount.amount)


def validate(db, user_id: int) -> None:
    """``agora_checkout_validate``: refuse to pay with an applied coupon that cannot be used."""
    coupon = applied_coupon(db, user_id)
    if coupon is None:
        return
    problem = rules.state_problem(db, coupon, user_id, utcnow())
    if problem:
        raise AgoraError(400, f"{problem} Remove it from your cart (DELETE /api/cart/coupon/) to pay "
                              "without it.", name="coupon")


def record_use(db, order) -> None:
    """``agora_checkout_completed``: count the order's coupon use, race-free (module docstring)."""
    adjustment = next((a for a in (order.adjustments or []) if a.get("code") == ADJUSTMENT_CODE), None)
    if adjustment is None:
        return  # no discount was given: the coupon stays applied for a later cart
    coupon = applied_coupon(db, order.user_id)
    if coupon is None:  # impossible within one transaction; refuse rather than give it away
        raise AgoraError(409, "The coupon was removed from your cart during checkout; pay again.", name="coupon")
    counted = db.execute(
        update(Coupon)
        .where(Coupon.id == coupon.id, Coupon.is_active.is_(True),
               (Coupon.usage_limit.is_(None)) | (Coupon.times_used < Coupon.usage_limit))
        .values(times_used=Coupon.times_used + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if counted != 1:
        raise AgoraError(409, f"Coupon {coupon.code} was used up while you were checking out; "
                              "remove it and pay again.", name="coupon")
    if coupon.per_customer_limit is not None \
            and rules.customer_uses(db, coupon, order.user_id) >= coupon.per_customer_limit:
        raise AgoraError(409, f"You have already used coupon {coupon.code} as often as it allows.", name="coupon")
    db.add(CouponUsage(coupon_id=coupon.id, user_id=order.user_id, order_id=order.id,
                       amount=-int(adjustment["amount"]), used_at=utcnow()))
    remove(db, order.user_id)


def release_use(db, order) -> None:
    """``agora_order_cancelled``: a cancelled order gives its coupon use back."""
    usage = db.execute(select(CouponUsage).where(CouponUsage.order_id == order.id)).scalar_one_or_none()
    if usage is None:
        return
    db.execute(update(Coupon).where(Coupon.id == usage.coupon_id, Coupon.times_used > 0)
               .values(times_used=Coupon.times_used - 1).execution_options(synchronize_session=False))
    db.delete(usage)
