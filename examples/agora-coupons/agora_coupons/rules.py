"""When a coupon may be used, and how much it takes off.

Two kinds of conditions, checked in two places:

* the coupon's own state (:func:`state_problem`): active, inside its validity window, not used
  up, not used up *by this customer*.  Checked when a code is applied and by
  ``agora_checkout_validate`` (so an expired or exhausted code refuses the payment with 400);
* the cart (:func:`discount_for`): minimum subtotal, and for a restricted coupon at least one
  line in its categories or from its vendors.  Checked when a code is applied; at pricing time
  a coupon that no longer fits the cart simply gives no discount (the cart shows it).

Rounding (README › Money): a percentage discount is computed once per order on the sum of the
eligible lines and rounded half-up to the minor unit (:func:`core.money.percent_of`), so 10 %
of 3 × 19.99 = 59.97 is 6.00 (5.997 rounded), never a per-line sum of roundings.  A fixed
discount never exceeds the eligible lines' total.  Tax is computed by core on the subtotal
after the discount.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from agora_coupons.models import Coupon, CouponUsage
from core.catalog.models import Category, Vendor
from core.money import format_minor, percent_of


def describe_value(coupon: Coupon, currency: str) -> str:
    """``"10 % off"`` / ``"5.00 USD off"`` (for labels and messages)."""
    if coupon.kind == "percent":
        return f"{percent_text(coupon.value)} % off"
    return f"{format_minor(coupon.value, currency)} {currency} off"


def percent_text(basis_points: int) -> str:
    """``1000`` → ``"10"``, ``1250`` → ``"12.5"``."""
    text = f"{Decimal(basis_points).scaleb(-2):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def customer_uses(db, coupon: Coupon, user_id: int) -> int:
    return db.execute(select(func.count(CouponUsage.id)).where(
        CouponUsage.coupon_id == coupon.id, CouponUsage.user_id == user_id)).scalar_one()


def state_problem(db, coupon: Coupon, user_id: int | None, now: datetime) -> str | None:
    """Why ``coupon`` cannot be used right now by ``user_id``, or None."""
    if not coupon.is_active:
        return f"Coupon {coupon.code} is no longer active."
    if coupon.valid_from is not None and now < coupon.valid_from:
        return f"Coupon {coupon.code} is valid from {coupon.valid_from.isoformat()}."
    if coupon.valid_until is not None and now >= coupon.valid_until:
        return f"Coupon {coupon.code} expired on {coupon.valid_until.isoformat()}."
    if coupon.usage_limit is not None and coupon.times_used >= coupon.usage_limit:
        return f"Coupon {coupon.code} has been used up."
    if coupon.per_customer_limit is not None and user_id is not None \
            and customer_uses(db, coupon, user_id) >= coupon.per_customer_limit:
        times = "once" if coupon.per_customer_limit == 1 else f"{coupon.per_customer_limit} times"
        return f"You have already used coupon {coupon.code} (it can be used {times} per customer)."
    return None


@dataclass
class Discount:
    amount: int  # minor units, positive; 0 with a ``problem`` when it does not apply
    problem: str | None = None


def eligible_ids(db, coupon: Coupon) -> tuple[set[int] | None, set[int] | None]:
    """(category ids incl. descendants, vendor ids) of a restricted coupon; None = no restriction.

    At most one statement per kind of restriction, whatever the number of slugs."""
    categories = vendors = None
    if coupon.categories:
        tree = select(Category.id).where(Category.slug.in_(coupon.categories)).cte("coupon_categories",
                                                                                  recursive=True)
        tree = tree.union_all(select(Category.id).where(Category.parent_id == tree.c.id))
        categories = set(db.execute(select(tree.c.id)).scalars())
    if coupon.vendors:
        vendors = set(db.execute(select(Vendor.id).where(Vendor.slug.in_(coupon.vendors))).scalars())
    return categories, vendors


def discount_for(db, coupon: Coupon, lines, subtotal: int, currency: str) -> Discount:
    """The discount ``coupon`` gives priced ``lines`` (``CheckoutLine`` with ``unit_price``)."""
    if subtotal < coupon.minimum_subtotal:
        return Discount(0, f"Coupon {coupon.code} needs a subtotal of at least "
                           f"{format_minor(coupon.minimum_subtotal, currency)} {currency} "
                           f"(your cart: {format_minor(subtotal, currency)}).")
    categories, vendors = eligible_ids(db, coupon)
    eligible = sum(line.unit_price * line.quantity for line in lines
                   if (categories is None or line.category_id in categories)
                   and (vendors is None or line.vendor_id in vendors))
    if eligible <= 0:
        where = []
        if coupon.categories:
            where.append("categories " + ", ".join(coupon.categories))
        if coupon.vendors:
            where.append("vendors " + ", ".join(coupon.vendors))
        return Discount(0, f"Coupon {coupon.code} applies only to products of {' and '.join(where)}; "
                           "none is in your cart.")
    if coupon.kind == "percent":
        amount = percent_of(eligible, Decimal(coupon.value).scaleb(-2))
    else:
        amount = coupon.value
    return Discount(min(amount, eligible))
