"""Input and output schemas of the cart services (docs/api.md › Cart)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.catalog.schemas import ProductSummaryOut
from core.orders.schemas import AdjustmentOut
from core.validation import BaseSchema, Id, StrictInteger, TrimmedString

MAX_QUANTITY_NOTE = ("at most agora.cart.max_quantity (default 99) of one size fit in a cart, counting what is "
                     "already there (400 beyond); more than the stock is a 409")


class CartAddIn(BaseSchema):
    size_id = Id(strict=True, required=True,
                 metadata={"description": "The size to add (a size id of a product detail)"})
    quantity = StrictInteger(load_default=1, validate=validate.Range(min=1, error="Must be at least 1."), metadata={
        "x-maximum-setting": "agora.cart.max_quantity", "description": f"How many to add; {MAX_QUANTITY_NOTE}"})


class CartUpdateIn(BaseSchema):
    quantity = StrictInteger(required=True, validate=validate.Range(min=0, error="Must be 0 (remove) or more."),
                             metadata={"x-maximum-setting": "agora.cart.max_quantity",
                                       "description": f"The new quantity, 0 removes the item; {MAX_QUANTITY_NOTE}"})


class CartItemPath(BaseSchema):
    item_id = Id(required=True, metadata={"description": "The cart item id (items[].id of the cart)"})


class CartVariantRef(Schema):
    id = fields.Integer()
    name = fields.String()


class CartSizeRef(Schema):
    id = fields.Integer()
    label = fields.String()


class CartItemOut(Schema):
    id = fields.Integer()
    product = fields.Nested(ProductSummaryOut)
    variant = fields.Nested(CartVariantRef)
    size = fields.Nested(CartSizeRef)
    quantity = fields.Integer()
    unit_price = fields.String(metadata={"description": "decimal string, current catalog price"})
    line_total = fields.String(metadata={"description": "decimal string"})
    available = fields.Boolean(metadata={"description": "still sold and in stock for this quantity"})


class CartOut(Schema):
    id = fields.Integer()
    items = fields.List(fields.Nested(CartItemOut))
    item_count = fields.Integer(metadata={"description": "sum of the quantities"})
    subtotal = fields.String(metadata={"description": "decimal string, sum of the line totals"})
    discount = fields.String(allow_none=True, metadata={"description": "decimal string; checkout preview"})
    shipping = fields.String(allow_none=True, metadata={"description": "decimal string; checkout preview"})
    tax = fields.String(allow_none=True, metadata={"description": "decimal string; checkout preview"})
    total = fields.String(allow_none=True, metadata={"description": "decimal string; what checkout would charge "
                                                                   "for the available items"})
    adjustments = fields.List(fields.Nested(AdjustmentOut), metadata={"description": "pricing adjustments of plugins"})
    currency = fields.String()


class GuestCartOut(Schema):
    token = fields.String(metadata={"description": "The guest cart's token: send it as the X-Cart-Token header. "
                                                   "Shown only here; Agora keeps only its SHA-256."})
    expires_at = fields.DateTime(metadata={"description": "When the guest cart and its token expire "
                                                          "(agora.cart.guest_days after creation)"})


class CartMergeIn(BaseSchema):
    token = TrimmedString(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "The guest cart's token (POST /api/cart/guest/); it is spent by the merge"})
