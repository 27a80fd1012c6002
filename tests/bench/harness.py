"""Shared pieces of the benchmarks: a scratch PostgreSQL database, gunicorn servers, HTTP calls,
and the operating contract (:func:`operating_contract`): RabbitMQ on a private vhost, an SMTP
server, localstripe and a mail worker, as production runs them."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("AGORA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
JWT_SECRET = "bench-secret-" + "b" * 64


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def database(name: str, keep: bool = False) -> str:
    """Create database ``name`` unless it exists; return its URL."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if exists and not keep:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
            conn.execute(text(f'DROP DATABASE "{name}"'))
            exists = None
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def agora(*args: str, env: dict) -> None:
    subprocess.run([str(Path(sys.executable).parent / "agora"), *args], check=True, env={**os.environ, **env})


@contextmanager
def gunicorn(env: dict, workers: int = 2, threads: int = 1, app: str | None = None, ready: str = "/api/health/"):
    """``gunicorn --paste production.ini`` (or the WSGI ``app`` "module:callable") on a free
    loopback port; yields ``(port, process)``."""
    port = free_port()
    target = ["--paste", str(ROOT / "production.ini")] if app is None else [app]
    cmd = [str(Path(sys.executable).parent / "gunicorn"), *target,
           "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
           "--log-level", "warning"]
    if threads > 1:
        cmd += ["--worker-class", "gthread"]
    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / "gunicorn.log", "ab")
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        wait_for_answer(port, "/api/products/" if app else ready)  # a worker has booted, not just the master
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def wait_for_answer(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answers GET {path} on {port}")


class Client:
    """A keep-alive HTTP/1.1 JSON client for one thread."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, dict | None]:
        data = None if body is None else json.dumps(body).encode()
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        self.conn.request(method, path, body=data, headers=hdrs)
        response = self.conn.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None)


# Benchmarks measure what users run: production.ini's broker (RabbitMQ on this machine), not an
# in-process stand-in that skips the publish and the health check's broker round trip.
BROKER_URL = os.environ.get("AGORA_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
ALL_PLUGINS = "vendors cart wishlist payments email payouts webhooks dashboard"


def env_for(url: str, plugins: str = ALL_PLUGINS, **extra: str) -> dict:
    return {"AGORA_DATABASE_URL": url, "AGORA_JWT_SECRET": JWT_SECRET, "AGORA_BROKER_URL": BROKER_URL,
            "AGORA_PLUGINS": plugins, **extra}


def run_id() -> str:
    return uuid.uuid4().hex[:8]


@contextmanager
def rabbitmq_vhost(prefix: str = "agora-bench"):
    """A private RabbitMQ vhost (``rabbitmqctl``; guest may use it), deleted afterwards; yields
    its ``amqp://`` URL.  Without rabbitmqctl (RabbitMQ on another host) the URL of
    ``AGORA_BENCH_BROKER_URL`` is used as it is."""
    ctl = shutil.which("rabbitmqctl")
    if ctl is None or "AGORA_BENCH_BROKER_URL" in os.environ:
        yield BROKER_URL
        return
    vhost = f"{prefix}-{run_id()}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run([ctl, "add_vhost", vhost], **quiet)
    try:
        subprocess.run([ctl, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], **quiet)
        yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    finally:
        subprocess.run([ctl, "delete_vhost", vhost], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class _MailSink:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.received += 1
        return "250 OK"


@contextmanager
def smtp_server():
    """An aiosmtpd SMTP server on a free port that accepts and counts every message."""
    from aiosmtpd.controller import Controller

    sink = _MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}", sink
    finally:
        controller.stop()


@contextmanager
def mail_worker(env: dict):
    """``agora production.ini worker`` (mail and webhook deliveries), stopped afterwards."""
    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / "worker.log", "ab")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "agora"), str(ROOT / "production.ini"), "worker"],
                            env={**os.environ, **env}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def operating_contract(url: str, **extra: str):
    """What production runs beside the web servers: RabbitMQ (private vhost), SMTP, localstripe
    and a mail worker.  Yields ``(env, info)``: the environment for gunicorn (every first-party
    plugin, the stripe provider against localstripe) and
    ``{"broker_url", "stripe_base", "worker", "mail"}``."""
    from plugins.payments.testing import start_localstripe

    with rabbitmq_vhost() as broker, smtp_server() as (smtp_url, sink):
        stripe_proc, stripe_base = start_localstripe()
        try:
            env = env_for(url, AGORA_BROKER_URL=broker, AGORA_SMTP_URL=smtp_url, AGORA_PAYMENTS_PROVIDER="stripe",
                          STRIPE_API_KEY="sk_test_bench", STRIPE_WEBHOOK_SECRET="whsec_bench",
                          STRIPE_API_BASE=stripe_base, **extra)
            with mail_worker(env) as worker:
                yield env, {"broker_url": broker, "stripe_base": stripe_base, "worker": worker, "mail": sink}
        finally:
            stripe_proc.terminate()
            stripe_proc.wait(timeout=30)
