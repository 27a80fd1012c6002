"""The webhooks plugin's settings, declared as typed keys (validated by core at start-up).

* ``agora.webhooks.allow_private_targets`` (default false): allow endpoint URLs that resolve to
  loopback, private, link-local or reserved addresses, and plain ``http://`` in production.
  Leave it off in production: with it on, a manager can make the worker call internal services.
* ``agora.webhooks.timeout`` (default 10): seconds one attempt may take, connect to last byte.
* ``agora.webhooks.retry_schedule`` (default ``5,300,1800,7200,18000,36000``): the delays in
  seconds before each retry; 1 + len(schedule) attempts, then the delivery is ``failed``.
* ``agora.webhooks.lease_margin`` (default 30): seconds a claimed delivery stays locked beyond
  the timeout; a worker killed mid-attempt releases its claim when the lease runs out.
* ``agora.webhooks.concurrency`` (default 4): delivery threads per worker process.
* ``agora.webhooks.poll_interval`` (default 1): seconds an idle delivery thread waits before
  it looks for due deliveries again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config import Key, as_bool, positive_int

ALLOW_PRIVATE = "agora.webhooks.allow_private_targets"
TIMEOUT = "agora.webhooks.timeout"
RETRY_SCHEDULE = "agora.webhooks.retry_schedule"
LEASE_MARGIN = "agora.webhooks.lease_margin"
CONCURRENCY = "agora.webhooks.concurrency"
POLL_INTERVAL = "agora.webhooks.poll_interval"


def positive_seconds(value: Any) -> float:
    """A number of seconds above zero (``"10"``, ``"0.5"``)."""
    number = float(str(value).strip())
    if not number > 0 or number == float("inf"):
        raise ValueError(f"must be a positive number of seconds, not {value!r}")
    return number


def non_negative_seconds(value: Any) -> float:
    number = float(str(value).strip())
    if not number >= 0 or number == float("inf"):
        raise ValueError(f"must be 0 or more seconds, not {value!r}")
    return number


def delays(value: Any) -> tuple[int, ...]:
    """``"5,300,1800"`` (commas or spaces) → ``(5, 300, 1800)``; each a whole number ≥ 0; may be empty."""
    if isinstance(value, (list, tuple)):
        parts = [str(v) for v in value]
    else:
        parts = str(value).replace(",", " ").split()
    out = []
    for part in parts:
        if not part.isdigit():
            raise ValueError(f"delays must be whole seconds ≥ 0 separated by commas, not {value!r}")
        out.append(int(part))
    return tuple(out)


KEYS = [
    Key(ALLOW_PRIVATE, False, as_bool),
    Key(TIMEOUT, 10.0, positive_seconds),
    Key(RETRY_SCHEDULE, (5, 300, 1800, 7200, 18000, 36000), delays),
    Key(LEASE_MARGIN, 30.0, non_negative_seconds),
    Key(CONCURRENCY, 4, positive_int),
    Key(POLL_INTERVAL, 1.0, positive_seconds),
]


@dataclass(frozen=True)
class DeliveryConfig:
    """What delivering needs, read once from the settings (the worker and the API share it)."""

    allow_private_targets: bool
    require_https: bool
    timeout: float
    retry_schedule: tuple[int, ...]
    lease_margin: float
    concurrency: int
    poll_interval: float

    @property
    def lease(self) -> float:
        """Seconds a claim holds a delivery: one attempt's timeout plus the margin."""
        return self.timeout + self.lease_margin


def delivery_config(settings) -> DeliveryConfig:
    allow = settings[ALLOW_PRIVATE]
    return DeliveryConfig(
        allow_private_targets=allow,
        require_https=settings.is_production and not allow,
        timeout=settings[TIMEOUT],
        retry_schedule=tuple(settings[RETRY_SCHEDULE]),
        lease_margin=settings[LEASE_MARGIN],
        concurrency=settings[CONCURRENCY],
        poll_interval=settings[POLL_INTERVAL],
    )
