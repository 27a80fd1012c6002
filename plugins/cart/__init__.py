"""The cart plugin: one persistent cart per user (docs/api.md › Cart).

Enable it with ``agora.plugins = ... cart``.  It adds the ``/api/cart/`` services, the
``carts`` and ``cart_items`` tables (own alembic branch ``cart``), the setting
``agora.cart.max_quantity`` (default 99), and it is the checkout's source of lines:
``agora_checkout_lines`` returns the caller's items and ``agora_checkout_completed``
removes what was bought.  Other plugins use :mod:`plugins.cart.api` only.

Modules: ``models`` (tables), ``items`` (changing a cart, race-free), ``serialize`` (the cart
as JSON, priced from the catalog), ``checkout`` (the hook logic), ``views`` (the services).
"""
from __future__ import annotations

from pathlib import Path

from core.hooks import hookimpl
from plugins.cart import models  # noqa: F401  (registers the tables on Base.metadata)
from plugins.cart import settings as cart_settings
from plugins.cart.checkout import checkout_lines, remove_bought
from plugins.cart.views import SERVICES

requires = ()
agora_version = ">=0.1,<1"
TABLES = models.TABLES

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def agora_settings_keys():
    return cart_settings.KEYS


@hookimpl
def agora_includeme(config, settings):
    for service in SERVICES:
        config.add_cornice_service(service)


@hookimpl
def agora_migration_locations():
    return [str(MIGRATIONS)]


@hookimpl
def agora_openapi_tags():
    return [{"name": "cart", "description": "The caller's cart (plugin cart)"}]


@hookimpl
def agora_checkout_lines(request, user):
    """The caller's cart items as checkout lines (``source_id`` = cart item id)."""
    return checkout_lines(request.db, user.id)


@hookimpl
def agora_checkout_completed(request, order, lines):
    """Remove the bought quantities from the buyer's cart."""
    user_id = getattr(order, "user_id", None) or request.user.id
    remove_bought(request.db, user_id, lines)
