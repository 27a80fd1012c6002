"""Coupons and the shopper's cart as JSON."""
from __future__ import annotations

from agora_coupons.models import Coupon
from agora_coupons.rules import percent_text
from core.money import format_minor


def coupon_json(coupon: Coupon, currency: str) -> dict:
    money = lambda amount: format_minor(amount, currency)  # noqa: E731
    return {
        "id": coupon.id,
        "code": coupon.code,
        "description": coupon.description,
        "kind": coupon.kind,
        "value": percent_text(coupon.value) if coupon.kind == "percent" else money(coupon.value),
        "currency": currency,
        "minimum_subtotal": money(coupon.minimum_subtotal),
        "valid_from": coupon.valid_from.isoformat() if coupon.valid_from else None,
        "valid_until": coupon.valid_until.isoformat() if coupon.valid_until else None,
        "usage_limit": coupon.usage_limit,
        "per_customer_limit": coupon.per_customer_limit,
        "times_used": coupon.times_used,
        "categories": list(coupon.categories or []),
        "vendors": list(coupon.vendors or []),
        "is_active": coupon.is_active,
        "created_at": coupon.created_at.isoformat(),
        "updated_at": coupon.updated_at.isoformat(),
    }


def cart_coupon_json(code: str | None, discount: int, problem: str | None, currency: str) -> dict:
    return {"code": code, "discount": format_minor(discount, currency), "problem": problem}


def cart_json(db, user, settings) -> dict:
    """The caller's cart as the cart plugin answers it (its public API, never its tables)."""
    from plugins.cart.api import cart_answer  # the declared dependency (requires = ("cart",))

    return cart_answer(db, user, settings)
