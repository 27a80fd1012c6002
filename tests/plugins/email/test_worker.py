"""The worker end to end on committed data: real RabbitMQ and Redis, the real SMTP server.

These tests commit (the worker reads in its own connections), so they use their own app
on the test database, unique queue names, and delete what they wrote afterwards.
"""
from __future__ import annotations

import email
import mailbox
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from email import policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import redis
import webtest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import plugins.email as email_plugin
from core import load, make_app
from core.accounts.models import User
from core.db import engine_of
from core.testing import TEST_PASSWORD
from plugins.email.config import EmailConfig
from plugins.email.models import OutboxMessage
from plugins.email.outbox import enqueue
from plugins.email.publisher import connect, publish, queue_for
from tests.plugins.email.conftest import mail_link

RABBITMQ = os.environ.get("AGORA_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
REDIS = os.environ.get("AGORA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
BROKER_DOWN = "amqp://guest:guest@127.0.0.1:1//"


@pytest.fixture
def queue_name():
    return f"agora.email.test-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def cleanup(engine, queue_name):
    """Addresses to delete after the test; outbox rows written during it and its queue go too."""
    with Session(engine) as db:
        first_id = (db.scalar(select(func.max(OutboxMessage.id))) or 0) + 1
    addresses: list[str] = []
    yield addresses
    with Session(engine) as db, db.begin():
        db.execute(delete(OutboxMessage).where(OutboxMessage.id >= first_id))
        db.execute(delete(User).where(User.email.in_(addresses)))
    for url in (RABBITMQ, REDIS):
        config = EmailConfig.from_settings({"agora.broker_url": url, "agora.smtp_url": "", "agora.public_url": ""},
                                           queue=queue_name)
        with connect(config) as conn:
            queue = queue_for(config)(conn.default_channel)
            queue.delete()
            queue.exchange.delete()
    # kombu's redis transport leaves its binding sets behind
    client = redis.Redis.from_url(REDIS)
    client.delete(*[f"_kombu.binding{kind}.{queue_name}" for kind in ("", "_permanent")])
    client.close()


def settings_for(base_ini, **extra):
    """Validated settings of the test database with the given ini keys changed."""
    return load({**base_ini, **extra}, environ={})


@contextmanager
def running_worker(settings):
    """The email plugin's worker tasks in threads, stopped like ``agora CONFIG worker`` stops them."""
    stop = threading.Event()
    threads = [threading.Thread(target=task, args=(stop,), daemon=True)
               for task in email_plugin.agora_worker_tasks(settings=settings)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)


def test_mail_written_while_the_broker_is_down_arrives_after_the_relay(base_ini, cleanup, queue_name, smtp):
    settings, pm, plugins = settings_for(base_ini, **{"agora.broker_url": BROKER_DOWN, "agora.email.queue": queue_name})
    router = make_app(settings, pm, plugins)
    app = webtest.TestApp(router, extra_environ={"REMOTE_ADDR": "10.0.0.9"})
    cleanup.append("down@example.com")
    started = time.monotonic()
    app.post_json("/api/auth/register/", {"email": "down@example.com", "password": TEST_PASSWORD}, status=201)
    assert time.monotonic() - started < 3  # a refused broker costs milliseconds, never the request

    worker_settings = settings_for(base_ini, **{
        "agora.broker_url": RABBITMQ, "agora.smtp_url": smtp.url, "agora.email.queue": queue_name,
        "agora.email.relay_delay": "0", "agora.email.relay_interval": "0.2"})[0]
    with running_worker(worker_settings):
        smtp.wait_for(1)
        token = parse_qs(urlsplit(mail_link(smtp.one("down@example.com"))).query)["token"][0]
        app.post_json("/api/auth/verify-email/", {"token": token}, status=200)
        smtp.wait_for(2)  # the welcome mail, also committed while the broker was "down"
    subjects = [m["Subject"] for m in smtp.to("down@example.com")]
    assert subjects == ["Confirm your email address for Agora", "Welcome to Agora"]
    engine_of(router.registry).dispose()


def write_ini(path: Path, base_ini: dict, **extra) -> Path:
    values = {**base_ini, **extra}
    lines = ["[app:main]", "use = egg:agora"] + [f"{k} = {v}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def start_worker(ini: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGORA_")}
    return subprocess.Popen([str(Path(sys.executable).parent / "agora"), str(ini), "worker"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_worker_stopped_and_restarted_loses_nothing_and_sends_nothing_twice(
        base_ini, engine, cleanup, queue_name, smtp, tmp_path):
    ini = write_ini(tmp_path / "worker.ini", base_ini, **{
        "agora.plugins": "email", "agora.broker_url": REDIS, "agora.smtp_url": smtp.url,
        "agora.email.queue": queue_name, "agora.email.relay_delay": "2", "agora.email.relay_interval": "0.5"})
    config = EmailConfig.from_settings(settings_for(base_ini, **{"agora.broker_url": REDIS})[0], queue=queue_name)
    with Session(engine) as db, db.begin():
        rows = [enqueue(db, config, "welcome", f"restart{i}@example.com", {"name": f"N{i}"}) for i in range(6)]
        ids = [row.id for row in rows]
    assert publish(config, ids) and publish(config, ids[:3])  # a duplicate publish must not double-send
    smtp.delay = 0.3

    first = start_worker(ini)
    smtp.wait_for(1)
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=20) == 0, first.stdout.read().decode()
    sent_before_restart = len(smtp.messages)
    assert sent_before_restart < 6

    second = start_worker(ini)
    try:
        smtp.wait_for(6, timeout=30)
        time.sleep(1.0)  # room for a duplicate to show up
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0
    message_ids = sorted(m["Message-ID"] for _, m in smtp.messages)
    with Session(engine) as db:
        stored = db.execute(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).scalars().all()
    assert message_ids == sorted(row.message_id for row in stored)  # each row exactly once
    assert {row.status for row in stored} == {"sent"}


def test_development_setup_delivers_into_the_maildir(base_ini, cleanup, tmp_path):
    """filesystem:// broker and the maildir backend, as development.ini configures them."""
    dev = {"agora.broker_url": "filesystem://", "agora.email.broker_dir": str(tmp_path / "broker"),
           "agora.email.backend": "maildir", "agora.email.maildir": str(tmp_path / "mail"),
           "agora.email.queue": "agora.email"}
    settings, pm, plugins = settings_for(base_ini, **dev)
    router = make_app(settings, pm, plugins)
    app = webtest.TestApp(router, extra_environ={"REMOTE_ADDR": "10.0.0.10"})
    cleanup.append("dev@example.com")
    app.post_json("/api/auth/register/", {"email": "dev@example.com", "password": TEST_PASSWORD}, status=201)
    maildir = mailbox.Maildir(str(tmp_path / "mail"), create=True)
    with running_worker(settings):
        deadline = time.monotonic() + 10
        while not len(maildir) and time.monotonic() < deadline:
            time.sleep(0.05)
    (message,) = list(maildir)
    link = mail_link(email.message_from_bytes(message.as_bytes(), policy=policy.default))
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert app.post_json("/api/auth/verify-email/", {"token": token}).json["user"]["is_active"] is True
    engine_of(router.registry).dispose()
