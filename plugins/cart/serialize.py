"""The cart as JSON (docs/api.md › Cart), priced from the current catalog.

A constant number of statements whatever the number of items: the cart id, then one query
for every item with its size, variant, product, category and vendor (the product summaries
need nothing more).  Amounts are integer minor units until they are rendered as decimal
strings in the shop currency (``agora.currency``), so ``3 × 19.99`` is exactly ``"59.97"``.

``available`` says whether an item can be bought as it stands: the catalog still sells the
size (see :func:`plugins.cart.items.is_sellable`) and what others do not hold of its stock
covers the quantity (:func:`core.orders.reservations.available`).
``subtotal`` is the sum of every line, available or not: checkout refuses a cart with an
unavailable line rather than silently dropping it.

The pricing preview (``discount``, ``shipping``, ``tax``, ``total``, ``adjustments``) is what
checkout would charge for the *available* items: :func:`core.orders.pricing.price_lines`
with the rows already loaded (no statement of its own), so every ``agora_checkout_price``
hook (a discount, a shipping rule) shows in the cart exactly as it will in the payment.  Those
hooks may add statements of their own, a constant number per request.
"""
from __future__ import annotations

from pyramid.threadlocal import get_current_request
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from core.catalog import sellable
from core.catalog.models import Product, Size, Variant, unit_price
from core.catalog.serialize import product_summaries
from core.money import format_minor
from core.orders.checkout_types import CheckoutLine
from core.orders.pricing import price_lines
from core.orders.reservations import available_column as units_available
from plugins.cart.items import ensure_cart, find_cart, is_sellable
from plugins.cart.models import CartItem
from plugins.cart.shoppers import as_shopper


def _item_rows(db, cart_id: int, owner: str):
    return db.execute(
        select(CartItem, Size, Variant, Product, sellable.column(db), units_available(exclude_owner=owner))
        .join(Size, Size.id == CartItem.size_id)
        .join(Variant, Variant.id == Size.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .join(Product.category)
        .outerjoin(Product.vendor)
        .options(contains_eager(Product.category), contains_eager(Product.vendor))
        .where(CartItem.cart_id == cart_id)
        .order_by(CartItem.added_at, CartItem.id)
    ).all()


def cart_answer(db, owner, currency: str, request=None) -> dict:
    """``{id, items, item_count, subtotal, discount, shipping, tax, total, adjustments, currency}``
    for the shopper's cart (a user id or a :class:`Shopper`; a user's is created if missing).

    ``request`` (default: the current request) gives the pricing hooks their context; without
    one the preview fields are null."""
    shopper = as_shopper(owner)
    cart_id = find_cart(db, shopper) or ensure_cart(db, shopper)
    rows = _item_rows(db, cart_id, shopper.reservation_owner)
    summaries = product_summaries(db, [row[3] for row in rows])
    items, subtotal, count = [], 0, 0
    buyable, details = [], {}
    for (item, size, variant, product, allowed, left), summary in zip(rows, summaries):
        price = unit_price(product, variant)
        line_total = price * item.quantity
        subtotal += line_total
        count += item.quantity
        available = is_sellable(size, variant, product, allowed) and left >= item.quantity
        if available:
            buyable.append(CheckoutLine(size_id=size.id, quantity=item.quantity, source_id=item.id))
            details[size.id] = (size, variant, product, product.vendor, allowed)
        items.append({
            "id": item.id,
            "product": summary,
            "variant": {"id": variant.id, "name": variant.name},
            "size": {"id": size.id, "label": size.label},
            "quantity": item.quantity,
            "unit_price": format_minor(price, currency),
            "line_total": format_minor(line_total, currency),
            "available": available,
        })
    return {"id": cart_id, "items": items, "item_count": count, "subtotal": format_minor(subtotal, currency),
            **_preview(request or get_current_request(), db, shopper.user_id, buyable, details, currency),
            "currency": currency}


def _preview(request, db, user_id: int | None, lines: list[CheckoutLine], details: dict, currency: str) -> dict:
    """The checkout's amounts for the available lines, formatted (see the module docstring)."""
    money = lambda amount: format_minor(amount, currency)  # noqa: E731
    if request is None:
        return {"discount": None, "shipping": None, "tax": None, "total": None, "adjustments": []}
    if not lines:
        return {"discount": money(0), "shipping": money(0), "tax": money(0), "total": money(0), "adjustments": []}
    user = request.user if request.user is not None and request.user.id == user_id else None
    if user is None and user_id is not None:  # another user than the caller (not done by Agora itself)
        from core.accounts.models import User

        user = db.get(User, user_id)
    pricing = price_lines(request, user, lines, details)
    return {
        "discount": money(pricing.discount), "shipping": money(pricing.shipping), "tax": money(pricing.tax),
        "total": money(pricing.total),
        "adjustments": [{**a.to_json(), "amount": money(a.amount)} for a in pricing.adjustments],
    }
