"""Vendor product services (docs/api.md › Vendors): the vendor's own products and their images.

Only approved vendors get past :func:`approved_vendor` (403 otherwise); a product of another
vendor is answered 404, exactly like one that does not exist.  The logic lives in
:mod:`plugins.vendors.products` and :mod:`plugins.vendors.images`.
"""
from __future__ import annotations

from cornice import Service
from pyramid.response import Response

from core import audit
from core.catalog.models import Product, Variant
from core.catalog.serialize import product_detail
from core.errors import AgoraError
from core.openapi import responds, takes_body
from core.pagination import paginate
from core.validation import In, validate
from plugins.vendors import images, products
from plugins.vendors.access import approved_vendor
from plugins.vendors.audit_changes import product_changes
from plugins.vendors.schemas import (
    ImagePath,
    ProductIn,
    ProductListQuery,
    ProductPatchIn,
    ProductPath,
    UploadedImageOut,
    VariantPath,
    VendorProductOut,
    VendorProductSummaryOut,
)

products_svc = Service("vendor_products", "/api/vendor/products/", description="The vendor's own products")
product_svc = Service("vendor_product", "/api/vendor/products/{id}/", description="One of the vendor's products")
images_svc = Service("vendor_variant_images", "/api/vendor/products/{id}/variants/{variant_id}/images/",
                     description="Upload an image for a variant")
image_svc = Service("vendor_variant_image", "/api/vendor/products/{id}/variants/{variant_id}/images/{image_id}/",
                    description="Remove a variant image")
SERVICES = [products_svc, product_svc, images_svc, image_svc]




def _detail(request, product: Product) -> dict:
    return product_detail(request.db, product, public=False)


@products_svc.get(schema=In(querystring=ProductListQuery), validators=(validate,), permission="vendor")
@responds(200, VendorProductSummaryOut, paginated=True)
def list_products(request):
    """List the vendor's own products, newest first (approved vendors)."""
    vendor = approved_vendor(request, "manage products")
    return paginate(request, products.count_products(request.db, vendor.id),
                    lambda offset, limit: products.page_of_products(request.db, vendor.id, offset, limit),
                    lambda rows: products.summaries_json(request.db, rows))


@products_svc.post(schema=In(body=ProductIn), validators=(validate,), permission="vendor")
@responds(201, VendorProductOut)
@responds(409, description="A SKU or slug was taken at the same moment by another request")
def create_product(request):
    """Create a product with its variants and sizes (approved vendors)."""
    vendor = approved_vendor(request, "manage products")
    product = products.create_product(request.db, vendor, request.validated["body"],
                                      request.settings["agora.currency"])
    audit.record_request(request, "product.created", ("product", product.id), product_changes({}, product,
                         request.validated["body"]))
    request.hooks.agora_product_created(request=request, product=product)
    request.response.status = 201
    return _detail(request, product)


@product_svc.get(schema=In(path=ProductPath), validators=(validate,), permission="vendor")
@responds(200, VendorProductOut)
def get_product(request):
    """Read one of the vendor's products (approved vendors).

    Another vendor's product is answered 404, like one that does not exist."""
    vendor = approved_vendor(request, "manage products")
    return _detail(request, products.owned_product(request.db, vendor, request.validated["path"]["id"]))


def _update(request):
    vendor = approved_vendor(request, "manage products")
    product = products.owned_product(request.db, vendor, request.validated["path"]["id"])
    before = audit.snapshot(product)
    product, removed = products.update_product(request.db, vendor, product, request.validated["body"],
                                               request.settings["agora.currency"])
    images.remove_after_commit(request.settings["agora.media_dir"], removed, request.tm.get())
    audit.record_request(request, "product.updated", ("product", product.id), product_changes(before, product,
                         request.validated["body"]))
    request.hooks.agora_product_updated(request=request, product=product)
    return _detail(request, product)


