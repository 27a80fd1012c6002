"""A live Agora (the real app under a threaded wsgiref server, on its own PostgreSQL database
that really commits) and one headless Debian Chromium for the module, driven by Playwright."""
from __future__ import annotations

import json
import shutil
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from core.testing import TEST_PASSWORD, committed_session, scratch_database

CHROMIUM = "/usr/bin/chromium"
ACCESS_TTL = 5  # seconds: short, so the walk sees the dashboard refresh (and rotate) its token


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@dataclass
class Live:
    base: str
    users: dict  # role → email (all with TEST_PASSWORD)
    password: str = TEST_PASSWORD

    def call(self, method: str, path: str, body=None, token: str | None = None) -> tuple[int, dict | None]:
        """One JSON call to the live API (what any client would do)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                text = answer.read()
                return answer.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read()
            return error.code, json.loads(text) if text else None

    def token(self, role: str) -> str:
        status, answer = self.call("POST", "/api/auth/login/", {"email": self.users[role], "password": self.password})
        assert status == 200, answer
        return answer["access"]


def _users(url: str) -> dict:
    from core.accounts.models import User
    from core.accounts.passwords import hash_password

    session = committed_session(url)
    hashed = hash_password(TEST_PASSWORD)
    users = {"manager": "boss@example.com", "applicant": "maker@example.com", "customer": "buyer@example.com"}
    for role, email in users.items():
        session.add(User(email=email, password_hash=hashed, role="customer" if role != "manager" else "manager",
                         first_name=role.capitalize(), is_active=True, email_verified=True))
    session.commit()
    session.bind.dispose()
    return users


@pytest.fixture(scope="module")
def live(enabled_plugins, tmp_path_factory):
    media = tmp_path_factory.mktemp("dashboard-media")
    extra = {"agora.media_dir": str(media), "agora.payouts.hold_days": "0", "agora.jwt.access_ttl": str(ACCESS_TTL),
             "agora.payments.provider": "manual"}
    with scratch_database(enabled_plugins, extra) as (url, app):
        users = _users(url)
        server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_Quiet)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Live(f"http://127.0.0.1:{server.server_port}", users)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()
