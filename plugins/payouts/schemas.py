"""Input and output schemas of the payouts services (OpenAPI components are prefixed ``Payout``/
``Commission``/``Marketplace`` so they never collide with another package's)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validates_schema
from marshmallow import validate as mm

from core.pagination import PageQuery
from core.validation import BaseSchema, Id, TrimmedString
from plugins.payouts.models import ENTRY_KINDS, PAYOUT_STATUSES
from plugins.payouts.settings import as_rate


def _decimal(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValidationError("Not a valid decimal number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError("Not a valid decimal number.") from None
    if not number.is_finite():
        raise ValidationError("Not a valid decimal number.")
    return number


class Rate(fields.Field):
    """A commission rate: a decimal string (or number) in [0, 1], at most 6 decimal places."""

    def _deserialize(self, value, attr, data, **kw):
        number = _decimal(value)
        try:
            return as_rate(number)
        except ValueError as exc:
            raise ValidationError(f"The rate {exc}.") from None


class SignedAmount(fields.Field):
    """A money amount that may be negative (``"-5.00"``), kept as a Decimal; the currency's
    exponent is checked where the currency is known (``core.money.to_minor``)."""

    def _deserialize(self, value, attr, data, **kw):
        return _decimal(value)


# ------------------------------------------------------------------ inputs
class CommissionRuleIn(BaseSchema):
    vendor = fields.String(allow_none=True, load_default=None, validate=mm.Length(min=1, max=140),
                           metadata={"description": "vendor slug, or null for every vendor"})
    category = fields.String(allow_none=True, load_default=None, validate=mm.Length(min=1, max=140),
                             metadata={"description": "category slug (covers its sub-categories), or null"})
    rate = Rate(required=True, metadata={"description": 'the platform\'s share, "0" to "1" (e.g. "0.125")'})


class CommissionRuleQuery(PageQuery):
    """Paginated; rules oldest first."""


class CommissionRulePath(BaseSchema):
    id = Id(required=True, metadata={"description": "the rule's id"})


class PayoutPath(BaseSchema):
    id = Id(required=True, metadata={"description": "the payout's id"})


class VendorPath(BaseSchema):
    id = Id(required=True, metadata={"description": "the vendor's id"})


class LedgerQuery(PageQuery):
    kind = fields.String(validate=mm.OneOf(ENTRY_KINDS), metadata={"description": "only entries of this kind"})


class VendorPayoutQuery(PageQuery):
    status = fields.String(validate=mm.OneOf(PAYOUT_STATUSES), metadata={"description": "only payouts in this status"})


class ManagerPayoutQuery(VendorPayoutQuery):
    vendor = fields.String(validate=mm.Length(min=1, max=140), metadata={"description": "vendor slug"})


class MarkPaidIn(BaseSchema):
    reference = TrimmedString(required=True, validate=mm.Length(min=1, max=120),
                              metadata={"description": "the bank transfer's reference"})


class MarkFailedIn(BaseSchema):
    reason = TrimmedString(required=True, validate=mm.Length(min=1, max=500))


class AdjustmentIn(BaseSchema):
    amount = SignedAmount(required=True, metadata={"description": 'signed decimal string, e.g. "-5.00"'})
    note = TrimmedString(required=True, validate=mm.Length(min=1, max=500))


class MarketplaceReportQuery(BaseSchema):
    start = fields.Date(data_key="from", metadata={"description": "first day (YYYY-MM-DD, UTC), inclusive"})
    end = fields.Date(data_key="to", metadata={"description": "last day (YYYY-MM-DD, UTC), inclusive"})

    @validates_schema
    def _ordered(self, data, **kw):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("from must not be after to.", field_name="from")


# ------------------------------------------------------------------ outputs
class CommissionRuleOut(Schema):
    id = fields.Integer()
    vendor = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    rate = fields.String()


class PayoutBalanceOut(Schema):
    currency = fields.String()
    pending = fields.String()
    available = fields.String()
    paid_out = fields.String()
    total_earned = fields.String()


class PayoutLedgerEntryOut(Schema):
    id = fields.Integer()
    kind = fields.String(validate=mm.OneOf(ENTRY_KINDS))
    amount = fields.String(metadata={"description": "signed"})
    currency = fields.String()
    order_id = fields.Integer(allow_none=True)
    order_item_id = fields.Integer(allow_none=True)
    payout_id = fields.Integer(allow_none=True)
    available_at = fields.DateTime()
    note = fields.String()
    created_at = fields.DateTime()


class PayoutVendorOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()


class PayoutOut(Schema):
    id = fields.Integer()
    amount = fields.String()
    currency = fields.String()
    status = fields.String(validate=mm.OneOf(PAYOUT_STATUSES))
    provider = fields.String()
    reference = fields.String(allow_none=True)
    failure_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)
    vendor = fields.Nested(PayoutVendorOut, metadata={"description": "manager lists only"})


class PayoutRunOut(Schema):
    payouts = fields.List(fields.Nested(PayoutOut))


class PayoutAccountOut(Schema):
    account_id = fields.String()
    onboarding_url = fields.String()


class MarketplaceReportOut(Schema):
    currency = fields.String()
    gross_sales = fields.String()
    commissions = fields.String()
    refunds = fields.String()
    adjustments = fields.String()
    vendor_earnings = fields.String()
    payouts_paid = fields.String()
    payouts_pending = fields.String()
    platform_revenue = fields.String()
