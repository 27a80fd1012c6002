"""kombu plumbing: the queue, connections with short timeouts, publishing outbox ids.

A message carries only ``{"outbox_id": N}``; the row is the truth.  Publishing never raises:
a broker that is down is logged and the row waits for the worker's relay.

Publishing goes through kombu's per-process pools (``kombu.pools.producers``), so a web worker
keeps one broker connection open and reuses it instead of paying an AMQP handshake in every
checkout and registration.  The pools are forgotten in a forked child (gunicorn forks its
workers): a connection must never be shared by two processes.  The health answer checks the
broker at most every ``agora.email.health_interval`` seconds per process (:class:`BrokerHealth`).
"""
from __future__ import annotations

import logging
import os
import threading
import time
import weakref

from kombu import Connection, Exchange, Queue, pools

from plugins.email.config import EmailConfig

log = logging.getLogger("agora.email")


def queue_for(config: EmailConfig) -> Queue:
    """The durable queue (and its direct exchange of the same name) the worker consumes."""
    exchange = Exchange(config.queue, type="direct", durable=True)
    return Queue(config.queue, exchange=exchange, routing_key=config.queue, durable=True)


def transport_options(config: EmailConfig) -> dict:
    """Per-transport options: the folders of ``filesystem://`` (created on demand)."""
    if not config.broker_url.startswith("filesystem:"):
        return {}
    data = os.path.join(config.broker_dir, "data")
    control = os.path.join(config.broker_dir, "control")
    for folder in (data, control):
        os.makedirs(folder, exist_ok=True)
    return {"data_folder_in": data, "data_folder_out": data, "control_folder": control}


def connect(config: EmailConfig) -> Connection:
    """An unopened connection that gives up quickly when the broker does not answer."""
    timeout = config.publish_timeout
    options = {"socket_connect_timeout": timeout, "socket_timeout": timeout} if config.broker_url.startswith(
        ("redis:", "rediss:")) else {}
    options.update(transport_options(config))
    return Connection(config.broker_url, connect_timeout=timeout, transport_options=options)


def ensure(connection: Connection, config: EmailConfig) -> None:
    """Open ``connection`` now, retrying once at once: a refused broker fails in milliseconds."""
    connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2,
                                 timeout=config.publish_timeout)


def _forget_pools() -> None:
    """Drop (never close: the sockets belong to the parent) the pools inherited through a fork."""
    for group in (pools.producers, pools.connections):
        group.clear()


_pool_pid = os.getpid()
os.register_at_fork(after_in_child=_forget_pools)


def _pooled_producers(config: EmailConfig):
    """This process's producer pool for the broker of ``config``.

    The pid check backs up the fork hook for processes that copied memory without ``os.fork``."""
    global _pool_pid
    if _pool_pid != os.getpid():
        _forget_pools()
        _pool_pid = os.getpid()
    return pools.producers[connect(config)]


def publish(config: EmailConfig, outbox_ids) -> bool:
    """Publish ``outbox_ids`` on a pooled connection; True when the broker took them all,
    False (logged) otherwise."""
    outbox_ids = list(outbox_ids)
    if not outbox_ids:
        return True
    try:
        with _pooled_producers(config).acquire(block=True, timeout=config.publish_timeout) as producer:
            connection = producer.connection
            try:
                ensure(connection, config)  # a no-op on an open pooled connection
                _publish_on(producer, config, outbox_ids)
            except connection.recoverable_connection_errors:
                # A pooled connection the broker closed meanwhile: one fresh attempt.
                connection.collect()
                ensure(connection, config)
                producer.revive(connection)
                _publish_on(producer, config, outbox_ids)
        return True
    except Exception as exc:  # a broker problem must never fail the caller; the relay retries
        log.warning("email: could not publish outbox rows %s (%s: %s); the relay will retry",
                    outbox_ids, type(exc).__name__, exc)
        return False


def _publish_on(producer, config: EmailConfig, outbox_ids) -> None:
    queue = queue_for(config)
    for outbox_id in outbox_ids:
        producer.publish({"outbox_id": int(outbox_id)}, serializer="json", exchange=queue.exchange,
                         routing_key=queue.routing_key, declare=[queue], delivery_mode=2, retry=False)


def broker_status(config: EmailConfig) -> str:
    """``"ok"`` when the broker accepts a new connection now, else ``"unavailable: <reason>"``."""
    try:
        with connect(config) as connection:
            ensure(connection, config)
        return "ok"
    except Exception as exc:  # reported, never raised: health must answer
        return f"unavailable: {type(exc).__name__}"


class BrokerHealth:
    """The broker's status as health reports it: checked at most once per ``interval`` seconds.

    ``GET /api/health/`` is unauthenticated; without this every request would open a broker
    connection.  One check runs at a time (the others wait for its answer); the cache lives in
    the process and is emptied in a forked child."""

    _instances: weakref.WeakSet[BrokerHealth] = weakref.WeakSet()

    def __init__(self, config: EmailConfig, clock=time.monotonic):
        self.config = config
        self.clock = clock
        self._reset()
        BrokerHealth._instances.add(self)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._status = ""

    def status(self) -> str:
        with self._lock:
            now = self.clock()
            if self._checked_at is None or now - self._checked_at >= self.config.health_interval:
                self._status = broker_status(self.config)
                self._checked_at = self.clock()
            return self._status

    @classmethod
    def _after_fork(cls) -> None:
        for instance in list(cls._instances):
            instance._reset()


os.register_at_fork(after_in_child=BrokerHealth._after_fork)
