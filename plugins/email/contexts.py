"""Plain JSON template contexts built from Agora objects, read defensively.

Orders are read only through the attributes the order hooks promise (``number``,
``user_id``, ``status``, ``currency``, ``payment_status``, ``items`` with ``vendor_id``,
``product_name``, ``variant_name``, ``size_label``, ``quantity``, ``unit_price``,
``line_total``, and ``subtotal``, ``discount``, ``shipping``, ``tax``, ``total`` in minor
units, ``adjustments`` as ``[{"code", "label", "amount"}]``); amounts become decimal strings
(``"19.99"``, a discount ``"-5.00"``).  The context is stored in the outbox row as JSON, so
it holds values, never ORM objects.
"""
from __future__ import annotations

from core.money import format_minor


def person(user) -> dict:
    """How a mail greets ``user``: the first name, or the address."""
    return {"name": (getattr(user, "first_name", "") or "").strip() or user.email}


def money(value, currency: str) -> str:
    """Minor units → decimal string for the currency (``1999`` → ``"19.99"``)."""
    return format_minor(int(value or 0), currency)


def currency_of(order) -> str:
    return getattr(order, "currency", None) or "USD"


def order_lines(order) -> list:
    """The order's lines (``order.items``: the checkout hands the hooks the collection it just
    wrote, so reading it costs the checkout no query)."""
    return list(getattr(order, "items", None) or [])


def item_context(item, currency: str) -> dict:
    return {
        "vendor_id": getattr(item, "vendor_id", None),
        "vendor_name": str(getattr(item, "vendor_name", "") or ""),
        "product_name": str(getattr(item, "product_name", "") or ""),
        "variant_name": str(getattr(item, "variant_name", "") or ""),
        "size_label": str(getattr(item, "size_label", "") or ""),
        "sku": str(getattr(item, "sku", "") or ""),
        "quantity": int(getattr(item, "quantity", 0) or 0),
        "unit_price": money(getattr(item, "unit_price", 0), currency),
        "line_total": money(getattr(item, "line_total", 0), currency),
    }


def adjustments_context(order, currency: str) -> list[dict]:
    """The order's adjustment lines (discounts negative); a bare ``discount`` becomes one line."""
    out = [{"code": str(a.get("code", "") or ""), "label": str(a.get("label") or a.get("code") or "Adjustment"),
            "amount": money(a.get("amount", 0), currency)}
           for a in (getattr(order, "adjustments", None) or []) if isinstance(a, dict) and a.get("amount")]
    discount = int(getattr(order, "discount", 0) or 0)
    if not out and discount:
        out.append({"code": "discount", "label": "Discount", "amount": money(-discount, currency)})
    return out


def _order_head(order, lines) -> dict:
    currency = currency_of(order)
    return {
        "id": getattr(order, "id", None),
        "number": str(getattr(order, "number", "") or getattr(order, "id", "")),
        "status": str(getattr(order, "status", "") or ""),
        "currency": currency,
        "items": [item_context(item, currency) for item in lines],
    }


def order_context(order, lines) -> dict:
    """The order as the customer's mails see it: ``lines`` (all, or a shipment's) and the totals."""
    currency = currency_of(order)
    return {
        **_order_head(order, lines),
        "payment_status": str(getattr(order, "payment_status", "") or ""),
        "subtotal": money(getattr(order, "subtotal", 0), currency),
        "discount": money(getattr(order, "discount", 0), currency),
        "adjustments": adjustments_context(order, currency),
        "shipping": money(getattr(order, "shipping", 0), currency),
        "tax": money(getattr(order, "tax", 0), currency),
        "total": money(getattr(order, "total", 0), currency),
    }


def vendor_order_context(order, lines) -> dict:
    """The order as one vendor sees it: its own lines only, none of the customer's totals."""
    return _order_head(order, lines)


def lines_by_vendor(lines) -> dict:
    """``{vendor_id: [item, ...]}`` for the lines that have a vendor, in line order."""
    out: dict = {}
    for item in lines:
        vendor_id = getattr(item, "vendor_id", None)
        if vendor_id is not None:
            out.setdefault(vendor_id, []).append(item)
    return out


def return_context(return_, lines: dict, currency: str) -> dict:
    """A return as its mails see it: ``lines`` maps order item ids to the order's lines."""
    items = []
    for item in getattr(return_, "items", None) or []:
        line = lines.get(item.order_item_id)
        items.append({**(item_context(line, currency) if line is not None else {}),
                      "quantity": int(item.quantity), "reason": str(item.reason or ""),
                      "amount": money(item.amount, currency)})
    return {"id": return_.id, "items": items, "note": str(getattr(return_, "note", "") or ""),
            "refund_amount": money(getattr(return_, "refund_amount", 0), currency)}
