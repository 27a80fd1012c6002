"""The wishlist plugin: products a shopper keeps for later (docs/api.md › Wishlist).

Enable it with ``agora.plugins = ... wishlist``.  It adds the ``/api/wishlist/`` services,
the ``wishlist_items`` table (own alembic branch ``wishlist``) and the setting
``agora.wishlist.max_items`` (default 500: adding beyond it answers 400).

Decision — the wishlist works without the cart.  It does not declare ``requires =
("cart",)``: list, add, remove, bulk-add and bulk-remove need nothing from it.  Only
``POST /api/wishlist/{id}/move-to-cart/`` does, so that route (and its OpenAPI entry) is
registered only when ``cart`` is in ``agora.plugins``; without the cart it answers 404
like any unknown path.  :mod:`plugins.wishlist.move` is imported only in that case, and
moves through the cart's public :mod:`plugins.cart.api` (``add_to_cart``,
``cart_answer``), so the cart's rules (stock, maximum, sold or not) apply unchanged.

Modules: ``models`` (table), ``entries`` (changes, race-free), ``serialize`` (JSON),
``views`` (the services), ``move`` (move-to-cart).
"""
from __future__ import annotations

from pathlib import Path

from core.hooks import hookimpl
from plugins.wishlist import models  # noqa: F401  (registers the table on Base.metadata)
from plugins.wishlist import settings as wishlist_settings
from plugins.wishlist.views import SERVICES

requires = ()
agora_version = ">=0.1,<1"
TABLES = models.TABLES

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def agora_settings_keys():
    return wishlist_settings.KEYS


@hookimpl
def agora_includeme(config, settings):
    for service in SERVICES:
        config.add_cornice_service(service)
    if "cart" in settings.plugins:
        from plugins.wishlist.move import move_svc

        config.add_cornice_service(move_svc)


@hookimpl
def agora_migration_locations():
    return [str(MIGRATIONS)]


@hookimpl
def agora_openapi_tags():
    return [{"name": "wishlist", "description": "Products kept for later (plugin wishlist)"}]
