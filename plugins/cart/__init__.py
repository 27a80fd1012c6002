"""The cart plugin: one persistent cart per user, or per guest token (docs/api.md › Cart).

Enable it with ``agora.plugins = ... cart``.  It adds the ``/api/cart/`` services, the
``carts`` and ``cart_items`` tables (own alembic branch ``cart``), the setting
``agora.cart.max_quantity`` (default 99) and ``agora.cart.guest_days`` (default 30), and it is
the checkout's source of lines: ``agora_checkout_lines`` returns the caller's items (a guest's,
by ``X-Cart-Token``, when ``user`` is None) and ``agora_checkout_completed`` removes what was
bought.  Other plugins use :mod:`plugins.cart.api` only.

Guest carts (``shoppers``): ``POST /api/cart/guest/`` answers a token kept hashed; every cart
service takes ``X-Cart-Token`` instead of a Bearer token; the worker deletes expired guest carts.
Merging on sign-in (``merge``, ``POST /api/cart/merge/``) sums quantities, capped by
availability and the per-size maximum — of Vendure's four strategies the one that never drops
what the shopper chose (the reasoning is in :mod:`plugins.cart.merge`).

Modules: ``models`` (tables), ``items`` (changing a cart, race-free), ``serialize`` (the cart
as JSON, priced from the catalog), ``checkout`` (the hook logic), ``shoppers`` (user or guest),
``merge``, ``views`` and ``guest_views`` (the services).
"""
from __future__ import annotations

import logging
from pathlib import Path

from core.hooks import hookimpl
from core.openapi import CART_TOKEN
from plugins.cart import models  # noqa: F401  (registers the tables on Base.metadata)
from plugins.cart import settings as cart_settings
from plugins.cart.checkout import checkout_lines, remove_bought, remove_bought_by_guest
from plugins.cart.guest_views import SERVICES as GUEST_SERVICES
from plugins.cart.shoppers import delete_expired_guest_carts, shopper_of
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
    for service in SERVICES + GUEST_SERVICES:
        config.add_cornice_service(service)


@hookimpl
def agora_migration_locations():
    return [str(MIGRATIONS)]


@hookimpl
def agora_openapi_tags():
    return [{"name": "cart", "description": (
        "The caller's cart (plugin cart). A shopper without an account starts a guest cart with "
        "POST /api/cart/guest/ and sends its token as X-Cart-Token (the cartToken security scheme), "
        "here and at checkout.")}]


@hookimpl
def agora_checkout_lines(request, user):
    """The caller's cart items as checkout lines (``source_id`` = cart item id); for a guest
    (``user`` None) the cart of the request's ``X-Cart-Token``."""
    return checkout_lines(request.db, user.id if user is not None else shopper_of(request))


@hookimpl
def agora_checkout_completed(request, order, lines):
    """Remove the bought quantities from the buyer's cart (a guest order's: the cart of the
    request's ``X-Cart-Token``; on the provider's webhook path, which has none, the guest cart
    that holds the bought items)."""
    user_id = getattr(order, "user_id", None) or (request.user.id if request.user is not None else None)
    if user_id is not None:
        remove_bought(request.db, user_id, lines)
    elif request.headers.get(CART_TOKEN):
        remove_bought(request.db, shopper_of(request), lines)
    else:
        remove_bought_by_guest(request.db, lines)


@hookimpl
def agora_worker_tasks(settings):
    """Delete expired guest carts every few minutes."""
    from sqlalchemy.orm import sessionmaker

    from core.db import engine_from_settings

    session_factory = sessionmaker(bind=engine_from_settings(settings), expire_on_commit=False)

    def guest_cart_sweeper(stop):
        while not stop.is_set():
            try:
                with session_factory() as db, db.begin():
                    delete_expired_guest_carts(db)
            except Exception:  # the database may be briefly away: try again next round
                logging.getLogger("agora.cart").exception("cart: guest cart sweep failed")
            stop.wait(300)

    return [guest_cart_sweeper]
