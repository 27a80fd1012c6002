"""Broker connections: health checks the broker at most every few seconds, publishing reuses a
pooled connection per process (also across a fork), against the real RabbitMQ of this machine.

Connections are counted at the one place kombu's AMQP transport opens a socket
(``Transport.establish_connection``), wrapped so that it still connects for real.
"""
from __future__ import annotations

import os
import time
import uuid

import pytest
import webtest
from kombu import Connection, pools
from kombu.transport import pyamqp

from core import load, make_app
from core.db import engine_of
from plugins.email.config import EmailConfig
from plugins.email.publisher import BrokerHealth, publish, queue_for

RABBITMQ = os.environ.get("AGORA_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
BROKER_DOWN = "amqp://guest:guest@127.0.0.1:1//"


@pytest.fixture
def opened(monkeypatch) -> list:
    """Every AMQP connection opened from now on, one entry (the pid) each; the process's pools
    start empty and are closed afterwards."""
    pools.reset()
    calls: list = []
    real = pyamqp.Transport.establish_connection

    def counting(self):
        calls.append(os.getpid())
        return real(self)

    monkeypatch.setattr(pyamqp.Transport, "establish_connection", counting)
    yield calls
    pools.reset()


@pytest.fixture
def amqp_queue():
    """A unique queue name on RabbitMQ, deleted with its exchange afterwards."""
    name = f"agora.email.test-{uuid.uuid4().hex[:10]}"
    yield name
    with Connection(RABBITMQ) as conn:
        queue = queue_for(amqp_config(name))(conn.default_channel)
        queue.delete()
        queue.exchange.delete()


def amqp_config(queue: str, url: str = RABBITMQ, **overrides) -> EmailConfig:
    return EmailConfig.from_settings({"agora.broker_url": url, "agora.smtp_url": "", "agora.public_url": ""},
                                     queue=queue, **overrides)


def health_app(base_ini, **extra):
    settings, pm, plugins = load({**base_ini, **extra}, environ={})
    router = make_app(settings, pm, plugins)
    return router, webtest.TestApp(router, extra_environ={"REMOTE_ADDR": "10.0.0.11"})


def test_health_checks_the_broker_once_per_interval_not_per_request(base_ini, opened, amqp_queue):
    router, app = health_app(base_ini, **{"agora.broker_url": RABBITMQ, "agora.email.queue": amqp_queue,
                                          "agora.email.health_interval": "1"})
    try:
        answers = [app.get("/api/health/").json["broker"] for _ in range(25)]
        assert answers == ["ok"] * 25
        assert len(opened) == 1
        time.sleep(1.1)  # the cached answer has expired: the next request checks again
        assert app.get("/api/health/").json["broker"] == "ok"
        assert len(opened) == 2
    finally:
        engine_of(router.registry).dispose()


def test_a_broker_that_is_down_is_reported_and_also_rechecked_only_per_interval(opened):
    ticks = [100.0]
    health = BrokerHealth(amqp_config("q", BROKER_DOWN, health_interval=5), clock=lambda: ticks[0])
    assert health.status().startswith("unavailable: ")
    attempts = len(opened)  # a refused broker is tried twice (one retry at once)
    assert attempts >= 1
    ticks[0] += 4.9
    assert health.status().startswith("unavailable: ") and len(opened) == attempts
    ticks[0] += 0.1
    health.status()
    assert len(opened) == 2 * attempts


def test_health_cache_is_emptied_in_a_forked_child(opened):
    health = BrokerHealth(amqp_config("q", health_interval=60))
    assert health.status() == "ok" and len(opened) == 1
    pid = os.fork()
    if pid == 0:  # the child checks for itself: its own answer, not the parent's cached one
        health.status()
        os._exit(0 if opened.count(os.getpid()) == 1 else 1)
    assert os.waitpid(pid, 0)[1] == 0
    health.status()
    assert len(opened) == 1  # the parent's cache is untouched


def test_publishing_reuses_one_pooled_connection(opened, amqp_queue):
    config = amqp_config(amqp_queue)
    for outbox_id in range(1, 6):
        assert publish(config, [outbox_id]) is True
    assert len(opened) == 1
    with Connection(RABBITMQ) as conn:
        queue = queue_for(config)(conn.default_channel)
        bodies = [queue.get(no_ack=True).payload for _ in range(5)]
    assert bodies == [{"outbox_id": n} for n in range(1, 6)]


def test_a_forked_child_publishes_on_its_own_connection(opened, amqp_queue):
    config = amqp_config(amqp_queue)
    assert publish(config, [1])
    pid = os.fork()
    if pid == 0:  # a gunicorn worker: the parent's socket must not be used here
        ok = publish(config, [2]) and publish(config, [3])
        os._exit(0 if ok and opened.count(os.getpid()) == 1 else 1)
    assert os.waitpid(pid, 0)[1] == 0
    assert publish(config, [4]) and len(opened) == 1  # the parent's pooled connection still works
    with Connection(RABBITMQ) as conn:
        queue = queue_for(config)(conn.default_channel)
        bodies = sorted(queue.get(no_ack=True).payload["outbox_id"] for _ in range(4))
    assert bodies == [1, 2, 3, 4]


def test_a_pooled_connection_the_broker_dropped_is_replaced(opened, amqp_queue):
    config = amqp_config(amqp_queue)
    assert publish(config, [1])
    from plugins.email.publisher import _pooled_producers

    with _pooled_producers(config).acquire(block=True) as producer:
        producer.connection.connection.sock.close()  # the broker went away under the open connection
    assert publish(config, [2]) is True
    assert len(opened) == 2
    with Connection(RABBITMQ) as conn:
        queue = queue_for(config)(conn.default_channel)
        bodies = sorted(queue.get(no_ack=True).payload["outbox_id"] for _ in range(2))
    assert bodies == [1, 2]
