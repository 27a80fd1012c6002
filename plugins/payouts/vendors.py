"""Finding vendors (core's ``vendors`` table, read only): by their user, slug or id."""
from __future__ import annotations

from sqlalchemy import select

from core.catalog.models import Vendor
from core.errors import AgoraError, not_found


def approved_vendor(db, user_id: int) -> Vendor:
    """The caller's vendor when it is approved; 403 otherwise (payouts are for approved vendors)."""
    vendor = db.execute(select(Vendor).where(Vendor.user_id == user_id)).scalar_one_or_none()
    if vendor is None or vendor.status != "approved":
        state = "you have not applied" if vendor is None else f"your vendor account is {vendor.status}"
        raise AgoraError(403, f"Only approved vendors see balances and payouts; {state}.", location="header")
    return vendor


def vendor_by_id(db, vendor_id: int) -> Vendor:
    vendor = db.get(Vendor, vendor_id)
    if vendor is None:
        raise not_found("No such vendor.", name="id")
    return vendor


def vendor_id_by_slug(db, slug: str) -> int | None:
    return db.execute(select(Vendor.id).where(Vendor.slug == slug)).scalar_one_or_none()
