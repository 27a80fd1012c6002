"""What a vendor's product write changed, for the audit log (``core.audit``).

The product's own columns as ``{field: {old, new}}``; the nested variants and sizes (names,
prices, stock) as the body gave them, since a PUT/PATCH replaces them as a whole.
"""
from __future__ import annotations

from core import audit
from core.catalog.models import Product

NESTED = ("variants",)


def product_changes(before: dict, product: Product, body: dict) -> dict:
    """``before`` is :func:`core.audit.snapshot` of the product ahead of the write (``{}`` for a new one)."""
    changes = audit.diff(before, audit.snapshot(product))
    if not before:  # a new product: its values, not a diff against nothing
        changes = {field: change["new"] for field, change in changes.items()}
    changes.update({field: _given(body[field]) for field in NESTED if field in body})
    return changes


def _given(value):
    """The body as the client sent it: without the ``_row``/``_sku`` notes the domain adds to it."""
    if isinstance(value, dict):
        return {k: _given(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list):
        return [_given(v) for v in value]
    return value
