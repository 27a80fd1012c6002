"""kombu plumbing: the queue, connections with short timeouts, publishing outbox ids.

A message carries only ``{"outbox_id": N}``; the row is the truth.  Publishing never raises:
a broker that is down is logged and the row waits for the worker's relay.
"""
from __future__ import annotations

import logging
import os

from kombu import Connection, Exchange, Queue

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


def publish_with(connection: Connection, config: EmailConfig, outbox_ids) -> None:
    """Publish on an open connection; raises the transport's errors."""
    queue = queue_for(config)
    producer = connection.Producer(serializer="json")
    for outbox_id in outbox_ids:
        producer.publish({"outbox_id": int(outbox_id)}, exchange=queue.exchange, routing_key=queue.routing_key,
                         declare=[queue], delivery_mode=2, retry=False)


def publish(config: EmailConfig, outbox_ids) -> bool:
    """Publish ``outbox_ids``; True when the broker took them all, False (logged) otherwise."""
    outbox_ids = list(outbox_ids)
    if not outbox_ids:
        return True
    try:
        with connect(config) as connection:
            ensure(connection, config)
            publish_with(connection, config, outbox_ids)
        return True
    except Exception as exc:  # a broker problem must never fail the caller; the relay retries
        log.warning("email: could not publish outbox rows %s (%s: %s); the relay will retry",
                    outbox_ids, type(exc).__name__, exc)
        return False


def broker_status(config: EmailConfig) -> str:
    """``"ok"`` when the broker accepts a connection, else ``"unavailable: <reason>"``."""
    try:
        with connect(config) as connection:
            ensure(connection, config)
        return "ok"
    except Exception as exc:  # reported, never raised: health must answer
        return f"unavailable: {type(exc).__name__}"
