"""Fixtures for the payments plugin: a real localstripe server and apps that use it."""
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import stripe
import webtest
from sqlalchemy.orm import Session

from core import load, make_app
from core.testing import ini_for

WEBHOOK_SECRET = "whsec_agora_test_secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_localstripe() -> tuple[subprocess.Popen, str]:
    """Start localstripe on a free port; retried, since a port can be taken between the probe
    and the bind, and the process can die early on a loaded machine."""
    exe = Path(sys.executable).parent / "localstripe"
    problems = []
    for _ in range(3):
        port = _free_port()
        log = tempfile.TemporaryFile()  # a pipe nobody reads would fill up and block the server
        proc = subprocess.Popen([str(exe), "--port", str(port), "--from-scratch"], stdout=log,
                                stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc, f"http://127.0.0.1:{port}"
            except OSError:
                time.sleep(0.1)
        proc.kill()
        proc.wait()
        log.seek(0)
        problems.append(f"exit {proc.returncode}: {log.read()[-500:]!r}")
    raise RuntimeError("localstripe did not start: " + " | ".join(problems))


@pytest.fixture(scope="session")
def localstripe_url():
    proc, url = start_localstripe()
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def stripe_client(localstripe_url):
    return stripe.StripeClient("sk_test_agora", base_addresses={"api": localstripe_url})


def stripe_ini(database_url, plugins, localstripe_url, extra=None):
    return ini_for(database_url, plugins, {
        "agora.payments.provider": "stripe",
        "agora.payments.stripe.api_key": "sk_test_agora",
        "agora.payments.stripe.webhook_secret": WEBHOOK_SECRET,
        "agora.payments.stripe.api_base": localstripe_url,
        **(extra or {}),
    })


@pytest.fixture(scope="session")
def stripe_loaded(database_url, enabled_plugins, localstripe_url, engine):
    return load(stripe_ini(database_url, enabled_plugins, localstripe_url), environ={})


@pytest.fixture
def stripe_app(stripe_loaded, connection, hooks):
    settings, pm, plugins = stripe_loaded
    return make_app(settings, pm, plugins, dbsession_factory=lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))


@pytest.fixture
def stripe_testapp(stripe_app):
    return webtest.TestApp(stripe_app, extra_environ={"REMOTE_ADDR": "10.0.0.2"})


def confirm(stripe_client, intent_id: str, card: str = "pm_card_visa"):
    """What the storefront's Stripe.js does in the browser: attach a card, confirm the intent.

    (localstripe refuses a payment_method passed to confirm itself: "Not implemented".)"""
    stripe_client.v1.payment_intents.update(intent_id, params={"payment_method": card})
    return stripe_client.v1.payment_intents.confirm(intent_id)
