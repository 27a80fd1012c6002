"""The payments plugin: the ``stripe`` and ``manual`` payment providers and Stripe's webhook.

Settings (``agora.payments.provider = manual|stripe``, default ``manual``; the environment
variable ``AGORA_PAYMENTS_PROVIDER`` overrides it):
``STRIPE_API_KEY``, ``STRIPE_WEBHOOK_SECRET`` and ``STRIPE_API_BASE`` (only to point the SDK
at a local stand-in such as localstripe) come from the environment, or from
``agora.payments.stripe.*`` keys outside production.
"""
from __future__ import annotations

import os
from pathlib import Path

from core.hooks import hookimpl
from core.plugins import PluginError

ENV = {"api_key": "STRIPE_API_KEY", "webhook_secret": "STRIPE_WEBHOOK_SECRET", "api_base": "STRIPE_API_BASE"}


@hookimpl
def agora_settings_defaults():
    return {"agora.payments.provider": "manual"}


def stripe_setting(settings, name: str) -> str | None:
    value = os.environ.get(ENV[name])
    if not value and not settings.is_production:
        value = settings.get(f"agora.payments.stripe.{name}")
    return value or None


@hookimpl
def agora_payment_provider(settings):
    from plugins.payments.providers import ManualProvider, StripeProvider

    choice = (os.environ.get("AGORA_PAYMENTS_PROVIDER") or str(settings.get("agora.payments.provider", "manual"))).strip()
    if choice == "manual":
        return ManualProvider()
    if choice == "stripe":
        api_key, secret = stripe_setting(settings, "api_key"), stripe_setting(settings, "webhook_secret")
        if not api_key or not secret:
            raise PluginError("plugin 'payments': the stripe provider needs STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET")
        return StripeProvider(api_key, secret, stripe_setting(settings, "api_base"))
    raise PluginError(f"plugin 'payments': unknown agora.payments.provider {choice!r} (use manual or stripe)")


@hookimpl
def agora_includeme(config, settings):
    from plugins.payments.webhook import webhook_svc

    config.add_cornice_service(webhook_svc)


@hookimpl
def agora_migration_locations():
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def agora_openapi_tags():
    return [{"name": "payments", "description": "Payment provider webhooks"}]
