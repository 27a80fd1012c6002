"""Input and output schemas of the vendors plugin (docs/api.md › Vendors).

Input schemas validate shape only; what needs the database or the shop's currency (a known
category, a free SKU, an amount with the right number of decimals) is checked in
:mod:`plugins.vendors.products`, which reports it with the same dotted names
(``variants.1.sizes.0.sku``).

Nested variants and sizes follow one rule on POST, PUT and PATCH: an entry without ``id`` is
created and must be complete; an entry with ``id`` updates that row and may leave fields out
(they keep their values; leaving out ``stock`` keeps the stock, which may be moving with sales).
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema
from marshmallow import validate as mm

from core.catalog.models import VENDOR_STATUSES
from core.catalog.schemas import ProductDetailOut, ProductSummaryOut
from core.catalog.slugs import is_valid_slug
from core.orders.schemas import FULFILLMENT_STATUSES, AddressOut, OrderItemOut
from core.pagination import PageQuery
from core.validation import MAX_ID, Amount, BaseSchema, Id, StrictInteger, TrimmedString


def _image_url(value: str) -> None:
    if not value.startswith(("https://", "http://", "/")):
        raise ValidationError("Must be an http(s) URL or an absolute path.")


# ------------------------------------------------------------------ onboarding
class ApplyIn(BaseSchema):
    store_name = TrimmedString(required=True, validate=mm.Length(max=120))
    description = fields.String(load_default="", validate=mm.Length(max=5000))


class ReasonIn(BaseSchema):
    reason = fields.String(load_default="", validate=mm.Length(max=2000))


class VendorPath(BaseSchema):
    id = Id(required=True, metadata={"description": "The vendor id"})


class VendorListQuery(PageQuery):
    status = fields.String(validate=mm.OneOf(VENDOR_STATUSES), metadata={"description": "Only vendors in this status"})


class VendorOut(BaseSchema):
    id = fields.Integer()
    user_id = fields.Integer()
    store_name = fields.String()
    name = fields.String()
    slug = fields.String()
    description = fields.String()
    status = fields.String(validate=mm.OneOf(VENDOR_STATUSES))
    status_reason = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


# ------------------------------------------------------------------ products
class ImageRefIn(BaseSchema):
    url = TrimmedString(required=True, validate=[mm.Length(max=500), _image_url])
    alt = fields.String(load_default="", validate=mm.Length(max=200))


class SizeIn(BaseSchema):
    id = Id()
    label = TrimmedString(validate=mm.Length(min=1, max=40))
    sku = TrimmedString(validate=mm.Length(min=1, max=80))
    stock = StrictInteger(validate=mm.Range(min=0, max=MAX_ID))

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _complete_when_new(self, data, original, **kw):
        if not isinstance(original, dict):  # not an object at all: the type error is reported already
            return
        if "id" not in original:
            missing = {f: ["Missing data for required field."] for f in ("label", "stock") if f not in original}
            if missing:
                raise ValidationError(missing)


class VariantIn(BaseSchema):
    id = Id()
    name = TrimmedString(validate=mm.Length(min=1, max=120))
    hex_code = fields.String(allow_none=True, validate=mm.Regexp(r"^#[0-9A-Fa-f]{6}$"))
    sku = TrimmedString(validate=mm.Length(min=1, max=80))
    price = Amount(allow_none=True)
    images = fields.List(fields.Nested(ImageRefIn), validate=mm.Length(max=20))
    sizes = fields.List(fields.Nested(SizeIn), validate=mm.Length(max=50))

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _complete_when_new(self, data, original, **kw):
        if not isinstance(original, dict):  # not an object at all: the type error is reported already
            return
        if "id" not in original:
            missing = {f: ["Missing data for required field."] for f in ("name", "sizes") if f not in original}
            if missing:
                raise ValidationError(missing)
        size_ids = [s["id"] for s in data.get("sizes") or [] if "id" in s]
        if len(size_ids) != len(set(size_ids)):
            raise ValidationError("A size id appears twice.", "sizes")


class ProductIn(BaseSchema):
    """POST and PUT body (PUT replaces: a field left out takes its default)."""

    name = TrimmedString(required=True, validate=mm.Length(max=200))
    description = fields.String(load_default="", validate=mm.Length(max=20000))
    category = TrimmedString(required=True, validate=mm.Length(max=140))
    price = Amount(required=True)
    currency = fields.String(validate=mm.Regexp(r"^[A-Za-z]{3}$"))
    slug = fields.String(validate=[mm.Length(max=200), lambda s: is_valid_slug(s) or _bad_slug()])
    is_active = fields.Boolean()
    variants = fields.List(fields.Nested(VariantIn), required=True, validate=mm.Length(min=1, max=50))

    @validates_schema
    def _unique_ids(self, data, **kw):
        variant_ids = [v["id"] for v in data.get("variants", []) if "id" in v]
        if len(variant_ids) != len(set(variant_ids)):
            raise ValidationError("A variant id appears twice.", "variants")


def _bad_slug():
    raise ValidationError("Use lower-case letters, digits and single hyphens.")


class ProductPatchIn(ProductIn):
    """PATCH body: every top-level field optional, nothing defaulted (nested rules unchanged)."""

    name = TrimmedString(validate=mm.Length(min=1, max=200))
    description = fields.String(validate=mm.Length(max=20000))
    category = TrimmedString(validate=mm.Length(min=1, max=140))
    price = Amount()
    variants = fields.List(fields.Nested(VariantIn), validate=mm.Length(min=1, max=50))


class ProductPath(BaseSchema):
    id = Id(required=True, metadata={"description": "The product id"})


class ProductListQuery(PageQuery):
    pass


class VariantPath(BaseSchema):
    id = Id(required=True, metadata={"description": "The product id"})
    variant_id = Id(required=True, metadata={"description": "The id of a variant of that product"})


class ImagePath(VariantPath):
    image_id = Id(required=True, metadata={"description": "The id of an image of that variant"})


class UploadedImageOut(BaseSchema):
    id = fields.Integer()
    url = fields.String()
    alt = fields.String()
    position = fields.Integer()


class VendorProductSummaryOut(ProductSummaryOut):
    """A row of the vendor's own product list: the public summary plus ``is_active``."""

    is_active = fields.Boolean()


