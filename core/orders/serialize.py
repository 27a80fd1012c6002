"""Orders as JSON (docs/api.md `order`), loaded with a constant number of statements."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.money import format_minor
from core.orders.models import Order


def load_orders(db, ids: list[int]) -> list[Order]:
    if not ids:
        return []
    rows = db.execute(
        select(Order).where(Order.id.in_(ids))
        .options(selectinload(Order.items), selectinload(Order.history))
        .execution_options(populate_existing=True)
    ).scalars().all()
    by_id = {o.id: o for o in rows}
    return [by_id[i] for i in ids if i in by_id]


def order_json(order: Order, items=None) -> dict:
    money = lambda amount: format_minor(amount, order.currency)  # noqa: E731
    items = order.items if items is None else items
    return {
        "id": order.id,
        "number": order.number,
        "status": order.status,
        "items": [{
            "id": item.id, "product_id": item.product_id, "product_name": item.product_name,
            "variant_name": item.variant_name, "size_label": item.size_label, "sku": item.sku,
            "unit_price": money(item.unit_price), "quantity": item.quantity, "line_total": money(item.line_total),
            "vendor": None if item.vendor_id is None else {"id": item.vendor_id, "name": item.vendor_name},
            "fulfillment_status": item.fulfillment_status, "tracking_number": item.tracking_number,
            "carrier": item.carrier, "shipped_at": item.shipped_at.isoformat() if item.shipped_at else None,
        } for item in items],
        "subtotal": money(order.subtotal),
        "discount": money(order.discount),
        "shipping": money(order.shipping),
        "tax": money(order.tax),
        "total": money(order.total),
        "currency": order.currency,
        "adjustments": [{**a, "amount": money(a["amount"])} for a in (order.adjustments or [])],
        "shipping_address": order.shipping_address,
        "payment": {"provider": order.payment_provider, "status": order.payment_status,
                    "reference": order.payment_reference, "refunded": money(order.amount_refunded)},
        "status_history": [{"status": h.status, "at": h.at.isoformat(), "note": h.note} for h in order.history],
        "created_at": order.created_at.isoformat(),
        "user_id": order.user_id,
        "email": order.email,
        # Only in the answer of the checkout that created a guest order: it is stored hashed.
        **({"order_token": order.order_token} if getattr(order, "order_token", None) else {}),
    }
