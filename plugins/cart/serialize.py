"""The cart as JSON (docs/api.md › Cart), priced from the current catalog.

One statement whatever the number of items (two for a user's very first cart, which is then
created): the cart row with every item, its size, variant, product, category and vendor (the
product summaries need nothing more) and its availability.  The statement is built once (per
set of sellable criteria) with bind parameters: building and hashing a select of this size
cost more than running it.  Only the product, its category and its vendor become ORM objects
(the product summaries take them); the item, size and variant columns stay plain values.

Amounts are integer minor units until they are rendered as decimal strings in the shop
currency (``agora.currency``), so ``3 × 19.99`` is exactly ``"59.97"``.

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

from typing import NamedTuple

from pyramid.threadlocal import get_current_request
from sqlalchemy import String, bindparam, select
from sqlalchemy.orm import contains_eager, join, outerjoin

from core.catalog import sellable
from core.catalog.models import Category, Product, Size, Variant, Vendor, unit_price
from core.catalog.serialize import product_summaries
from core.db import UTCDateTime, utcnow
from core.money import format_minor
from core.orders.checkout_types import CheckoutLine
from core.orders.pricing import price_lines
from core.orders.reservations import available_column
from plugins.cart.items import ensure_cart, is_sellable
from plugins.cart.models import Cart, CartItem
from plugins.cart.shoppers import as_shopper


class SizeRef(NamedTuple):
    """What the cart and pricing read of a size (``core.catalog.sellable.problem`` takes it)."""

    id: int
    label: str
    is_active: bool


class VariantRef(NamedTuple):
    id: int
    name: str
    price: int | None
    is_active: bool


_STATEMENTS: dict = {}  # (id of the sellable criterion, by user?) -> (criterion, statement)


def _statement(criterion, by_user: bool):
    """The cart's one SELECT: the cart row, outer-joined to its items with their catalog rows
    (an empty cart is one row of NULL items; no row at all: the user has no cart yet)."""
    key = (id(criterion), by_user)
    found = _STATEMENTS.get(key)
    if found is None or found[0] is not criterion:
        items = (join(CartItem, Size, Size.id == CartItem.size_id)
                 .join(Variant, Variant.id == Size.variant_id)
                 .join(Product, Product.id == Variant.product_id)
                 .join(Category, Category.id == Product.category_id)
                 .outerjoin(Vendor, Vendor.id == Product.vendor_id))
        units = available_column(now=bindparam("now", type_=UTCDateTime()),
                                 exclude_owner=bindparam("owner", type_=String()))
        statement = (
            select(Cart.id, CartItem.id, CartItem.quantity, Size.id, Size.label, Size.is_active, Variant.id,
                   Variant.name, Variant.price, Variant.is_active, Product, criterion.label("sellable"), units)
            .select_from(outerjoin(Cart, items, CartItem.cart_id == Cart.id))
            .options(contains_eager(Product.category), contains_eager(Product.vendor))
            .where((Cart.user_id if by_user else Cart.id) == bindparam("cart_owner"))
            .order_by(CartItem.added_at, CartItem.id))
        if len(_STATEMENTS) > 64:  # one per app (criteria are collected at start-up): tests make many
            _STATEMENTS.clear()
        found = _STATEMENTS[key] = (criterion, statement)
    return found[1]


def _cart_rows(db, shopper) -> tuple[int, list]:
    """The cart id and its item rows ``(item id, quantity, SizeRef, VariantRef, Product, sold,
    units left)``, oldest first; a user's cart is created when missing."""
    by_user = shopper.user_id is not None
    rows = db.execute(_statement(sellable.criterion(db), by_user), {
        "cart_owner": shopper.user_id if by_user else shopper.guest_cart_id, "now": utcnow(),
        "owner": shopper.reservation_owner}).all()
    if not rows:
        return ensure_cart(db, shopper), []
    return rows[0][0], [(item_id, quantity, SizeRef(size_id, label, size_active),
                         VariantRef(variant_id, name, price, variant_active), product, allowed, left)
                        for (_, item_id, quantity, size_id, label, size_active, variant_id, name, price,
                             variant_active, product, allowed, left) in rows if item_id is not None]


def cart_answer(db, owner, currency: str, request=None) -> dict:
    """``{id, items, item_count, subtotal, discount, shipping, tax, total, adjustments, currency}``
    for the shopper's cart (a user id or a :class:`Shopper`; a user's is created if missing).

    ``request`` (default: the current request) gives the pricing hooks their context; without
    one the preview fields are null."""
    shopper = as_shopper(owner)
    cart_id, rows = _cart_rows(db, shopper)
    summaries = product_summaries(db, [row[4] for row in rows])
    items, subtotal, count = [], 0, 0
    buyable, details = [], {}
    for (item_id, quantity, size, variant, product, allowed, left), summary in zip(rows, summaries):
        price = unit_price(product, variant)
        line_total = price * quantity
        subtotal += line_total
        count += quantity
        available = is_sellable(size, variant, product, allowed) and left >= quantity
        if available:
            buyable.append(CheckoutLine(size_id=size.id, quantity=quantity, source_id=item_id))
            details[size.id] = (size, variant, product, product.vendor, allowed)
        items.append({
            "id": item_id,
            "product": summary,
            "variant": {"id": variant.id, "name": variant.name},
            "size": {"id": size.id, "label": size.label},
            "quantity": quantity,
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
