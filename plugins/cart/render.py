"""The cart as JSON (API.md › Cart), priced from the current catalog.

A constant number of statements whatever the number of items: the cart id, then one query
for every item with its size, variant, product, category and vendor (the product summaries
need nothing more).  Amounts are integer minor units until they are rendered as decimal
strings in the shop currency (``agora.currency``), so ``3 × 19.99`` is exactly ``"59.97"``.

``available`` says whether an item can be bought as it stands: the catalog still sells the
size (see :func:`plugins.cart.items.is_sellable`) and its stock covers the quantity.
``subtotal`` is the sum of every line, available or not: checkout refuses a cart with an
unavailable line rather than silently dropping it.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from core.catalog.models import Category, Product, Size, Variant, Vendor
from core.catalog.serialize import product_summaries
from core.money import format_minor
from plugins.cart.items import ensure_cart, find_cart, is_sellable
from plugins.cart.models import CartItem


def unit_price(variant: Variant, product: Product) -> int:
    """A size's price in minor units: its variant's override, else the product's price."""
    return product.price if variant.price is None else variant.price


def _item_rows(db, cart_id: int):
    return db.execute(
        select(CartItem, Size, Variant, Product)
        .join(Size, Size.id == CartItem.size_id)
        .join(Variant, Variant.id == Size.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .join(Product.category)
        .outerjoin(Product.vendor)
        .options(contains_eager(Product.category), contains_eager(Product.vendor))
        .where(CartItem.cart_id == cart_id)
        .order_by(CartItem.added_at, CartItem.id)
    ).all()


def cart_answer(db, user_id: int, currency: str) -> dict:
    """``{id, items, item_count, subtotal, currency}`` for the user's cart (created if missing)."""
    cart_id = find_cart(db, user_id) or ensure_cart(db, user_id)
    rows = _item_rows(db, cart_id)
    summaries = product_summaries(db, [product for _, _, _, product in rows])
    items, subtotal, count = [], 0, 0
    for (item, size, variant, product), summary in zip(rows, summaries):
        price = unit_price(variant, product)
        line_total = price * item.quantity
        subtotal += line_total
        count += item.quantity
        items.append({
            "id": item.id,
            "product": summary,
            "variant": {"id": variant.id, "name": variant.name},
            "size": {"id": size.id, "label": size.label},
            "quantity": item.quantity,
            "unit_price": format_minor(price, currency),
            "line_total": format_minor(line_total, currency),
            "available": is_sellable(size, variant, product, product.vendor) and size.stock >= item.quantity,
        })
    return {"id": cart_id, "items": items, "item_count": count,
            "subtotal": format_minor(subtotal, currency), "currency": currency}
