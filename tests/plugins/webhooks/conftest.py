"""Fixtures of the webhook tests: a real HTTP receiver on loopback, and an app that may call it.

``receiver`` is an ``http.server`` in a thread that records every request (headers, body,
when it arrived and when it was answered) and answers from ``receiver.answers`` (status
codes, 200 once they run out) after ``receiver.delay`` seconds.  ``whapp`` is the test app
with ``agora.webhooks.allow_private_targets`` on (the receiver is on 127.0.0.1) and a tiny
retry schedule; ``deliver()`` runs the worker's delivery loop in-process on the test's
connection until nothing is due.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import webtest
from sqlalchemy.orm import Session

from core.testing import ADDRESS, sizes_of

TEST_SETTINGS = {
    "agora.webhooks.allow_private_targets": "true",
    "agora.webhooks.retry_schedule": "0,0",
    "agora.webhooks.timeout": "2",
    "agora.webhooks.lease_margin": "1",
}


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    arrived: float
    answered: float = 0.0
    status: int = 0


@dataclass
class Receiver:
    url: str = ""
    requests: list = field(default_factory=list)
    answers: deque = field(default_factory=deque)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 15) -> list:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.requests) >= count, f"{len(self.requests)} of {count} requests arrived"
        return self.requests

    def by_webhook_id(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for request in self.requests:
            out.setdefault(request.headers["webhook-id"], []).append(request)
        return out


def start_receiver() -> tuple[Receiver, ThreadingHTTPServer]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            got = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length),
                           time.time())
            with state.lock:
                state.requests.append(got)
                status = state.answers.popleft() if state.answers else 200
                delay = state.delay
            if delay:
                time.sleep(delay)
            got.status, got.answered = status, time.time()
            try:
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", state.url + "elsewhere/")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:  # the worker went away (killed, or timed out)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server


@pytest.fixture
def receiver():
    state, server = start_receiver()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def wh_loaded(base_ini):
    from core import load

    return load({**base_ini, **TEST_SETTINGS}, environ={})


@pytest.fixture
def wh_config(wh_loaded):
    from plugins.webhooks.settings import delivery_config

    return delivery_config(wh_loaded[0])


@pytest.fixture
def session_factory(connection):
    """Sessions on the test's connection, as the worker opens them (their commits are savepoints)."""
    return lambda: Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def whapp(wh_loaded, session_factory, hooks):
    from core import make_app

    settings, pm, plugins = wh_loaded
    return webtest.TestApp(make_app(settings, pm, plugins, dbsession_factory=session_factory),
                           extra_environ={"REMOTE_ADDR": "10.0.0.1"})


@pytest.fixture
def deliver(session_factory, wh_config):
    """``deliver(config=None)`` → the statuses of every attempt made until nothing is due."""
    from plugins.webhooks.delivery import deliver_due

    return lambda config=None: deliver_due(session_factory, config or wh_config)


@pytest.fixture
def staff_headers(manager, auth_headers):
    return auth_headers(manager)


@pytest.fixture
def subscribe(whapp, staff_headers):
    """``subscribe(url, events=["*"])`` → the created endpoint's JSON (with its secret)."""

    def make(url: str, events=("*",), **extra) -> dict:
        return whapp.post_json("/api/webhooks/", {"url": url, "events": list(events), **extra},
                               headers=staff_headers, status=201).json

    return make


@pytest.fixture
def place_order(whapp, make_product, customer, auth_headers, db):
    """``place_order()`` → the order JSON of a checkout by ``customer`` (manual provider: pending_payment)."""

    def place(quantity: int = 1) -> dict:
        headers = auth_headers(customer)
        size = sizes_of(db, make_product(stock=50))[0]
        whapp.post_json("/api/cart/add/", {"size_id": size.id, "quantity": quantity}, headers=headers, status=201)
        intent = whapp.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                                 headers=headers).json["payment_intent_id"]
        return whapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent, "shipping_address": ADDRESS},
                               headers=headers, status=201).json

    return place
