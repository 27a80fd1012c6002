"""The vendor workflow: apply, then a manager approves, rejects or suspends.

::

    pending ──approve──▶ approved ──suspend──▶ suspended
       │                    ▲                      │
       └──reject──▶ rejected └──────approve────────┘ (reinstated)

Any other move is refused with 409.  The user's role follows the decision: ``vendor``
while approved, ``customer`` otherwise (staff roles, manager and admin, are never touched).
These functions take the session and values, not the request; the services fire the hooks.
"""
from __future__ import annotations

from sqlalchemy import func, select

from core.accounts.models import User
from core.catalog.models import Vendor
from core.catalog.serialize import vendor_json  # noqa: F401  (the vendor's JSON lives in core: webhooks send it too)
from core.catalog.slugs import unique_slug
from core.db import utcnow
from core.errors import AgoraError, not_found

# action → (statuses it may start from, status it leads to)
TRANSITIONS = {
    "approve": (("pending", "suspended"), "approved"),
    "reject": (("pending",), "rejected"),
    "suspend": (("approved",), "suspended"),
}


def vendor_of(db, user_id: int) -> Vendor | None:
    return db.execute(select(Vendor).where(Vendor.user_id == user_id)).scalar_one_or_none()


def apply(db, user: User, store_name: str, description: str) -> Vendor:
    """Create ``user``'s pending application; one per user (a second one → 409)."""
    existing = vendor_of(db, user.id)
    if existing is not None:
        raise AgoraError(409, f"You have already applied; your application is {existing.status}.",
                         name="store_name")
    vendor = Vendor(user_id=user.id, name=store_name, description=description, status="pending",
                    slug=unique_slug(db, Vendor.slug, store_name, max_length=120))
    db.add(vendor)
    db.flush()  # a concurrent second application hits the unique user_id here → 409
    return vendor


def decide(db, vendor: Vendor, action: str, reason: str = "") -> Vendor:
    """Move ``vendor`` by ``action`` (approve/reject/suspend) and align the user's role."""
    sources, target = TRANSITIONS[action]
    if vendor.status not in sources:
        raise AgoraError(409, f"A {vendor.status} vendor cannot be {target} "
                              f"(only from {' or '.join(sources)}).", name="status")
    vendor.status = target
    vendor.status_reason = reason
    vendor.decided_at = utcnow()
    user = db.get(User, vendor.user_id)
    if target == "approved" and user.role == "customer":
        user.role = "vendor"
    elif target != "approved" and user.role == "vendor":
        user.role = "customer"
    db.flush()
    return vendor


def vendor_by_id(db, vendor_id: int) -> Vendor:
    vendor = db.get(Vendor, vendor_id)
    if vendor is None:
        raise not_found("No such vendor.", name="id")
    return vendor


def _listed(status: str | None):
    query = select(Vendor)
    return query.where(Vendor.status == status) if status else query


def count_vendors(db, status: str | None) -> int:
    return db.scalar(select(func.count()).select_from(_listed(status).subquery()))


def page_of_vendors(db, status: str | None, offset: int, limit: int) -> list[Vendor]:
    """Vendors and applications, oldest first, optionally of one status."""
    return db.execute(_listed(status).order_by(Vendor.created_at, Vendor.id).offset(offset).limit(limit)).scalars().all()


def announce_decision(request, vendor: Vendor, action: str, reason: str) -> None:
    """Fire the decision's hook in its transaction (``request`` is the hooks' context by contract)."""
    hooks = request.hooks
    if action == "approve":
        hooks.agora_vendor_approved(request=request, vendor=vendor)
    elif action == "reject":
        hooks.agora_vendor_rejected(request=request, vendor=vendor, reason=reason)
    else:
        hooks.agora_vendor_suspended(request=request, vendor=vendor, reason=reason)
