"""Plain JSON template contexts built from Agora objects, read defensively.

Orders are read only through the attributes the order hooks promise (``number``,
``user_id``, ``currency``, ``items`` with ``vendor_id``, ``product_name``, ``variant_name``,
``size_label``, ``quantity``, ``unit_price``, ``line_total``, and ``subtotal``, ``shipping``,
``tax``, ``total`` in minor units); amounts become decimal strings (``"19.99"``).
"""
from __future__ import annotations

from core.money import format_minor


def person(user) -> dict:
    """How a mail greets ``user``: the first name, or the address."""
    return {"name": (getattr(user, "first_name", "") or "").strip() or user.email}


def money(value, currency: str) -> str:
    """Minor units → decimal string for the currency (``1999`` → ``"19.99"``)."""
    return format_minor(int(value or 0), currency)


def item_context(item, currency: str) -> dict:
    return {
        "vendor_id": getattr(item, "vendor_id", None),
        "product_name": str(getattr(item, "product_name", "") or ""),
        "variant_name": str(getattr(item, "variant_name", "") or ""),
        "size_label": str(getattr(item, "size_label", "") or ""),
        "quantity": int(getattr(item, "quantity", 0) or 0),
        "unit_price": money(getattr(item, "unit_price", 0), currency),
        "line_total": money(getattr(item, "line_total", 0), currency),
    }


def order_context(order, items=None) -> dict:
    """The order as templates see it; ``items`` narrows the lines (a vendor's, a shipment's)."""
    currency = getattr(order, "currency", None) or "USD"
    lines = list(getattr(order, "items", None) or []) if items is None else list(items)
    return {
        "id": getattr(order, "id", None),
        "number": str(getattr(order, "number", "") or getattr(order, "id", "")),
        "status": str(getattr(order, "status", "") or ""),
        "currency": currency,
        "items": [item_context(item, currency) for item in lines],
        "subtotal": money(getattr(order, "subtotal", 0), currency),
        "shipping": money(getattr(order, "shipping", 0), currency),
        "tax": money(getattr(order, "tax", 0), currency),
        "total": money(getattr(order, "total", 0), currency),
    }


def lines_by_vendor(order) -> dict:
    """``{vendor_id: [item, ...]}`` for the order's lines that have a vendor."""
    out: dict = {}
    for item in getattr(order, "items", None) or []:
        vendor_id = getattr(item, "vendor_id", None)
        if vendor_id is not None:
            out.setdefault(vendor_id, []).append(item)
    return out
