"""Input and output schemas of the returns services."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.orders.schemas import OrderVendorOut
from core.pagination import PageQuery
from core.returns.states import STATUSES
from core.validation import BaseSchema, Id, StrictInteger, TrimmedString

MAX_LINES = 100
MAX_QUANTITY = 10_000


class ReturnItemIn(BaseSchema):
    order_item_id = Id(strict=True, required=True, metadata={"description": "A line of the order (`items[].id`)"})
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY), metadata={
        "description": "Units of that line to send back; at most what was bought minus what other returns "
                       "(not rejected) already name"})
    reason = TrimmedString(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "Why (wrong size, damaged...)"})


class ReturnIn(BaseSchema):
    items = fields.List(fields.Nested(ReturnItemIn), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES),
                        metadata={"description": f"The lines and quantities returned (1 to {MAX_LINES})"})
    note = TrimmedString(load_default="", validate=validate.Length(max=1000),
                         metadata={"description": "Optional. A message to the seller"})


class DecisionIn(BaseSchema):
    note = TrimmedString(load_default="", validate=validate.Length(max=500),
                         metadata={"description": "Optional. Shown in the return's history"})


class RejectIn(BaseSchema):
    reason = TrimmedString(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "Why the return is refused (told to the customer)"})


class ReceiveIn(BaseSchema):
    restock = fields.Boolean(required=True, metadata={
        "description": "true: the returned units go back to stock; false: they do not (damaged)"})


class ReturnListQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "Only returns in this status"})


class ReturnIdPath(BaseSchema):
    id = Id(required=True, metadata={"description": "The return id"})


class OrderIdPath(BaseSchema):
    id = Id(required=True, metadata={"description": "The order id"})


class ReturnItemOut(Schema):
    order_item_id = fields.Integer()
    product_name = fields.String()
    variant_name = fields.String()
    size_label = fields.String()
    sku = fields.String()
    vendor = fields.Nested(OrderVendorOut, allow_none=True, metadata={"description": "null: sold by the shop"})
    quantity = fields.Integer()
    reason = fields.String()
    amount = fields.String(metadata={"description": "decimal string: this line's share of the refund (rounded "
                                                    "on its own)"})


class ReturnStatusChangeOut(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    at = fields.DateTime()
    note = fields.String()


class ReturnOut(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    order_number = fields.String(metadata={"description": "the order number shown to people (AG-…)"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    note = fields.String(metadata={"description": "the customer's note"})
    items = fields.List(fields.Nested(ReturnItemOut))
    refund_amount = fields.String(metadata={"description": "decimal string: what the return refunds (rounded "
                                                           "half-up once per return; shipping excluded unless "
                                                           "the shop refunds it)"})
    currency = fields.String()
    restocked = fields.Boolean(metadata={"description": "the units went back to stock on receipt"})
    refund_reference = fields.String(allow_none=True, metadata={
        "description": "the provider's refund id; null before the refund or when it was made offline"})
    last_error = fields.String(allow_none=True, metadata={
        "description": "why the last refund attempt failed (the return stays approved; receive it again)"})
    created_at = fields.DateTime()
    history = fields.List(fields.Nested(ReturnStatusChangeOut), metadata={"description": "oldest first"})
