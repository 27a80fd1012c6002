"""The email plugin's settings, declared as typed keys (validated by core at start-up).

Each can be set in the ini or by the environment variable named after it
(``agora.email.smtp_timeout`` → ``AGORA_EMAIL_SMTP_TIMEOUT``); README.md says what each does.
Empty ``shop_name`` takes core's ``agora.shop_name``; empty link templates take the storefront's
pages when ``agora.storefront_url`` is set, else Agora's own ``/pages/``
(``core.pages.link_templates``): a page, never an API call, so opening a link spends nothing.
"""
from __future__ import annotations

from typing import Any

from config import Key, one_of, positive_int


def text(value: Any) -> str:
    """The text without surrounding white space."""
    return str(value).strip()


def seconds(value: Any) -> float:
    """A duration in seconds: a number, 0 or more."""
    number = float(str(value).strip())
    if not number >= 0:  # also refuses nan
        raise ValueError(f"must be a number of seconds, 0 or more, not {value!r}")
    return number


KEYS = [
    Key("agora.email.backend", "smtp", one_of("smtp", "maildir")),  # smtp (production) or maildir (development)
    Key("agora.email.maildir", "var/mail"),
    Key("agora.email.from", "Agora <no-reply@agora.invalid>"),
    Key("agora.email.shop_name", "", text),  # empty: core's agora.shop_name
    Key("agora.email.templates_dir", "", text),  # a merchant's overrides, searched before the built-in templates
    Key("agora.email.verify_url", "", text),
    Key("agora.email.reset_url", "", text),
    Key("agora.email.order_url", "", text),
    Key("agora.email.guest_order_url", "", text),
    Key("agora.email.queue", "agora.email"),
    Key("agora.email.broker_dir", "var/broker"),  # folders of the filesystem:// transport
    Key("agora.email.publish_timeout", 2.0, seconds),
    Key("agora.email.health_interval", 5.0, seconds),  # a health answer's broker status is reused this long
    Key("agora.email.smtp_timeout", 30.0, seconds),
    Key("agora.email.max_attempts", 10, positive_int),
    Key("agora.email.retry_base", 30.0, seconds),  # before the first retry; doubles each time
    Key("agora.email.retry_max", 3600.0, seconds),
    Key("agora.email.relay_delay", 30.0, seconds),  # a pending row unpublished this long is re-published
    Key("agora.email.relay_interval", 5.0, seconds),
]
_BY_NAME = {key.name: key for key in KEYS}


def typed(settings, name: str) -> Any:
    """The typed value of the email key ``name`` in ``settings`` (validated ``config.Settings``,
    or a plain mapping of ini strings: missing keys take their default)."""
    key = _BY_NAME[name]
    return key.coerce(settings.get(name, key.default))
