"""The email plugin's settings: defaults, and one typed object built from them at start-up."""
from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from core.pages import link_templates

DEFAULTS = {
    "agora.email.backend": "smtp",  # "smtp" (production) or "maildir" (development)
    "agora.email.maildir": "var/mail",
    "agora.email.from": "Agora <no-reply@agora.invalid>",
    "agora.email.shop_name": "",  # empty: agora.shop_name
    "agora.email.templates_dir": "",  # a merchant's overrides, searched before the built-in templates
    # Empty: the storefront's pages when agora.storefront_url is set, else Agora's own /pages/
    # (core.pages.link_templates).  A page, never an API call: opening a link spends nothing.
    "agora.email.verify_url": "",
    "agora.email.reset_url": "",
    "agora.email.order_url": "",
    "agora.email.guest_order_url": "",
    "agora.email.queue": "agora.email",
    "agora.email.broker_dir": "var/broker",  # folders of the filesystem:// transport
    "agora.email.publish_timeout": "2",
    "agora.email.health_interval": "5",  # seconds a health answer's broker status is reused per process
    "agora.email.smtp_timeout": "30",
    "agora.email.max_attempts": "10",
    "agora.email.retry_base": "30",  # seconds before the first retry; doubles each time
    "agora.email.retry_max": "3600",
    "agora.email.relay_delay": "30",  # a pending row unpublished for this long is re-published
    "agora.email.relay_interval": "5",
}


@dataclass(frozen=True)
class EmailConfig:
    broker_url: str
    smtp_url: str
    public_url: str
    storefront_url: str
    backend: str
    maildir: str
    sender: str
    shop_name: str
    templates_dir: str
    verify_url: str
    reset_url: str
    order_url: str
    guest_order_url: str
    queue: str
    broker_dir: str
    publish_timeout: float
    health_interval: float
    smtp_timeout: float
    max_attempts: int
    retry_base: float
    retry_max: float
    relay_delay: float
    relay_interval: float

    @classmethod
    def from_settings(cls, settings, **overrides) -> EmailConfig:
        """Read ``config.Settings`` (core keys typed, plugin keys raw strings); raise ValueError."""
        def get(key):
            return settings.get(f"agora.email.{key}", DEFAULTS[f"agora.email.{key}"])

        storefront_url = settings.get("agora.storefront_url") or ""
        links = link_templates("{public_url}", "{storefront_url}" if storefront_url else "")
        values = dict(
            broker_url=settings["agora.broker_url"], smtp_url=settings["agora.smtp_url"],
            public_url=settings["agora.public_url"], storefront_url=storefront_url,
            backend=get("backend").strip(), maildir=get("maildir"),
            sender=get("from"), shop_name=get("shop_name").strip() or settings.get("agora.shop_name") or "Agora",
            templates_dir=get("templates_dir").strip(),
            verify_url=get("verify_url").strip() or links["verify"], reset_url=get("reset_url").strip() or links["reset"],
            order_url=get("order_url").strip() or links["order"],
            guest_order_url=get("guest_order_url").strip() or links["guest_order"],
            queue=get("queue"), broker_dir=get("broker_dir"),
            publish_timeout=float(get("publish_timeout")), health_interval=float(get("health_interval")),
            smtp_timeout=float(get("smtp_timeout")),
            max_attempts=int(get("max_attempts")), retry_base=float(get("retry_base")),
            retry_max=float(get("retry_max")), relay_delay=float(get("relay_delay")),
            relay_interval=float(get("relay_interval")),
        )
        values.update(overrides)
        if values["backend"] not in ("smtp", "maildir"):
            raise ValueError(f"agora.email.backend must be smtp or maildir, not {values['backend']!r}")
        return cls(**values)

    @property
    def sender_domain(self) -> str:
        """The domain of the From address, used in Message-IDs."""
        address = parseaddr(self.sender)[1]
        return address.rpartition("@")[2] or "agora"

    def link(self, template: str, **values) -> str:
        """Fill ``{public_url}``, ``{storefront_url}`` and the other placeholders of a link setting."""
        out = template.replace("{public_url}", self.public_url).replace("{storefront_url}", self.storefront_url)
        for name, value in values.items():
            out = out.replace("{" + name + "}", str(value))
        return out

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt."""
        return min(self.retry_base * 2 ** max(attempts - 1, 0), self.retry_max)


_CONFIG = "agora.email.config"
_BROKER_HEALTH = "agora.email.broker_health"


def install(registry, config: EmailConfig, broker_health) -> None:
    """Keep the plugin's validated configuration and its broker check on the app (start-up)."""
    registry[_CONFIG] = config
    registry[_BROKER_HEALTH] = broker_health


def config_of(registry) -> EmailConfig:
    return registry[_CONFIG]


def broker_health_of(registry):
    return registry[_BROKER_HEALTH]
