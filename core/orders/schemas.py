"""Input and output schemas of the orders services."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from core.orders.states import STATUSES as ORDER_STATUSES
from core.pagination import PageQuery
from core.validation import BaseSchema, Id, TrimmedString

# ISO 3166-1 alpha-2 codes (officially assigned).
COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW
BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI
FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN
IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE
YT ZA ZM ZW""".split())


def _country(value: str) -> None:
    if value.upper() not in COUNTRIES:
        raise ValidationError("Not an ISO 3166-1 alpha-2 country code.")


class Country(TrimmedString):
    def _deserialize(self, value, attr, data, **kw):
        text = super()._deserialize(value, attr, data, **kw).upper()
        _country(text)
        return text


class ShippingAddress(BaseSchema):
    name = TrimmedString(required=True, validate=validate.Length(max=120))
    line1 = TrimmedString(required=True, validate=validate.Length(max=200))
    line2 = TrimmedString(load_default="", validate=validate.Length(max=200))
    city = TrimmedString(required=True, validate=validate.Length(max=100))
    state = TrimmedString(load_default="", validate=validate.Length(max=100))
    postal_code = TrimmedString(required=True, validate=validate.Length(max=20))
    country = Country(required=True)
    phone = TrimmedString(load_default="", validate=validate.Length(max=40))


GUEST_EMAIL = ("Required for a checkout without an account (with X-Cart-Token): the confirmation mail goes "
               "there, and verifying an account with this email later makes the order its own. Ignored "
               "when signed in.")


class PaymentIntentIn(BaseSchema):
    shipping_address = fields.Nested(ShippingAddress, required=True)
    email = fields.Email(validate=validate.Length(max=254), metadata={"description": GUEST_EMAIL})


class CheckoutIn(BaseSchema):
    payment_intent_id = fields.String(required=True, validate=validate.Length(min=1, max=120))
    email = fields.Email(validate=validate.Length(max=254), metadata={"description": (
        "A guest checkout's email (optional here: the payment intent's is used)")})
    shipping_address = fields.Nested(ShippingAddress, metadata={"description": (
        "Optional. The order ships to the address the payment intent was created with (the same "
        "address a provider's webhook path uses). When sent, it must be that address (compared "
        "ignoring case and spacing); a different one is refused with 409 on `shipping_address`: "
        "create a new payment intent to change the address.")})


def same_address(a: dict, b: dict) -> bool:
    """Two loaded shipping addresses name the same place (case and runs of spaces ignored)."""
    def norm(address: dict) -> dict:
        return {key: " ".join(str(address.get(key) or "").split()).casefold() for key in ShippingAddress().fields}
    return norm(a) == norm(b)


class OrderListQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(ORDER_STATUSES),
                           metadata={"description": "Only orders in this status"})
    user = Id(metadata={"description": "Only this buyer's orders (managers and admins; ignored for customers)"})


class OrderIdPath(BaseSchema):
    id = Id(required=True, metadata={"description": "The order id"})


class StatusIn(BaseSchema):
    status = fields.String(required=True, validate=validate.Length(min=1, max=20), metadata={
        "description": "The target status: " + ", ".join(ORDER_STATUSES)})
    note = TrimmedString(load_default="", validate=validate.Length(max=500), metadata={
        "description": "Shown in the order's status history"})


class PaymentIntentPath(BaseSchema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_]{1,120}$"), metadata={
        "description": "The payment intent id (`payment_intent_id` of create-payment-intent)"})


class PaymentIntentCancelOut(Schema):
    payment_intent_id = fields.String()
    status = fields.String(validate=validate.OneOf(("cancelled",)), metadata={
        "description": "cancelled: the units are free again and the authorization is released"})


