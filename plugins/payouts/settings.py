"""The payouts plugin's settings, declared as typed keys (validated by core at start-up).

* ``agora.payouts.commission_rate`` (default ``0.10``): the platform's share of a line when no
  manager rule matches; a decimal in [0, 1] with at most 6 decimal places.
* ``agora.payouts.hold_days`` (default 7): a sale becomes available for payout this many days
  after the payment.
* ``agora.payouts.minimum`` (default ``10.00``): the least available balance a run pays out.
* ``agora.payouts.provider`` (``manual`` or ``stripe``): how payouts are sent.
* ``agora.payouts.stripe.api_key`` / ``agora.payouts.stripe.api_base`` (environment
  ``STRIPE_API_KEY`` / ``STRIPE_API_BASE``, the same variables as the payments plugin): the
  Stripe Connect platform key, and a base address only to point the SDK at a local stand-in.
* ``agora.payouts.stripe.return_url`` / ``refresh_url``: where Stripe's onboarding sends the
  vendor back (default: the public URL's ``/vendor/payouts/``).
"""
from __future__ import annotations

from decimal import Decimal

from config import Key, as_decimal, non_negative_int, one_of

COMMISSION_RATE = "agora.payouts.commission_rate"
HOLD_DAYS = "agora.payouts.hold_days"
MINIMUM = "agora.payouts.minimum"
PROVIDER = "agora.payouts.provider"
STRIPE_API_KEY = "agora.payouts.stripe.api_key"
STRIPE_API_BASE = "agora.payouts.stripe.api_base"
RETURN_URL = "agora.payouts.stripe.return_url"
REFRESH_URL = "agora.payouts.stripe.refresh_url"

PROVIDERS = ("manual", "stripe")
RATE_PLACES = 6  # rates are stored as parts per million
PPM = 10 ** RATE_PLACES


def as_rate(value) -> Decimal:
    """A commission rate: a decimal in [0, 1] with at most six decimal places."""
    rate = as_decimal(value)
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise ValueError(f"must be between 0 and 1, not {value!r}")
    if rate.as_tuple().exponent < -RATE_PLACES:
        raise ValueError(f"at most {RATE_PLACES} decimal places, not {value!r}")
    return rate


def as_minimum(value) -> Decimal:
    amount = as_decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"must be an amount of 0 or more, not {value!r}")
    return amount


KEYS = [
    Key(COMMISSION_RATE, Decimal("0.10"), as_rate),
    Key(HOLD_DAYS, 7, non_negative_int),
    Key(MINIMUM, Decimal("10.00"), as_minimum),
    Key(PROVIDER, "manual", one_of(*PROVIDERS)),
    Key(STRIPE_API_KEY, "", str, env="STRIPE_API_KEY", secret=True),
    Key(STRIPE_API_BASE, "", str, env="STRIPE_API_BASE"),
    Key(RETURN_URL, "", str),
    Key(REFRESH_URL, "", str),
]


def rate_to_ppm(rate: Decimal) -> int:
    return int(rate * PPM)


def ppm_to_rate(ppm: int) -> Decimal:
    return Decimal(ppm) / PPM


def rate_text(ppm: int) -> str:
    """``125000`` → ``"0.125"``; ``0`` → ``"0"``; ``1000000`` → ``"1"`` (no exponent notation)."""
    text = f"{ppm_to_rate(ppm):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def default_rate_ppm(settings) -> int:
    return rate_to_ppm(settings[COMMISSION_RATE])


def hold_days(settings) -> int:
    return settings[HOLD_DAYS]


def minimum_minor(settings) -> int:
    """The minimum in minor units (more decimals than the currency has are rounded half-up)."""
    from core.money import MAX_MINOR, exponent, round_half_up

    return min(MAX_MINOR, round_half_up(settings[MINIMUM].scaleb(exponent(settings["agora.currency"]))))


def provider_name(settings) -> str:
    return settings[PROVIDER]


def onboarding_urls(settings) -> tuple[str, str]:
    base = settings["agora.public_url"]
    back = settings[RETURN_URL] or f"{base}/vendor/payouts/"
    return back, settings[REFRESH_URL] or back
