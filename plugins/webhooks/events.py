"""Events: what can be subscribed to, and writing one in the transaction of what caused it.

:func:`emit` is called by the hook implementations with the caller's session (``request.db``):
the event row and one delivery row per active endpoint subscribed to its type are added to
that transaction, so they commit with the order, the approval, the product — or vanish with
them.  Nothing is written when no active endpoint subscribes (the object is not even
serialized then).  ``data`` is the object as the API shows it at that moment of the
transaction: an order as ``GET /api/orders/{id}/`` shows it, a vendor as the vendor services
show it, a product as ``GET /api/vendor/products/{id}/`` shows it.

``return.requested`` and ``return.refunded`` carry the return as ``GET /api/returns/{id}/`` shows
it; ``payout.*`` the payout as the payouts services show it.
"""
from __future__ import annotations

from sqlalchemy import select

from core.db import utcnow
from plugins.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

ORDER_EVENTS = ("order.placed", "order.paid", "order.status_changed", "order.shipped", "order.cancelled",
                "order.refunded")
VENDOR_EVENTS = ("vendor.applied", "vendor.approved", "vendor.suspended")
PRODUCT_EVENTS = ("product.created", "product.updated")
RETURN_EVENTS = ("return.requested", "return.refunded")
PAYOUT_EVENTS = ("payout.created", "payout.paid", "payout.failed")  # emitted once the payouts plugin lands
PING = "ping"  # sent to one endpoint on request; not subscribable
SUBSCRIBABLE = ORDER_EVENTS + RETURN_EVENTS + VENDOR_EVENTS + PAYOUT_EVENTS + PRODUCT_EVENTS
EVENT_TYPES = SUBSCRIBABLE + (PING,)


def subscribers(db, event_type: str) -> list[WebhookEndpoint]:
    """Active endpoints subscribed to ``event_type`` (the table is small: filtered here)."""
    endpoints = db.execute(select(WebhookEndpoint).where(WebhookEndpoint.is_active.is_(True))
                           .order_by(WebhookEndpoint.id)).scalars().all()
    return [e for e in endpoints if e.subscribes_to(event_type)]


def record(db, event_type: str, data: dict, endpoints: list[WebhookEndpoint]) -> WebhookEvent:
    """Write the event and one pending delivery per endpoint, due now."""
    event = WebhookEvent(type=event_type, data=data, created_at=utcnow())
    db.add(event)
    db.flush()
    db.add_all([WebhookDelivery(event_id=event.id, endpoint_id=e.id, next_attempt_at=event.created_at)
                for e in endpoints])
    db.flush()
    return event


def emit(db, event_type: str, make_data) -> WebhookEvent | None:
    """Record ``event_type`` for its subscribers; ``make_data()`` builds the object only if needed."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    endpoints = subscribers(db, event_type)
    if not endpoints:
        return None
    return record(db, event_type, make_data(), endpoints)


# --------------------------------------------------------------------------- the objects
def order_data(db, order) -> dict:
    """The order as ``GET /api/orders/{id}/`` shows it (pending changes are flushed first)."""
    from core.orders.serialize import load_orders, order_json

    db.flush()
    return order_json(load_orders(db, [order.id])[0])


def vendor_data(vendor) -> dict:
    from core.catalog.serialize import vendor_json

    return vendor_json(vendor)


def product_data(db, product) -> dict:
    """The product as its vendor's ``GET /api/vendor/products/{id}/`` shows it."""
    from core.catalog.serialize import product_detail

    db.flush()
    return product_detail(db, product)


def ping_data(endpoint: WebhookEndpoint) -> dict:
    return {"endpoint_id": endpoint.id, "url": endpoint.url, "message": "Agora webhook test (ping)."}
