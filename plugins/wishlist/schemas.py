"""Input and output schemas of the wishlist services (docs/api.md › Wishlist)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.catalog.schemas import ProductSummaryOut
from core.pagination import PageQuery
from core.validation import BaseSchema, Id, StrictInteger
from plugins.wishlist.settings import MAX_BULK

IdList = lambda: fields.List(  # noqa: E731
    Id(strict=True), required=True,
    validate=validate.Length(min=1, max=MAX_BULK, error=f"Give between 1 and {MAX_BULK} ids."))


class WishlistAddIn(BaseSchema):
    product_id = Id(strict=True, required=True)


class WishlistBulkAddIn(BaseSchema):
    product_ids = IdList()


class WishlistBulkRemoveIn(BaseSchema):
    ids = IdList()


class WishlistMoveIn(BaseSchema):
    size_id = Id(strict=True, required=True, metadata={"description": "A size of the entry's product"})
    quantity = StrictInteger(load_default=1, validate=validate.Range(min=1, error="Must be at least 1."), metadata={
        "x-maximum-setting": "agora.cart.max_quantity",
        "description": "How many to add to the cart; at most agora.cart.max_quantity (default 99) of one size "
                       "fit in a cart, counting what is already there"})


class WishlistEntryPath(BaseSchema):
    id = Id(required=True, metadata={"description": "The wishlist entry id (results[].id of the wishlist)"})


class WishlistQuery(PageQuery):
    pass


class WishlistEntryOut(Schema):
    id = fields.Integer()
    product = fields.Nested(ProductSummaryOut)
    added_at = fields.DateTime()
    available = fields.Boolean(metadata={"description": "the product is still sold and in stock"})


class WishlistSkipped(Schema):
    product_id = fields.Integer()
    reason = fields.String(metadata={"enum": ["not_found", "not_sold", "already_in_wishlist", "wishlist_full"]})


class WishlistBulkAddOut(Schema):
    added = fields.List(fields.Integer())
    skipped = fields.List(fields.Nested(WishlistSkipped))


class WishlistBulkRemoveOut(Schema):
    removed = fields.Integer()
