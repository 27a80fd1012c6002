"""Turn the ini file and the environment into one validated settings object.

Every key Agora core reads is declared once in ``CORE_KEYS`` with its type and default; a
plugin declares its own the same way through the ``agora_settings_keys`` hook, and both are
validated here, at start-up, with the same one-line errors.  ``settings[key]`` is the typed
value.  Keys nobody declared (``agora_settings_defaults``, free-form ini lines) stay strings.

Every key can be overridden by an environment variable named after it: upper-case, dots and
dashes become underscores (``agora.payouts.hold_days`` → ``AGORA_PAYOUTS_HOLD_DAYS``).  A key
may also name an explicit variable of the operating contract (``STRIPE_API_KEY``); that one
wins over the derived name, which wins over the ini file, which wins over the default.

In production (``agora.env = production``) secrets and addresses are taken only from the
environment: a value for them written in the ini file is refused, a missing or default
secret stops start-up with one line naming the variable.
"""
from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line a person can act on."""


DEV_JWT_SECRET = "dev-only-insecure-secret-change-me-" + "x" * 40
DEFAULT_SECRETS = {DEV_JWT_SECRET, "", "changeme", "change-me", "secret"}


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def as_list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [part for part in str(value).replace(",", " ").split() if part]


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def as_networks(value: Any) -> list[Network]:
    """``"10.0.0.0/8 192.168.1.7"`` → networks; a malformed entry is a settings error."""
    parts = value if isinstance(value, (list, tuple)) else str(value).replace(",", " ").split()
    networks = []
    for part in parts:
        if isinstance(part, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
            networks.append(part)
            continue
        try:
            networks.append(ipaddress.ip_network(str(part).strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or network: {part!r}") from None
    return networks


def as_decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a decimal number: {value!r}") from None


def as_database_url(value: Any) -> str:
    text = str(value).strip()
    try:
        url = make_url(text)
    except ArgumentError:
        raise ValueError(f"malformed database URL {text!r}") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database {url.get_backend_name()!r} (use sqlite or postgresql)")
    return text


def as_currency(value: Any) -> str:
    text = str(value).strip().upper()
    if len(text) != 3 or not text.isalpha():
        raise ValueError(f"not an ISO 4217 currency code: {value!r}")
    return text


def env_name(key: str) -> str:
    """The environment variable that overrides ``key``: ``agora.db.pool_size`` →
    ``AGORA_DB_POOL_SIZE``."""
    return key.upper().replace(".", "_").replace("-", "_")


@dataclass(frozen=True)
class Key:
    """One setting: its name, default, type (a function from the ini/env text to the value,
    raising ValueError with a readable reason) and, for the operating contract's names, the
    explicit environment variable.  ``secret`` keys are read only from the environment in
    production."""

    name: str
    default: Any
    coerce: Callable[[Any], Any] = str
    env: str | None = None
    secret: bool = False  # production: only from the environment, never the file

    @property
    def env_names(self) -> list[str]:
        derived = env_name(self.name)
        return [self.env, derived] if self.env and self.env != derived else [derived]


def positive_int(value: Any) -> int:
    """An integer of at least 1 (``as a type for Key``)."""
    number = int(str(value).strip())
    if number < 1:
        raise ValueError(f"must be a positive integer, not {value!r}")
    return number


def non_negative_int(value: Any) -> int:
    number = int(str(value).strip())
    if number < 0:
        raise ValueError(f"must be 0 or more, not {value!r}")
    return number


CORE_KEYS = [
    Key("agora.env", "development", lambda v: _choice(v, ("development", "production", "test"))),
    Key("agora.database_url", "sqlite:///var/agora.sqlite", as_database_url, "AGORA_DATABASE_URL", True),
    # Optional PostgreSQL streaming replica for anonymous catalog reads (core.db › replicas).
    Key("agora.database_read_url", "", lambda v: "" if v in (None, "") else as_database_url(v),
        "AGORA_DATABASE_READ_URL", True),
    Key("agora.broker_url", "filesystem://", str, "AGORA_BROKER_URL", True),
    Key("agora.smtp_url", "", str, "AGORA_SMTP_URL", True),
    Key("agora.public_url", "http://127.0.0.1:6543", lambda v: str(v).rstrip("/"), "AGORA_PUBLIC_URL", True),
    # Where the storefront's pages live (links in mails); unset: Agora serves minimal pages under /pages/.
    Key("agora.storefront_url", "", lambda v: str(v).strip().rstrip("/"), "AGORA_STOREFRONT_URL"),
    Key("agora.shop_name", "Agora", lambda v: str(v).strip() or "Agora"),  # pages and mails
    Key("agora.jwt_secret", DEV_JWT_SECRET, str, "AGORA_JWT_SECRET", True),
    Key("agora.jwt.access_ttl", 15 * 60, int),
    Key("agora.jwt.refresh_ttl", 14 * 24 * 3600, int),
    Key("agora.plugins", [], as_list, "AGORA_PLUGINS"),
    Key("agora.currency", "USD", as_currency),
    Key("agora.checkout.shipping_flat", Decimal("0.00"), as_decimal),
    Key("agora.checkout.free_shipping_over", None, lambda v: None if v in (None, "") else as_decimal(v)),
    Key("agora.checkout.tax_rate", Decimal("0"), as_decimal),
    # Seconds a payment intent holds its units (core.orders.reservations)
    Key("agora.checkout.reservation_ttl", 900, positive_int),
    # Returns (core/returns): days after shipping/delivery a return may be asked for; whether a
    # return also gives back its lines' share of the shipping.
    Key("agora.returns.window_days", 30, non_negative_int),
    Key("agora.returns.refund_shipping", False, as_bool),
    Key("agora.max_body_size", 1024 * 1024, int),
    Key("agora.verification_ttl", 48 * 3600, int),
    Key("agora.reset_ttl", 3600, int),
    # Login throttling (README › Login throttling): failures per account, per client address
    # (accounts that logged in from that address before are exempt from the address limit).
    Key("agora.throttle.account_failures", 5, int),
    Key("agora.throttle.address_failures", 50, int),
    Key("agora.throttle.window", 15 * 60, int),
    Key("agora.throttle.known_address_days", 30, int),
    # The load balancers in front of Agora: only their X-Forwarded-For is believed (core.client).
    Key("agora.trusted_proxies", [], as_networks, "AGORA_TRUSTED_PROXIES"),
    # Mail-sending requests (password reset, resend verification) per email / per address per window.
    Key("agora.throttle.mail_per_account", 5, int),
    Key("agora.throttle.mail_per_address", 20, int),
    Key("agora.throttle.guest_checkouts_per_address", 20, int),  # guest payment intents per window
    Key("agora.db.pool_size", 5, int),
    Key("agora.db.max_overflow", 5, int),
    Key("agora.db.echo", False, as_bool),
    Key("agora.cors.origins", [], as_list),
    Key("agora.log_requests", True, as_bool),
    # Benchmarks only: >0 registers GET /api/_bench/reference/, a constant JSON body of this size
    # served through the same stack (the framework's floor). Off by default.
    Key("agora.bench.reference_bytes", 0, int, "AGORA_BENCH_REFERENCE_BYTES"),
]


def _choice(value: Any, choices: tuple[str, ...]) -> str:
    text = str(value).strip()
    if text not in choices:
        raise ValueError(f"{text!r} is not one of {', '.join(choices)}")
    return text


def one_of(*choices: str) -> Callable[[Any], str]:
    """A ``Key`` type: the stripped text when it is one of ``choices``, else ValueError."""
    def coerce(value: Any) -> str:
        return _choice(value, choices)

    coerce.__doc__ = f"one of {', '.join(choices)}"
    return coerce


@dataclass(frozen=True)
class Settings:
    """The typed core settings plus every raw ini key (for plugins)."""

    values: Mapping[str, Any]
    raw: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        if key in self.values:
            return self.values[key]
        return self.raw[key]

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.values:
            return self.values[key]
        return self.raw.get(key, default)

    @property
    def is_production(self) -> bool:
        return self.values["agora.env"] == "production"

    @property
    def plugins(self) -> list[str]:
        return list(self.values["agora.plugins"])


def load_settings(
    ini: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    extra_defaults: Mapping[str, Any] | None = None,
    extra_keys: list[Key] | None = None,
) -> Settings:
    """Validate ``ini`` (the ``[app:main]`` section) overlaid with ``environ``.

    ``extra_defaults`` are plugin defaults (from ``agora_settings_defaults``); the ini wins
    over them.  ``extra_keys`` are the plugins' declared keys (``agora_settings_keys``), typed
    and validated like core's.  Raises :class:`SettingsError` with one line on the first
    problem found.
    """
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = dict(extra_defaults or {})
    raw.update(ini)
    for name in list(raw):  # undeclared keys are overridable by their derived name as well
        if environ.get(env_name(name)) not in (None, ""):
            raw[name] = environ[env_name(name)]
    # Also accept the conventional sqlalchemy.url spelling.
    if "sqlalchemy.url" in raw and "agora.database_url" not in raw:
        raw["agora.database_url"] = raw["sqlalchemy.url"]
    production = str(environ.get("AGORA_ENV") or raw.get("agora.env", "development")).strip() == "production"
    values: dict[str, Any] = {}
    declared = list(CORE_KEYS)
    core_names = {key.name for key in CORE_KEYS}
    for key in extra_keys or []:
        if key.name in core_names:
            raise SettingsError(f"setting {key.name} is core's; a plugin cannot declare it again")
        declared.append(key)
    for key in declared:
        from_env = next((environ[n] for n in key.env_names if environ.get(n) not in (None, "")), None)
        if production and key.secret and key.name in ini and ini[key.name] not in ("", None):
            raise SettingsError(
                f"{key.name} must not be written in a production ini file: set {key.env_names[0]} in the environment"
            )
        if from_env not in (None, ""):
            value = from_env
        elif key.name in raw:
            value = raw[key.name]
        else:
            value = key.default
        if value is None:
            values[key.name] = None
            continue
        try:
            values[key.name] = key.coerce(value)
        except (ValueError, TypeError) as exc:
            where = f"{key.env} / {key.name}" if key.env else key.name
            raise SettingsError(f"invalid setting {where}: {exc}") from None
    if production:
        _check_production(values, environ)
    if len(values["agora.jwt_secret"].encode()) < 32:
        raise SettingsError("AGORA_JWT_SECRET must be at least 32 bytes (64 recommended for HS512)")
    return Settings(values=values, raw=raw)


def _check_production(values: dict[str, Any], environ: Mapping[str, str]) -> None:
    if not environ.get("AGORA_JWT_SECRET") or values["agora.jwt_secret"] in DEFAULT_SECRETS:
        raise SettingsError("AGORA_JWT_SECRET is missing or a default value: refusing to start in production")
    if not environ.get("AGORA_DATABASE_URL"):
        raise SettingsError("AGORA_DATABASE_URL is required in production")
