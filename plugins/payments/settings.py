"""The payments plugin's settings, declared as typed keys (validated by core at start-up).

* ``agora.payments.provider`` (``manual`` or ``stripe``, default ``manual``; environment
  ``AGORA_PAYMENTS_PROVIDER``): who takes the money.
* ``agora.payments.stripe.api_key`` and ``agora.payments.stripe.webhook_secret`` (environment
  ``STRIPE_API_KEY`` and ``STRIPE_WEBHOOK_SECRET``, the operating contract's names, or the
  derived ``AGORA_PAYMENTS_STRIPE_API_KEY`` …): secrets, read only from the environment in
  production (an ini value there stops start-up).
* ``agora.payments.stripe.api_base`` (environment ``STRIPE_API_BASE``): only to point the SDK at a
  local stand-in such as localstripe.
"""
from __future__ import annotations

from config import Key, one_of

PROVIDER = "agora.payments.provider"
STRIPE_API_KEY = "agora.payments.stripe.api_key"
STRIPE_WEBHOOK_SECRET = "agora.payments.stripe.webhook_secret"
STRIPE_API_BASE = "agora.payments.stripe.api_base"

PROVIDERS = ("manual", "stripe")


KEYS = [
    Key(PROVIDER, "manual", one_of(*PROVIDERS)),
    Key(STRIPE_API_KEY, "", str, env="STRIPE_API_KEY", secret=True),
    Key(STRIPE_WEBHOOK_SECRET, "", str, env="STRIPE_WEBHOOK_SECRET", secret=True),
    Key(STRIPE_API_BASE, "", str, env="STRIPE_API_BASE"),
]


def stripe_credentials(settings) -> tuple[str, str, str | None]:
    """``(api key, webhook secret, api base or None)``; empty strings where unset."""
    return settings[STRIPE_API_KEY], settings[STRIPE_WEBHOOK_SECRET], settings[STRIPE_API_BASE] or None
