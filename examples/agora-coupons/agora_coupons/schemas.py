"""Input and output schemas of the coupon services (names prefixed so none clashes in OpenAPI)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.pagination import PageQuery
from core.validation import Amount, BaseSchema, StrictInteger, TrimmedString

CODE = validate.Regexp(r"^[A-Za-z0-9_-]{3,40}$",
                       error="3 to 40 letters, digits, '-' or '_'.")
SLUG = validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="Not a slug.")


class CouponIn(BaseSchema):
    """A new coupon.  ``value`` is a percentage (``"10"``, ``"12.5"``) or an amount in the shop
    currency (``"5.00"``) depending on ``kind``."""

    code = TrimmedString(required=True, validate=CODE)
    description = TrimmedString(load_default="", validate=validate.Length(max=500))
    kind = fields.String(required=True, validate=validate.OneOf(["percent", "fixed"]))
    value = Amount(required=True)
    minimum_subtotal = Amount(load_default=None, allow_none=True)
    valid_from = fields.AwareDateTime(load_default=None, allow_none=True)
    valid_until = fields.AwareDateTime(load_default=None, allow_none=True)
    usage_limit = StrictInteger(load_default=None, allow_none=True, validate=validate.Range(min=1))
    per_customer_limit = StrictInteger(load_default=None, allow_none=True, validate=validate.Range(min=1))
    categories = fields.List(fields.String(validate=SLUG), load_default=list, validate=validate.Length(max=50))
    vendors = fields.List(fields.String(validate=SLUG), load_default=list, validate=validate.Length(max=50))
    is_active = fields.Boolean(load_default=True)

    @validates_schema
    def _window(self, data, **kw):
        start, end = data.get("valid_from"), data.get("valid_until")
        if start is not None and end is not None and end <= start:
            raise ValidationError("Must be after valid_from.", "valid_until")


class CouponPatchIn(CouponIn):
    """Changes to a coupon: only the fields given are changed (``null`` clears an optional one)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, partial=True, **kw)


class CouponIdPath(BaseSchema):
    id = fields.Integer(required=True, validate=validate.Range(min=1), metadata={"description": "The coupon id"})


class CouponListQuery(PageQuery):
    active = fields.Boolean(metadata={"description": "only active (true) or inactive (false) coupons"})


class CouponOut(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"description": "upper-case; matched case-insensitively"})
    description = fields.String()
    kind = fields.String(metadata={"description": "percent | fixed"})
    value = fields.String(metadata={"description": "a percentage for percent, an amount for fixed"})
    currency = fields.String()
    minimum_subtotal = fields.String()
    valid_from = fields.String(allow_none=True)
    valid_until = fields.String(allow_none=True)
    usage_limit = fields.Integer(allow_none=True)
    per_customer_limit = fields.Integer(allow_none=True)
    times_used = fields.Integer()
    categories = fields.List(fields.String())
    vendors = fields.List(fields.String())
    is_active = fields.Boolean()
    created_at = fields.String()
    updated_at = fields.String()


class CartCouponIn(BaseSchema):
    code = TrimmedString(required=True, validate=validate.Length(min=1, max=40))


class CartCouponOut(Schema):
    code = fields.String(allow_none=True, metadata={"description": "the applied code, or null"})
    discount = fields.String(metadata={"description": "what it takes off the current cart"})
    problem = fields.String(allow_none=True, metadata={"description": "why it gives no discount, or null"})


class CouponAdjustmentOut(Schema):
    code = fields.String()
    label = fields.String()
    amount = fields.String()


class CouponCartOut(Schema):
    """The cart as ``GET /api/cart/`` answers it (plugin cart), with the coupon's adjustment."""

    id = fields.Integer()
    items = fields.List(fields.Dict())
    item_count = fields.Integer()
    subtotal = fields.String()
    discount = fields.String()
    shipping = fields.String()
    tax = fields.String()
    total = fields.String()
    adjustments = fields.List(fields.Nested(CouponAdjustmentOut))
    currency = fields.String()
