"""The vendors plugin: vendor onboarding, vendor product management and the vendor's orders.

Users apply to sell (``POST /api/vendor/apply/``); managers approve, reject or suspend them
(``/api/manager/vendors/...``); approved vendors manage their own products with variants,
sizes and uploaded images (``/api/vendor/products/...``), see the orders holding their lines
and ship those lines (``/api/vendor/orders/...``).  The ``Vendor`` record itself is a
core table (every product may belong to one); this plugin owns the workflow around it and
needs no table of its own.

Hooks implemented: ``agora_includeme`` (services and the media static view),
``agora_product_sellable`` (products of vendors that are not approved are neither shown in
the public catalog nor sold), ``agora_settings_keys`` (the media keys), ``agora_body_limits`` (the image
upload route) and ``agora_openapi_tags``.  It owns the hooks of ``plugins.vendors.hookspecs``
and fires them: ``agora_vendor_applied``, ``agora_vendor_approved``, ``agora_vendor_rejected``
and ``agora_vendor_suspended``; product management fires ``agora_product_created`` and
``agora_product_updated``; shipping fires ``agora_order_shipped`` and, when it completes an
order, ``agora_order_status_changed``.
"""
from __future__ import annotations

import os

from sqlalchemy import exists, or_
from sqlalchemy.orm import aliased

from core.catalog.models import Product, Vendor
from core.hooks import hookimpl
from plugins.vendors import hookspecs  # noqa: F401  (the plugin's own hooks, see core.plugins)
from plugins.vendors import settings as vendor_settings

requires = ()
agora_version = ">=0.1,<1"
TABLES = ()  # no table of its own: vendors are a core table


@hookimpl
def agora_settings_keys():
    return vendor_settings.KEYS


@hookimpl
def agora_body_limits(settings):
    # The image upload takes a multipart body up to the image limit plus room for its headers.
    return [(r"^/api/vendor/products/\d+/variants/\d+/images/$", settings[vendor_settings.MAX_UPLOAD] + 64 * 1024)]


@hookimpl
def agora_includeme(config, settings):
    from plugins.vendors import order_views, product_views, views

    for service in views.SERVICES + product_views.SERVICES + order_views.SERVICES:
        config.add_cornice_service(service)
    media_url = settings["agora.media_url"]
    if media_url.startswith("/"):  # an absolute URL (CDN, bucket) is served elsewhere
        config.add_static_view(name=media_url.strip("/"), path=os.path.abspath(settings["agora.media_dir"]),
                               cache_max_age=3600)


@hookimpl
def agora_product_sellable(settings):
    """Only products without a vendor or of an approved vendor are shown and sold."""
    vendor = aliased(Vendor, name="sellable_vendor")  # the query may join vendors itself
    approved = exists().where(vendor.id == Product.vendor_id, vendor.status == "approved")
    return or_(Product.vendor_id.is_(None), approved)


@hookimpl
def agora_openapi_tags():
    return [
        {"name": "vendor", "description": "Vendor onboarding, the vendor's own products and its orders"},
        {"name": "manager", "description": "Managers review, approve, reject and suspend vendors"},
    ]
