"""Managing coupons (managers): list, create, change, deactivate.

Everything a client can get wrong answers 400 on the field concerned: a duplicate code (codes
are compared upper-case), a percentage outside (0, 100] or with more than two decimals, an
amount with more decimals than the currency has, an unknown category or vendor slug, a usage
limit below the uses already counted.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from agora_coupons.models import Coupon
from core.catalog.models import Category, Vendor
from core.db import utcnow
from core.errors import AgoraError, not_found
from core.money import format_minor, to_minor

FIELDS = ("code", "description", "kind", "value", "minimum_subtotal", "valid_from", "valid_until",
          "usage_limit", "per_customer_limit", "categories", "vendors", "is_active")


def _bad(name: str, description: str) -> AgoraError:
    return AgoraError(400, description, name=name)


def stored_value(kind: str, value: Decimal, currency: str) -> int:
    """The ``value`` column: hundredths of a percent, or minor units."""
    if kind == "percent":
        if not (0 < value <= 100):
            raise _bad("value", "A percentage must be more than 0 and at most 100.")
        if value.scaleb(2) != value.scaleb(2).to_integral_value():
            raise _bad("value", "A percentage has at most 2 decimal places.")
        return int(value.scaleb(2))
    try:
        amount = to_minor(value, currency)
    except ValueError as exc:
        raise _bad("value", f"Not a valid amount: {exc}.") from None
    if amount <= 0:
        raise _bad("value", "The amount must be more than 0.")
    return amount


def _check_slugs(db, name: str, model, slugs: list[str]) -> list[str]:
    slugs = list(dict.fromkeys(slugs))
    if not slugs:
        return []
    known = set(db.execute(select(model.slug).where(model.slug.in_(slugs))).scalars())
    for index, slug in enumerate(slugs):
        if slug not in known:
            raise _bad(f"{name}.{index}", f"There is no {name[:-1] if name == 'vendors' else 'category'} {slug!r}.")
    return slugs


def _apply(db, coupon: Coupon, data: dict, currency: str) -> None:
    """Write validated ``data`` (a full coupon: current values merged with the changes)."""
    code = data["code"].upper()
    clash = db.execute(select(Coupon.id).where(Coupon.code == code)).scalar_one_or_none()
    if clash is not None and clash != coupon.id:
        raise _bad("code", f"A coupon with code {code} exists already.")
    start, end = data["valid_from"], data["valid_until"]
    if start is not None and end is not None and end <= start:
        raise _bad("valid_until", "Must be after valid_from.")
    if data["usage_limit"] is not None and data["usage_limit"] < (coupon.times_used or 0):
        raise _bad("usage_limit", f"The coupon has been used {coupon.times_used} times already.")
    minimum = data["minimum_subtotal"]
    try:
        minimum = 0 if minimum is None else to_minor(minimum, currency)
    except ValueError as exc:
        raise _bad("minimum_subtotal", f"Not a valid amount: {exc}.") from None
    coupon.code = code
    coupon.description = data["description"]
    coupon.kind = data["kind"]
    coupon.value = stored_value(data["kind"], Decimal(data["value"]), currency)
    coupon.minimum_subtotal = minimum
    coupon.valid_from, coupon.valid_until = start, end
    coupon.usage_limit, coupon.per_customer_limit = data["usage_limit"], data["per_customer_limit"]
    coupon.categories = _check_slugs(db, "categories", Category, data["categories"] or [])
    coupon.vendors = _check_slugs(db, "vendors", Vendor, data["vendors"] or [])
    coupon.is_active = data["is_active"]
    coupon.updated_at = utcnow()


def create(db, data: dict, currency: str) -> Coupon:
    coupon = Coupon(times_used=0, created_at=utcnow())
    _apply(db, coupon, data, currency)
    db.add(coupon)
    db.flush()
    return coupon


def current_values(coupon: Coupon, currency: str) -> dict:
    """The coupon's fields in the shape the input schema loads (to merge a PATCH into)."""
    value = Decimal(coupon.value).scaleb(-2) if coupon.kind == "percent" else Decimal(
        format_minor(coupon.value, currency))
    return {
        "code": coupon.code, "description": coupon.description, "kind": coupon.kind, "value": value,
        "minimum_subtotal": Decimal(format_minor(coupon.minimum_subtotal, currency)),
        "valid_from": coupon.valid_from, "valid_until": coupon.valid_until,
        "usage_limit": coupon.usage_limit, "per_customer_limit": coupon.per_customer_limit,
        "categories": list(coupon.categories or []), "vendors": list(coupon.vendors or []),
        "is_active": coupon.is_active,
    }


def update(db, coupon: Coupon, changes: dict, currency: str) -> None:
    """Apply a PATCH; changing ``kind`` needs a ``value`` for the new kind."""
    if "kind" in changes and changes["kind"] != coupon.kind and "value" not in changes:
        raise _bad("value", "Give the value for the new kind.")
    if changes.get("value", 0) is None or changes.get("kind", "") is None or changes.get("code", "") is None:
        raise _bad("body", "code, kind and value cannot be null.")
    merged = {**current_values(coupon, currency), **changes}
    merged["description"] = merged["description"] or ""
    merged["is_active"] = True if merged["is_active"] is None else merged["is_active"]
    _apply(db, coupon, merged, currency)
    db.flush()


def page(db, active: bool | None):
    """``(count, fetch(offset, limit))`` of the coupons, newest first, optionally by ``active``."""
    where = [Coupon.is_active.is_(active)] if active is not None else []
    count = db.execute(select(func.count(Coupon.id)).where(*where)).scalar_one()

    def fetch(offset, limit):
        return db.execute(select(Coupon).where(*where).order_by(Coupon.created_at.desc(), Coupon.id.desc())
                          .offset(offset).limit(limit)).scalars().all()

    return count, fetch


def get(db, coupon_id: int) -> Coupon:
    """The coupon ``coupon_id``, or a 404."""
    coupon = db.get(Coupon, coupon_id)
    if coupon is None:
        raise not_found("No such coupon.", name="id")
    return coupon


def change(db, coupon_id: int, changes: dict, currency: str) -> Coupon:
    """Apply a PATCH to the coupon ``coupon_id`` (404 when there is none)."""
    coupon = get(db, coupon_id)
    update(db, coupon, changes, currency)
    return coupon


def deactivate(db, coupon_id: int) -> Coupon:
    """Deactivate the coupon: kept for the orders that used it, it can no longer be applied."""
    coupon = get(db, coupon_id)
    coupon.is_active = False
    db.flush()
    return coupon
