"""Fixtures of the email tests: a real SMTP server (aiosmtpd), mailers, outbox helpers, localstripe."""
from __future__ import annotations

import asyncio
import email
import re
import socket
import threading
import time
from collections import deque
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.email.backends import SMTPBackend
from plugins.email.config import EmailConfig
from plugins.email.models import OutboxMessage
from plugins.email.worker import Mailer, process_one

LINK = re.compile(r"https?://\S+")


class SMTPRecorder:
    """aiosmtpd handler: keeps every accepted message; ``answers`` queues replies to DATA."""

    def __init__(self):
        self.messages: list = []
        self.answers: deque[str] = deque()
        self.delay = 0.0  # seconds each DATA takes, to stop a worker in the middle of a batch
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            answer = self.answers.popleft() if self.answers else "250 OK"
            if answer.startswith("250"):
                message = email.message_from_bytes(envelope.content, policy=policy.default)
                self.messages.append((list(envelope.rcpt_tos), message))
        return answer

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]

    def one(self, address: str):
        found = self.to(address)
        assert len(found) == 1, f"{len(found)} messages to {address}: {[m['Subject'] for m in found]}"
        return found[0]

    def wait_for(self, count: int, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} messages arrived"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtpd():
    recorder = SMTPRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    recorder.url = f"smtp://127.0.0.1:{controller.port}"
    yield recorder
    controller.stop()


@pytest.fixture
def smtp(smtpd) -> SMTPRecorder:
    """The SMTP server, emptied for this test."""
    smtpd.messages.clear()
    smtpd.answers.clear()
    smtpd.delay = 0.0
    return smtpd


def mail_text(message) -> str:
    return message.get_body(("plain",)).get_content()


def mail_link(message) -> str:
    return LINK.findall(mail_text(message))[0]


@pytest.fixture
def email_config(loaded, smtp) -> EmailConfig:
    """The test app's email settings, pointed at the test SMTP server, retrying at once."""
    return EmailConfig.from_settings(loaded[0], smtp_url=smtp.url, retry_base=0, relay_delay=0)


@pytest.fixture
def mailer(email_config) -> Mailer:
    return Mailer(email_config, SMTPBackend(email_config.smtp_url, timeout=5))


@pytest.fixture
def test_sessions(connection):
    """Sessions on the test's rolled-back connection, as the worker would open them."""
    return lambda: Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def deliver(db, test_sessions, mailer):
    """``deliver()`` runs the worker's ``process_one`` on every pending row → {id: outcome}."""

    def run() -> dict:
        ids = db.execute(select(OutboxMessage.id).where(OutboxMessage.status == "pending")
                         .order_by(OutboxMessage.id)).scalars().all()
        return {i: process_one(test_sessions, mailer, i) for i in ids}

    return run


# The stripe provider against a real localstripe server, with the payments tests' fixtures
# (the cancellation and refund mails of a captured order need a provider that refunds).
from tests.plugins.payments.conftest import (  # noqa: E402,F401  (fixtures, used by name)
    stripe_app,
    stripe_client,
    stripe_loaded,
    stripe_testapp,
)


@pytest.fixture
def renderer(email_config):
    """The plugin's own renderer, as the worker uses it."""
    from plugins.email.render import Renderer

    return Renderer(email_config)
