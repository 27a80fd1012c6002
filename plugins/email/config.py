"""The email plugin's configuration: one typed object built at start-up from its settings
(:mod:`plugins.email.settings`) and core's."""
from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from core.pages import link_templates
from plugins.email.settings import typed


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
        """Read ``config.Settings`` (or a mapping of ini strings); raise ValueError on a bad value."""
        def get(key):
            return typed(settings, f"agora.email.{key}")

        storefront_url = settings.get("agora.storefront_url") or ""
        links = link_templates("{public_url}", "{storefront_url}" if storefront_url else "")
        values = dict(
            broker_url=settings["agora.broker_url"], smtp_url=settings["agora.smtp_url"],
            public_url=settings["agora.public_url"], storefront_url=storefront_url,
            backend=get("backend"), maildir=get("maildir"), sender=get("from"),
            shop_name=get("shop_name") or settings.get("agora.shop_name") or "Agora",
            templates_dir=get("templates_dir"),
            verify_url=get("verify_url") or links["verify"], reset_url=get("reset_url") or links["reset"],
            order_url=get("order_url") or links["order"], guest_order_url=get("guest_order_url") or links["guest_order"],
            queue=get("queue"), broker_dir=get("broker_dir"),
            publish_timeout=get("publish_timeout"), health_interval=get("health_interval"),
            smtp_timeout=get("smtp_timeout"), max_attempts=get("max_attempts"), retry_base=get("retry_base"),
            retry_max=get("retry_max"), relay_delay=get("relay_delay"), relay_interval=get("relay_interval"),
        )
        values.update(overrides)
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
