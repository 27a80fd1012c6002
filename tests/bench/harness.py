"""Shared pieces of the benchmarks: a scratch PostgreSQL database, a gunicorn server, HTTP calls."""
from __future__ import annotations

import http.client
import json
import os
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
def gunicorn(env: dict, workers: int = 2, threads: int = 1):
    """``gunicorn --paste production.ini`` on a free loopback port; yields the port."""
    port = free_port()
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "--paste", str(ROOT / "production.ini"),
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
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


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
ALL_PLUGINS = "vendors cart wishlist payments email payouts webhooks"


def env_for(url: str, plugins: str = ALL_PLUGINS, **extra: str) -> dict:
    return {"AGORA_DATABASE_URL": url, "AGORA_JWT_SECRET": JWT_SECRET, "AGORA_BROKER_URL": BROKER_URL,
            "AGORA_PLUGINS": plugins, **extra}


def run_id() -> str:
    return uuid.uuid4().hex[:8]
