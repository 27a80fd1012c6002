"""The payouts plugin: commissions, an append-only vendor ledger, and payouts (docs/api.md ›
Marketplace money).  Needs ``vendors``; enable it after it: ``agora.plugins = vendors … payouts``.

* When an order is paid (``agora_order_paid``), each vendor line gets a commission snapshot
  (``commissions``) and the vendor a ``sale`` entry (``ledger``), in that transaction.
* A cancellation or a refund (``agora_order_cancelled``, ``agora_order_refunded``) writes
  ``refund`` entries for each vendor's share (``ledger.refund_order``; it already takes refunded
  items for the partial refunds of the returns issue — see its docstring).
* ``POST /api/manager/payouts/run/`` and ``agora CONFIG payouts run`` pay every vendor that is due
  (``payouts``), through the ``manual`` or ``stripe`` (Connect) provider (``providers``).
* ``GET /api/vendor/orders/`` shows ``commission`` and ``vendor_net`` on paid lines through the
  ``agora_vendor_order_lines`` hook (the vendors plugin never imports this one).

Tables (own alembic branch ``payouts``): see :data:`TABLES` and ``models``.  Settings: ``settings``.

A payout's life is announced through this plugin's own hooks (``hookspecs``:
``agora_payout_created``, ``agora_payout_paid``, ``agora_payout_failed``); the email plugin sends
the "payout sent" mail and the webhooks plugin the ``payout.*`` events from them.
"""
from __future__ import annotations

from pathlib import Path

from core.hooks import hookimpl
from plugins.payouts import (
    hookspecs,  # noqa: F401  (the plugin's own hooks, see core.plugins)
    models,
)
from plugins.payouts import settings as payout_settings
from plugins.payouts.cli import add_commands
from plugins.payouts.commissions import settle_paid_order
from plugins.payouts.ledger import refund_order
from plugins.payouts.providers import provider_from_settings
from plugins.payouts.serialize import line_extras
from plugins.payouts.views import SERVICES

requires = ("vendors",)
agora_version = ">=0.1,<1"
TABLES = models.TABLES

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def agora_settings_keys():
    return payout_settings.KEYS


@hookimpl
def agora_includeme(config, settings):
    provider = provider_from_settings(settings)  # a stripe provider without its key stops start-up here
    config.add_request_method(lambda request: provider, "payout_provider", reify=True)
    for service in SERVICES:
        config.add_cornice_service(service)


@hookimpl
def agora_migration_locations():
    return [str(MIGRATIONS)]


@hookimpl
def agora_openapi_tags():
    return [{"name": "payouts", "description": "Commissions, vendor balances and ledgers, payouts (plugin payouts)"}]


@hookimpl
def agora_cli_commands(subparsers):
    add_commands(subparsers)


@hookimpl
def agora_order_paid(request, order):
    """Snapshot the commission of each vendor line and write the vendors' ``sale`` entries."""
    settle_paid_order(request.db, order, request.settings)


@hookimpl
def agora_order_cancelled(request, order):
    """A cancelled paid order gives back every vendor's share (nothing for an unpaid one)."""
    refund_order(request.db, order)


@hookimpl
def agora_order_refunded(request, order, amount, items):
    """Money returned: each vendor gives back its share (all of it for a full refund); for a
    return (``items``), exactly the share of the returned units of its lines."""
    refund_order(request.db, order, items=items, amount=amount)


@hookimpl
def agora_vendor_order_lines(request, vendor, lines):
    """``commission``, ``vendor_net`` and ``commission_rate`` on the vendor's paid lines."""
    return line_extras(request.db, lines, request.settings["agora.currency"])
