"""Turn the ini file and the environment into one validated settings object.

Every key Agora core reads is declared once in ``CORE_KEYS`` with its type, its default and
the environment variable that overrides it.  Plugins add their own keys through the
``agora_settings_defaults`` hook; their values stay in ``Settings.raw`` (strings, as in the
ini) and each plugin coerces its own.

In production (``agora.env = production``) secrets and addresses are taken only from the
environment: a value for them written in the ini file is refused, a missing or default
secret stops start-up with one line naming the variable.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

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


@dataclass(frozen=True)
class Key:
    name: str
    default: Any
    coerce: Callable[[Any], Any] = str
    env: str | None = None
    secret: bool = False  # production: only from the environment, never the file


CORE_KEYS = [
    Key("agora.env", "development", lambda v: _choice(v, ("development", "production", "test"))),
    Key("agora.database_url", "sqlite:///var/agora.sqlite", as_database_url, "AGORA_DATABASE_URL", True),
    Key("agora.broker_url", "filesystem://", str, "AGORA_BROKER_URL", True),
    Key("agora.smtp_url", "", str, "AGORA_SMTP_URL", True),
    Key("agora.public_url", "http://127.0.0.1:6543", lambda v: str(v).rstrip("/"), "AGORA_PUBLIC_URL", True),
    # Where the storefront's pages live (links in mails); unset: Agora serves minimal pages under /pages/.
    Key("agora.storefront_url", "", lambda v: str(v).strip().rstrip("/"), "AGORA_STOREFRONT_URL"),
    Key("agora.jwt_secret", DEV_JWT_SECRET, str, "AGORA_JWT_SECRET", True),
    Key("agora.jwt.access_ttl", 15 * 60, int),
    Key("agora.jwt.refresh_ttl", 14 * 24 * 3600, int),
    Key("agora.plugins", [], as_list, "AGORA_PLUGINS"),
    Key("agora.currency", "USD", as_currency),
    Key("agora.checkout.shipping_flat", Decimal("0.00"), as_decimal),
    Key("agora.checkout.free_shipping_over", None, lambda v: None if v in (None, "") else as_decimal(v)),
    Key("agora.checkout.tax_rate", Decimal("0"), as_decimal),
    Key("agora.max_body_size", 1024 * 1024, int),
    Key("agora.max_upload_size", 5 * 1024 * 1024, int),
    Key("agora.media_dir", "var/media", str, "AGORA_MEDIA_DIR"),
    Key("agora.media_url", "/media/", str, "AGORA_MEDIA_URL"),
    Key("agora.verification_ttl", 48 * 3600, int),
    Key("agora.reset_ttl", 3600, int),
    Key("agora.throttle.account_failures", 5, int),
    Key("agora.throttle.address_failures", 20, int),
    Key("agora.throttle.window", 15 * 60, int),
    # Mail-sending requests (password reset, resend verification) per email / per address per window.
    Key("agora.throttle.mail_per_account", 5, int),
    Key("agora.throttle.mail_per_address", 20, int),
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
) -> Settings:
    """Validate ``ini`` (the ``[app:main]`` section) overlaid with ``environ``.

    ``extra_defaults`` are plugin defaults (from ``agora_settings_defaults``); the ini wins
    over them.  Raises :class:`SettingsError` with one line on the first problem found.
    """
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = dict(extra_defaults or {})
    raw.update(ini)
    # Also accept the conventional sqlalchemy.url spelling.
    if "sqlalchemy.url" in raw and "agora.database_url" not in raw:
        raw["agora.database_url"] = raw["sqlalchemy.url"]
    production = str(raw.get("agora.env", "development")).strip() == "production"
    values: dict[str, Any] = {}
    for key in CORE_KEYS:
        from_env = environ.get(key.env) if key.env else None
        if production and key.secret and key.name in ini and ini[key.name] not in ("", None):
            raise SettingsError(
                f"{key.name} must not be written in a production ini file: set {key.env} in the environment"
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