class PaymentIntentOut(Schema):
    payment_intent_id = fields.String(metadata={"description": "give it to checkout"})
    client_secret = fields.String(allow_none=True, metadata={
        "description": "for the provider's browser SDK; null when the provider needs no browser step"})
    amount = fields.String(metadata={"description": "decimal string: what checkout will charge"})
    currency = fields.String()
    provider = fields.String(metadata={"description": "the name of the payment provider (e.g. manual)"})


PAYMENT_STATUSES = ("pending", "authorized", "captured", "capture_failed", "released", "partially_refunded",
                    "refunded")
FULFILLMENT_STATUSES = ("pending", "shipped", "cancelled")


class OrderVendorOut(Schema):
    """The vendor who sells an order line (its name as it was when the order was placed)."""

    id = fields.Integer()
    name = fields.String()


class OrderItemOut(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    product_name = fields.String()
    variant_name = fields.String()
    size_label = fields.String()
    sku = fields.String()
    unit_price = fields.String(metadata={"description": "decimal string, the price paid per unit"})
    quantity = fields.Integer()
    line_total = fields.String(metadata={"description": "decimal string"})
    vendor = fields.Nested(OrderVendorOut, allow_none=True, metadata={"description": "null: sold by the shop"})
    fulfillment_status = fields.String(validate=validate.OneOf(FULFILLMENT_STATUSES))
    tracking_number = fields.String(allow_none=True)
    carrier = fields.String(allow_none=True)
    shipped_at = fields.DateTime(allow_none=True)


class AdjustmentOut(Schema):
    """A line of pricing added by a plugin (a discount, a surcharge)."""

    code = fields.String()
    label = fields.String()
    amount = fields.String(metadata={"description": "decimal string; negative for a discount"})


class AddressOut(Schema):
    name = fields.String()
    line1 = fields.String()
    line2 = fields.String()
    city = fields.String()
    state = fields.String()
    postal_code = fields.String()
    country = fields.String(metadata={"description": "ISO 3166-1 alpha-2"})
    phone = fields.String()


class PaymentOut(Schema):
    provider = fields.String()
    status = fields.String(validate=validate.OneOf(PAYMENT_STATUSES))
    reference = fields.String(metadata={"description": "the provider's payment id"})
    refunded = fields.String(metadata={"description": "decimal string, the amount refunded so far"})


class StatusChangeOut(Schema):
    status = fields.String(validate=validate.OneOf(ORDER_STATUSES))
    at = fields.DateTime()
    note = fields.String()


class OrderOut(Schema):
    id = fields.Integer()
    number = fields.String(metadata={"description": "the order number shown to people (AG-…)"})
    status = fields.String(validate=validate.OneOf(ORDER_STATUSES))
    items = fields.List(fields.Nested(OrderItemOut))
    subtotal = fields.String(metadata={"description": "decimal string"})
    discount = fields.String(metadata={"description": "decimal string"})
    shipping = fields.String(metadata={"description": "decimal string"})
    tax = fields.String(metadata={"description": "decimal string"})
    total = fields.String(metadata={"description": "decimal string: what was charged"})
    currency = fields.String()
    adjustments = fields.List(fields.Nested(AdjustmentOut))
    shipping_address = fields.Nested(AddressOut)
    payment = fields.Nested(PaymentOut)
    status_history = fields.List(fields.Nested(StatusChangeOut), metadata={"description": "oldest first"})
    created_at = fields.DateTime()
    user_id = fields.Integer(allow_none=True, metadata={"description": "the buyer; null: a guest order (no account)"})
    email = fields.String(allow_none=True, metadata={"description": "a guest order's email (null for an account's)"})
    order_token = fields.String(metadata={"optional": True, "description": (
        "Only in the checkout answer of a guest order, once: the token of "
        "GET /api/orders/guest/{order_token}/ (also in the confirmation mail's link). Agora keeps only its hash.")})


class GuestOrderPath(BaseSchema):
    order_token = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{20,200}$"), metadata={
        "description": "The order token of a guest order (the checkout answer's `order_token`, or the mail's link)"})
