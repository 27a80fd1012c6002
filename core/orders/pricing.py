"""Server-side pricing of checkout lines: subtotal, plugin adjustments, shipping, tax, total.

Order of operations (documented in the README):
1. unit prices from the current catalog (variant override, else product price);
2. core's default shipping (flat per order, free from a subtotal threshold);
3. ``agora_checkout_price`` hooks add adjustments (discounts are negative) or change shipping;
4. tax = ``agora.checkout.tax_rate`` × (subtotal − discounts), rounded half-up once per order;
5. total = subtotal − discounts + shipping + tax, never below zero.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from core.catalog import sellable
from core.catalog.models import Product, Size, Variant, Vendor, unit_price
from core.errors import AgoraError
from core.money import round_half_up, to_minor
from core.orders.checkout_types import CheckoutLine


@dataclass
class Adjustment:
    code: str
    label: str
    amount: int  # minor units; negative for a discount

    def to_json(self) -> dict:
        return {"code": self.code, "label": self.label, "amount": self.amount}


@dataclass
class Pricing:
    currency: str
    lines: list[CheckoutLine]
    subtotal: int = 0
    shipping: int = 0
    tax_rate: Decimal = Decimal(0)
    tax_override: int | None = None
    adjustments: list[Adjustment] = field(default_factory=list)

    def add_adjustment(self, code: str, label: str, amount: int) -> None:
        self.adjustments.append(Adjustment(code, label, int(amount)))

    @property
    def discount(self) -> int:
        """The sum of negative adjustments, as a positive number (capped at the subtotal)."""
        return min(self.subtotal, -sum(a.amount for a in self.adjustments if a.amount < 0))

    @property
    def surcharges(self) -> int:
        return sum(a.amount for a in self.adjustments if a.amount > 0)

    @property
    def tax(self) -> int:
        if self.tax_override is not None:
            return self.tax_override
        return round_half_up(Decimal(self.subtotal - self.discount + self.surcharges) * self.tax_rate)

    @property
    def total(self) -> int:
        return max(0, self.subtotal - self.discount + self.surcharges + self.shipping + self.tax)


def load_line_details(db, lines: list[CheckoutLine], *, lock: bool = False) -> dict[int, tuple]:
    """size id → (Size, Variant, Product, Vendor|None, sold by the plugins' rules), in one query.

    ``lock``: the sizes' rows are locked (``FOR UPDATE OF sizes``, in id order) and their values
    read under the lock replace any copy the session holds (checkout: the stock check and the
    decrement use these very rows, :func:`core.orders.stock.check_and_take_stock`)."""
    ids = sorted({line.size_id for line in lines})
    query = (
        select(Size, Variant, Product, Vendor, sellable.column(db))
        .join(Variant, Size.variant_id == Variant.id)
        .join(Product, Variant.product_id == Product.id)
        .outerjoin(Vendor, Product.vendor_id == Vendor.id)
        .where(Size.id.in_(ids))
    )
    if lock:
        query = query.order_by(Size.id).with_for_update(of=Size).execution_options(populate_existing=True)
    return {row[0].id: tuple(row) for row in db.execute(query).all()}


def price_lines(request, user, lines: list[CheckoutLine], details: dict | None = None) -> Pricing:
    """Fill each line's price fields from the catalog and compute the order's amounts."""
    settings = request.settings
    currency = settings["agora.currency"]
    if not lines:
        raise AgoraError(400, "Your cart is empty.", name="cart")
    details = details if details is not None else load_line_details(request.db, lines)
    for line in lines:
        found = details.get(line.size_id)
        if found is None:
            raise AgoraError(400, f"Size {line.size_id} does not exist any more.", name="cart")
        size, variant, product, _, allowed = found
        problem = sellable.problem(size, variant, product, allowed)
        if problem:
            raise AgoraError(400, problem, name="cart")
        line.unit_price = unit_price(product, variant)
        line.product_id, line.variant_id = product.id, variant.id
        line.vendor_id, line.category_id = product.vendor_id, product.category_id
    pricing = Pricing(currency=currency, lines=lines, tax_rate=settings["agora.checkout.tax_rate"])
    pricing.subtotal = sum(line.unit_price * line.quantity for line in lines)
    pricing.shipping = to_minor(settings["agora.checkout.shipping_flat"], currency)
    free_over = settings["agora.checkout.free_shipping_over"]
    if free_over is not None and pricing.subtotal >= to_minor(free_over, currency):
        pricing.shipping = 0
    request.hooks.agora_checkout_price(
        request=request, user=user, lines=lines, pricing=pricing)
    return pricing
