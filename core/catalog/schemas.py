"""Input and output schemas of the catalog services (docs/api.md › Catalog)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from core.catalog.slugs import SLUG_RE
from core.pagination import PageQuery
from core.validation import Amount, BaseSchema, TrimmedString

ORDERINGS = ("price", "-price", "name", "-name", "created_at", "-created_at")

Slug = lambda **kw: fields.String(  # noqa: E731
    validate=[validate.Length(min=1, max=140),
              validate.Regexp(SLUG_RE, error="Use lower-case letters, digits and single dashes.")], **kw)


class QueryBoolean(fields.Boolean):
    """``true``/``false`` (also ``1``/``0``) in a querystring; anything else is a 400.

    A ``Boolean`` so that the OpenAPI document types it; its parsing is its own."""

    TRUE, FALSE = {"true", "1"}, {"false", "0"}

    def _deserialize(self, value, attr, data, **kw):
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError("Use true or false.")


class ProductListQuery(PageQuery):
    category = fields.String(validate=validate.Length(max=140), metadata={
        "description": "A category slug: products of it and of its sub-categories"})
    search = fields.String(validate=validate.Length(max=200), metadata={
        "description": "Words to find in the name and description (full-text); ranks the results unless "
                       "ordering is given"})
    min_price = Amount(metadata={"description": "Lowest price to include"})
    max_price = Amount(metadata={"description": "Highest price to include"})
    vendor = fields.String(validate=validate.Length(max=140), metadata={"description": "A vendor slug"})
    in_stock = QueryBoolean(metadata={"description": "true: only products with a size in stock; "
                                                     "false: only those without"})
    ordering = fields.String(load_default="-created_at", validate=validate.OneOf(ORDERINGS), metadata={
        "description": "Sort key; a leading - sorts descending (default: newest first)"})


class SlugPath(BaseSchema):
    slug = fields.String(required=True, validate=validate.Length(min=1, max=220), metadata={
        "description": "The slug (as in the list answers)"})


class CategoryIn(BaseSchema):
    """POST and PUT: ``name`` required; ``slug`` generated when absent; ``parent`` a slug or null."""

    name = TrimmedString(required=True, validate=validate.Length(min=1, max=120))
    slug = Slug()
    parent = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=140))
    is_active = fields.Boolean()


class CategoryPatch(BaseSchema):
    name = TrimmedString(validate=validate.Length(min=1, max=120))
    slug = Slug()
    parent = fields.String(allow_none=True, validate=validate.Length(max=140))
    is_active = fields.Boolean()


class CategoryRef(Schema):
    slug = fields.String()
    name = fields.String()


class VendorRef(Schema):
    slug = fields.String()
    name = fields.String()


class ProductSummaryOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    price = fields.String(metadata={"description": "decimal string, lowest active variant price"})
    currency = fields.String()
    category = fields.Nested(CategoryRef)
    vendor = fields.Nested(VendorRef, allow_none=True, metadata={"description": "null: sold by the shop itself"})
    image = fields.String(allow_none=True)
    in_stock = fields.Boolean()


class ImageOut(Schema):
    id = fields.Integer()
    url = fields.String()
    alt = fields.String()


class SizeOut(Schema):
    id = fields.Integer()
    label = fields.String()
    sku = fields.String()
    stock = fields.Integer()
    in_stock = fields.Boolean()


class VariantOut(Schema):
    id = fields.Integer()
    name = fields.String()
    hex_code = fields.String(allow_none=True)
    sku = fields.String()
    price = fields.String()
    images = fields.List(fields.Nested(ImageOut))
    sizes = fields.List(fields.Nested(SizeOut))


class ProductDetailOut(ProductSummaryOut):
    description = fields.String()
    is_active = fields.Boolean()
    variants = fields.List(fields.Nested(VariantOut))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CategoryOut(Schema):
    id = fields.Integer()
    name = fields.String()
    slug = fields.String()
    parent = fields.String(allow_none=True, metadata={"description": "the parent's slug"})
    is_active = fields.Boolean()
    children = fields.List(fields.Nested(lambda: CategoryOut()))
