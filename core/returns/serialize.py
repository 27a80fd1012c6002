"""Returns as JSON (docs/api.md `return`), loaded with a constant number of statements."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.money import format_minor
from core.orders.models import Order, OrderItem
from core.returns.models import Return


def load_returns(db, ids: list[int]) -> list[tuple[Return, dict, str]]:
    """(return, {order item id: line}, order number) for each id, in the order of ``ids``."""
    if not ids:
        return []
    rows = db.execute(select(Return).where(Return.id.in_(ids))
                      .options(selectinload(Return.items), selectinload(Return.history))
                      .execution_options(populate_existing=True)).scalars().all()
    item_ids = {item.order_item_id for r in rows for item in r.items}
    lines = {line.id: line for line in db.execute(select(OrderItem).where(OrderItem.id.in_(item_ids))).scalars()} \
        if item_ids else {}
    numbers = dict(db.execute(select(Order.id, Order.number).where(Order.id.in_({r.order_id for r in rows}))).all())
    by_id = {r.id: r for r in rows}
    return [(by_id[i], lines, numbers[by_id[i].order_id]) for i in ids if i in by_id]


def return_json(return_: Return, lines: dict, order_number: str) -> dict:
    money = lambda amount: format_minor(amount, return_.currency)  # noqa: E731
    items = []
    for item in return_.items:
        line = lines[item.order_item_id]
        items.append({
            "order_item_id": item.order_item_id, "product_name": line.product_name,
            "variant_name": line.variant_name, "size_label": line.size_label, "sku": line.sku,
            "vendor": None if line.vendor_id is None else {"id": line.vendor_id, "name": line.vendor_name},
            "quantity": item.quantity, "reason": item.reason, "amount": money(item.amount)})
    return {
        "id": return_.id,
        "order_id": return_.order_id,
        "order_number": order_number,
        "status": return_.status,
        "note": return_.note,
        "items": items,
        "refund_amount": money(return_.refund_amount),
        "currency": return_.currency,
        "restocked": return_.restocked,
        "refund_reference": return_.refund_reference,
        "last_error": return_.last_error,
        "created_at": return_.created_at.isoformat(),
        "history": [{"status": h.status, "at": h.at.isoformat(), "note": h.note} for h in return_.history],
    }


def returns_json(db, ids: list[int]) -> list[dict]:
    return [return_json(*loaded) for loaded in load_returns(db, list(ids))]


def return_data(db, return_: Return) -> dict:
    """The return as ``GET /api/returns/{id}/`` shows it at this point of the transaction
    (pending changes flushed first): the ``data`` plugins send of ``return.*`` events."""
    db.flush()
    return returns_json(db, [return_.id])[0]
