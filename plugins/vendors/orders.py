"""The vendor's side of orders: the lines of its products, and shipping them.

A vendor sees an order only through its own lines: never another vendor's lines, never the
customer's payment details, email or phone — only what it takes to ship the parcel.

Shipping locks the order row first (``SELECT … FOR UPDATE``), exactly like a manager's
status move or a cancellation, so every writer of an order's lines is serialized on that
row.  Two vendors shipping the last lines of one order at the same moment therefore run one
after the other, and the second one sees the first one's lines shipped and moves the order
to ``shipped``: the "all shipped" transition cannot be missed by both.

These functions take the session and values; the services fire the hooks.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from core.catalog.models import Vendor
from core.db import utcnow
from core.errors import AgoraError, not_found
from core.money import format_minor
from core.orders.api import record_status
from core.orders.models import Order, OrderItem
from core.orders.states import check_transition

SHIPPABLE_ORDER_STATUSES = ("paid", "processing")
# The postal address, without the phone number: what goes on the parcel.
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "state", "postal_code", "country")


# ------------------------------------------------------------------ listing
def _line_filter(vendor_id: int, status: str | None) -> list:
    where = [OrderItem.vendor_id == vendor_id]
    if status:
        where.append(OrderItem.fulfillment_status == status)
    return where


def count_orders(db, vendor_id: int, status: str | None = None) -> int:
    """How many orders hold at least one of the vendor's lines (in ``status``, when given)."""
    return db.execute(select(func.count(func.distinct(OrderItem.order_id)))
                      .where(*_line_filter(vendor_id, status))).scalar_one()


def page_of_orders(db, vendor_id: int, status: str | None, offset: int, limit: int) -> list:
    """One page of those orders, newest first: rows of the few order columns a vendor may see."""
    mine = select(OrderItem.id).where(OrderItem.order_id == Order.id, *_line_filter(vendor_id, status)).exists()
    return db.execute(
        select(Order.id, Order.number, Order.status, Order.currency, Order.created_at, Order.shipping_address)
        .where(mine).order_by(Order.created_at.desc(), Order.id.desc()).offset(offset).limit(limit)
    ).all()


def orders_json(db, vendor_id: int, status: str | None, rows, line_extras=None) -> list[dict]:
    """The page's orders with the vendor's lines, loaded in one statement for the whole page.

    ``line_extras(items)`` (optional) answers a list of ``{order_item_id: {field: value}}`` dicts
    (the ``agora_vendor_order_lines`` hook's results) merged into the lines' JSON."""
    if not rows:
        return []
    lines: dict[int, list[OrderItem]] = {row.id: [] for row in rows}
    for item in db.execute(select(OrderItem).where(OrderItem.order_id.in_(list(lines)),
                                                   *_line_filter(vendor_id, status))
                           .order_by(OrderItem.order_id, OrderItem.id)).scalars():
        lines[item.order_id].append(item)
    answers = [vendor_order_json(row, lines[row.id]) for row in rows]
    extras: dict[int, dict] = {}
    for found in (line_extras([item for group in lines.values() for item in group]) if line_extras else []):
        for item_id, fields in (found or {}).items():
            extras.setdefault(item_id, {}).update(fields)
    for answer in answers:
        for line in answer["lines"]:
            line.update(extras.get(line["id"], {}))
    return answers


def vendor_order_json(order, lines: list[OrderItem]) -> dict:
    """``order`` (an Order or a row with its columns) as its vendor sees it, with ``lines`` only."""
    money = lambda amount: format_minor(amount, order.currency)  # noqa: E731
    address = order.shipping_address or {}
    return {
        "order_id": order.id,
        "number": order.number,
        "status": order.status,
        "created_at": order.created_at.isoformat(),
        "currency": order.currency,
        "shipping_address": {key: address.get(key, "") for key in ADDRESS_FIELDS},
        "lines": [line_json(item, money) for item in lines],
        "vendor_total": money(sum(item.line_total for item in lines)),
    }


def line_json(item: OrderItem, money) -> dict:
    return {
        "id": item.id, "product_id": item.product_id, "product_name": item.product_name,
        "variant_name": item.variant_name, "size_label": item.size_label, "sku": item.sku,
        "unit_price": money(item.unit_price), "quantity": item.quantity, "line_total": money(item.line_total),
        "fulfillment_status": item.fulfillment_status, "tracking_number": item.tracking_number,
        "carrier": item.carrier, "shipped_at": item.shipped_at.isoformat() if item.shipped_at else None,
    }


# ------------------------------------------------------------------ shipping
@dataclass
class Shipment:
    """What :func:`ship` did: the lines it shipped and, when it completed the order, the move."""

    order: Order
    lines: list[OrderItem]  # the vendor's lines shipped now
    vendor_lines: list[OrderItem]  # all of the vendor's lines of the order
    old_status: str
    order_shipped: bool  # the order moved to "shipped"
    note: str = ""  # the status history note of that move


def ship(db, vendor: Vendor, order_id: int, tracking_number: str | None, carrier: str | None) -> Shipment:
    """Mark ``vendor``'s pending lines of the order shipped; ship the order when nothing is left.

    404 when the order holds none of the vendor's lines (whatever its status: a vendor learns
    nothing about other orders), 409 when the order is not paid or processing, or when the
    vendor has nothing left to ship in it.
    """
    # The lock comes first; populate_existing makes what was read before the lock (nothing,
    # today) give way to the committed values seen under it.
    order = db.execute(select(Order).where(Order.id == order_id).with_for_update()
                       .execution_options(populate_existing=True)).scalar_one_or_none()
    items = [] if order is None else db.execute(
        select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)
        .execution_options(populate_existing=True)).scalars().all()
    mine = [item for item in items if item.vendor_id == vendor.id]
    if not mine:
        raise not_found("No such order among yours.", name="order_id")
    if order.status not in SHIPPABLE_ORDER_STATUSES:
        raise AgoraError(409, f"An order that is {order.status.replace('_', ' ')} cannot be shipped; "
                              f"only paid or processing orders can.", name="status")
    pending = [item for item in mine if item.fulfillment_status == "pending"]
    if not pending:
        raise AgoraError(409, "Nothing left to ship: your lines of this order are already shipped or cancelled.",
                         name="order_id")
    now = utcnow()
    for item in pending:
        item.fulfillment_status, item.tracking_number, item.carrier, item.shipped_at = \
            "shipped", tracking_number, carrier, now
    old = order.status
    remaining = [item for item in items if item.fulfillment_status != "cancelled"]
    done = all(item.fulfillment_status == "shipped" for item in remaining)
    note = f"Every line shipped; the last by {vendor.name}." if done else ""
    if done:
        check_transition(old, "shipped")
        record_status(db, order, "shipped", note)
    db.flush()
    return Shipment(order=order, lines=pending, vendor_lines=mine, old_status=old, order_shipped=done, note=note)


def announce_shipment(request, vendor: Vendor, shipment: Shipment, tracking_number: str | None,
                      carrier: str | None) -> None:
    """Fire ``agora_order_shipped`` and, when the order moved, ``agora_order_status_changed``.

    In the shipping transaction; ``request`` is the context the hooks take by contract (as in
    :mod:`core.orders.settlement`), nothing else of it is read here."""
    hooks = request.hooks
    hooks.agora_order_shipped(request=request, order=shipment.order, vendor=vendor, lines=shipment.lines,
                              tracking_number=tracking_number, carrier=carrier)
    if shipment.order_shipped:
        hooks.agora_order_status_changed(request=request, order=shipment.order, old_status=shipment.old_status,
                                         new_status="shipped", note=shipment.note)
