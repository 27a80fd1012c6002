"""agora-coupons: discount codes for Agora, built only on Agora's public plugin contract.

Enable it after the cart: ``agora.plugins = ... cart ... coupons``, then ``agora CONFIG migrate``.

* managers create coupons (``/api/coupons/``): percentage or fixed amount off, minimum
  subtotal, validity window, total and per-customer usage limits, optional restriction to
  category or vendor slugs (the discount then applies to the matching lines only);
* shoppers apply one code to their cart (``POST /api/cart/coupon/``, ``DELETE`` removes it);
* ``agora_checkout_price`` takes the discount off (before tax; a percentage is rounded
  half-up once per order), so the cart preview, the payment amount and the order agree;
* ``agora_checkout_completed`` counts the use inside the order's transaction, race-free
  (:mod:`agora_coupons.usage`); ``agora_order_cancelled`` gives it back when
  ``agora.coupons.return_on_cancel`` is true (the default).

Only these Agora modules are used: ``core.hooks``, ``core.db``, ``core.errors``,
``core.validation``, ``core.openapi``, ``core.pagination``, ``core.money``,
``core.orders.pricing``, ``core.catalog.models`` (read-only), ``config.Key`` and the cart
plugin's public ``plugins.cart.api`` (hence ``requires``).

The package has the shape of every Agora feature (docs/architecture.md): this module holds
only the hook implementations; ``views`` the thin services; ``admin`` and ``usage`` the rules
(session and values); ``rules`` the pure coupon arithmetic; ``schemas``, ``serialize``,
``models`` (:data:`TABLES`), ``settings`` and ``migrations/``.
"""
from __future__ import annotations

from pathlib import Path

from agora_coupons import (
    models,  # noqa: F401  (registers the tables on Base.metadata)
    usage,
)
from agora_coupons import settings as coupon_settings
from agora_coupons.views import SERVICES
from core.hooks import hookimpl

requires = ("cart",)
agora_version = ">=0.1,<1"
TABLES = models.TABLES

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def agora_settings_keys():
    return coupon_settings.KEYS


@hookimpl
def agora_includeme(config, settings):
    for service in SERVICES:
        config.add_cornice_service(service)


@hookimpl
def agora_migration_locations():
    return [str(MIGRATIONS)]


@hookimpl
def agora_openapi_tags():
    return [{"name": "coupons", "description": "Discount codes (plugin coupons, package agora-coupons)"}]


@hookimpl
def agora_checkout_validate(request, user):
    if user is not None:  # a guest (no account) has no coupon
        usage.validate(request.db, user.id)


@hookimpl
def agora_checkout_price(request, user, lines, pricing):
    if user is not None:  # a guest (no account) has no coupon
        usage.price(request.db, user.id, lines, pricing)


@hookimpl
def agora_checkout_completed(request, order):
    usage.record_use(request.db, order)


@hookimpl
def agora_order_cancelled(request, order):
    if coupon_settings.return_on_cancel(request.settings):
        usage.release_use(request.db, order)
