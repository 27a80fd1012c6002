"""The payments plugin: the ``stripe`` and ``manual`` payment providers and Stripe's webhook.

Settings in :mod:`plugins.payments.settings`; the webhook's service in ``views``, its event
handling in ``events``; the providers in ``providers``.
"""
from __future__ import annotations

from pathlib import Path

from core.hooks import hookimpl
from core.plugins import PluginError
from plugins.payments import models
from plugins.payments import settings as payment_settings

requires = ()
agora_version = ">=0.1,<1"
TABLES = models.TABLES


@hookimpl
def agora_settings_keys():
    return payment_settings.KEYS


@hookimpl
def agora_payment_provider(settings):
    from plugins.payments.providers import ManualProvider, StripeProvider

    if settings[payment_settings.PROVIDER] == "manual":
        return ManualProvider()
    api_key, secret, api_base = payment_settings.stripe_credentials(settings)
    if not api_key or not secret:
        raise PluginError("plugin 'payments': the stripe provider needs STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET")
    return StripeProvider(api_key, secret, api_base)


@hookimpl
def agora_includeme(config, settings):
    from plugins.payments.views import webhook_svc

    config.add_cornice_service(webhook_svc)


@hookimpl
def agora_migration_locations():
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def agora_openapi_tags():
    return [{"name": "payments", "description": "Payment provider webhooks"}]