@product_svc.put(schema=In(path=ProductPath, body=ProductIn), validators=(validate,), permission="vendor")
@responds(200, VendorProductOut)
@responds(409, description="A SKU or slug was taken at the same moment by another request")
def replace_product(request):
    """Replace one of the vendor's products (approved vendors).

    Fields left out take their defaults; variants and sizes follow the nested rules of the body."""
    return _update(request)


@product_svc.patch(schema=In(path=ProductPath, body=ProductPatchIn), validators=(validate,),
                   permission="vendor")
@responds(200, VendorProductOut)
@responds(409, description="A SKU or slug was taken at the same moment by another request")
def change_product(request):
    """Change some fields of one of the vendor's products (approved vendors).

    Fields left out keep their values."""
    return _update(request)


@product_svc.delete(schema=In(path=ProductPath), validators=(validate,), permission="vendor")
@responds(204, None)
def deactivate_product(request):
    """Deactivate one of the vendor's products (approved vendors).

    It leaves the catalog; orders that hold it are unchanged."""
    vendor = approved_vendor(request, "manage products")
    product = products.owned_product(request.db, vendor, request.validated["path"]["id"])
    audit.record_request(request, "product.deactivated", ("product", product.id), {"is_active": {"old": product.is_active,
                         "new": False}})
    products.deactivate(request.db, product)
    request.hooks.agora_product_updated(request=request, product=product)
    return Response(status=204)


def _owned_variant(request) -> Variant:
    vendor = approved_vendor(request, "manage products")
    path = request.validated["path"]
    product = products.owned_product(request.db, vendor, path["id"])
    return products.owned_variant(request.db, product, path["variant_id"])


@images_svc.post(schema=In(path=VariantPath), validators=(validate,), permission="vendor")
@responds(201, UploadedImageOut)
@responds(413, description="The image is larger than the upload limit")
@responds(415, description="Not multipart/form-data, or not a JPEG, PNG or WebP image")
@takes_body("multipart/form-data", {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary", "description": "A JPEG, PNG or WebP image"},
    "alt": {"type": "string", "maxLength": 200, "description": "Alternative text (longer is cut)"}}})
def upload_image(request):
    """Upload an image for a variant of the vendor's product (approved vendors).

    JPEG, PNG or WebP, verified by decoding; sent as ``multipart/form-data`` with ``file`` and an
    optional ``alt``."""
    variant = _owned_variant(request)
    settings = request.settings
    if request.content_type != "multipart/form-data":
        raise AgoraError(415, "Send the image as multipart/form-data.", name="Content-Type", location="header")
    data = images.read_upload(request.POST.get("file"), settings["agora.max_upload_size"])
    extension = images.verify_image(data)
    alt = request.POST.get("alt")
    alt = alt.strip()[:200] if isinstance(alt, str) else ""
    name = images.store(settings["agora.media_dir"], data, extension, request.tm.get())
    image = images.add_image(request.db, variant, images.public_url(settings["agora.media_url"], name), alt, name)
    audit.record_request(request, "product.image_added", ("image", image.id), {"product_id": variant.product_id,
                         "variant_id": variant.id, "url": image.url, "alt": image.alt})
    request.hooks.agora_product_updated(request=request, product=request.db.get(Product, variant.product_id))
    request.response.status = 201
    return {"id": image.id, "url": image.url, "alt": image.alt, "position": image.position}


@image_svc.delete(schema=In(path=ImagePath), validators=(validate,), permission="vendor")
@responds(204, None)
def delete_image(request):
    """Remove an image of a variant of the vendor's product (approved vendors)."""
    variant = _owned_variant(request)
    image = images.remove_image(request.db, variant, request.validated["path"]["image_id"])
    audit.record_request(request, "product.image_removed", ("image", image.id), {"product_id": variant.product_id,
                         "variant_id": variant.id, "url": image.url})
    request.hooks.agora_product_updated(request=request, product=request.db.get(Product, variant.product_id))
    if image.file_name:
        images.remove_after_commit(request.settings["agora.media_dir"], [image.file_name], request.tm.get())
    return Response(status=204)
