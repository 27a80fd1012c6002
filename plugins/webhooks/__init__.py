"""The webhooks plugin: signed outbound events for integrations (docs/api.md › Outbound webhooks).

Enable it with ``agora.plugins = ... webhooks``.  Managers subscribe endpoints through
``/api/webhooks/`` (:mod:`plugins.webhooks.views`); the order, vendor and product hooks below
write an event and its deliveries in the transaction of what caused them
(:mod:`plugins.webhooks.events`); ``agora CONFIG worker`` delivers them with Standard Webhooks
signatures, retries and a delivery log (:mod:`plugins.webhooks.delivery`).  Settings:
:mod:`plugins.webhooks.settings`.  See README.md.
"""
from __future__ import annotations

from pathlib import Path

from core.hooks import hookimpl
from plugins.webhooks import models  # noqa: F401  (registers the tables on Base.metadata)
from plugins.webhooks import settings as webhook_settings
from plugins.webhooks.events import emit, order_data, product_data, vendor_data

requires = ()
agora_version = ">=0.1,<1"
TABLES = models.TABLES

MIGRATIONS = Path(__file__).parent / "migrations"


# --------------------------------------------------------------------------- wiring
@hookimpl
def agora_settings_keys():
    return webhook_settings.KEYS


@hookimpl
def agora_includeme(config, settings):
    from plugins.webhooks.views import SERVICES

    for service in SERVICES:
        config.add_cornice_service(service)


@hookimpl
def agora_migration_locations():
    return [str(MIGRATIONS)]


@hookimpl
def agora_openapi_tags():
    return [{"name": "webhooks", "description": "Outbound webhooks: endpoints, deliveries (managers)"}]


@hookimpl
def agora_worker_tasks(settings):
    """``agora.webhooks.concurrency`` delivery threads sharing one engine."""
    from sqlalchemy.orm import sessionmaker

    from core.db import engine_from_settings
    from plugins.webhooks import delivery

    config = webhook_settings.delivery_config(settings)
    session_factory = sessionmaker(bind=engine_from_settings(settings), expire_on_commit=False)

    def webhooks_delivery(stop):
        delivery.run(session_factory, config, stop)

    return [webhooks_delivery] * config.concurrency


# --------------------------------------------------------------------------- orders
def _order(request, event_type, order) -> None:
    emit(request.db, event_type, lambda: order_data(request.db, order))


@hookimpl
def agora_order_placed(request, order):
    _order(request, "order.placed", order)


@hookimpl
def agora_order_paid(request, order):
    _order(request, "order.paid", order)


@hookimpl
def agora_order_status_changed(request, order):
    _order(request, "order.status_changed", order)


@hookimpl
def agora_order_shipped(request, order):
    _order(request, "order.shipped", order)


@hookimpl
def agora_order_cancelled(request, order):
    _order(request, "order.cancelled", order)


@hookimpl
def agora_order_refunded(request, order):
    _order(request, "order.refunded", order)


# --------------------------------------------------------------------------- returns
def _return(request, event_type, return_) -> None:
    from core.returns.serialize import return_data

    emit(request.db, event_type, lambda: return_data(request.db, return_))


@hookimpl
def agora_return_requested(request, return_):
    _return(request, "return.requested", return_)


@hookimpl
def agora_return_status_changed(request, return_, new_status):
    if new_status == "refunded":
        _return(request, "return.refunded", return_)


# --------------------------------------------------------------------------- vendors and products
@hookimpl(optionalhook=True)  # a vendors hook: only while that plugin is enabled
def agora_vendor_applied(request, vendor):
    emit(request.db, "vendor.applied", lambda: vendor_data(vendor))


@hookimpl(optionalhook=True)  # a vendors hook: only while that plugin is enabled
def agora_vendor_approved(request, vendor):
    emit(request.db, "vendor.approved", lambda: vendor_data(vendor))


@hookimpl(optionalhook=True)  # a vendors hook: only while that plugin is enabled
def agora_vendor_suspended(request, vendor):
    emit(request.db, "vendor.suspended", lambda: vendor_data(vendor))


# --------------------------------------------------------------------------- payouts
def _payout_data(payout, vendor) -> dict:
    from plugins.payouts.api import payout_json  # only reached while the payouts plugin fires its hooks

    return payout_json(payout, vendor)


@hookimpl(optionalhook=True)  # a payouts hook: only while that plugin is enabled
def agora_payout_created(db, payout, vendor):
    emit(db, "payout.created", lambda: _payout_data(payout, vendor))


@hookimpl(optionalhook=True)
def agora_payout_paid(db, payout, vendor):
    emit(db, "payout.paid", lambda: _payout_data(payout, vendor))


@hookimpl(optionalhook=True)
def agora_payout_failed(db, payout, vendor):
    emit(db, "payout.failed", lambda: _payout_data(payout, vendor))


@hookimpl
def agora_product_created(request, product):
    emit(request.db, "product.created", lambda: product_data(request.db, product))


@hookimpl
def agora_product_updated(request, product):
    emit(request.db, "product.updated", lambda: product_data(request.db, product))