VendorProductOut = ProductDetailOut  # the public detail already carries ``is_active``


# ------------------------------------------------------------------ vendor orders
class VendorOrderListQuery(PageQuery):
    status = fields.String(validate=mm.OneOf(FULFILLMENT_STATUSES), metadata={
        "description": "Only lines (and orders holding lines) in this fulfilment status"})


class VendorOrderPath(BaseSchema):
    order_id = Id(required=True, metadata={"description": "The order id"})


class ShipIn(BaseSchema):
    tracking_number = TrimmedString(allow_none=True, validate=mm.Length(max=120))
    carrier = TrimmedString(allow_none=True, validate=mm.Length(max=60))


class VendorOrderLineOut(OrderItemOut):
    """The customer's order line, as a vendor sees its own (no vendor field: it is the caller)."""

    # Added by other plugins through agora_vendor_order_lines (the payouts plugin, on paid lines).
    commission = fields.String(
        metadata={"description": "the platform's commission (paid lines; payouts plugin)", "optional": True})
    vendor_net = fields.String(metadata={"description": "what the vendor earns (paid lines; payouts plugin)", "optional": True})
    commission_rate = fields.String(metadata={"description": "the rate snapshotted when paid (payouts plugin)", "optional": True})

    class Meta:
        exclude = ("vendor",)


class ShipToOut(AddressOut):
    """Where a vendor ships the order: the customer's address without the phone number."""

    class Meta:
        exclude = ("phone",)


class VendorOrderOut(Schema):
    order_id = fields.Integer()
    number = fields.String()
    status = fields.String()
    created_at = fields.DateTime()
    currency = fields.String()
    shipping_address = fields.Nested(ShipToOut)
    lines = fields.List(fields.Nested(VendorOrderLineOut))
    vendor_total = fields.String()
