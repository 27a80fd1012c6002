"""Mail backends behind one interface, chosen by ``agora.email.backend``.

``smtp`` sends through the server of ``agora.smtp_url`` (``smtp://host:port``, optional
``user:password@``, ``smtps://`` for TLS from the start, ``?starttls=1`` to upgrade).
``maildir`` writes each mail into a Maildir (development: open it with any mail reader, or
read the files under ``new/``).  Backends raise :class:`TemporaryFailure` (retry later) or
:class:`PermanentFailure` (never retry); nothing else escapes them.
"""
from __future__ import annotations

import mailbox
import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol, runtime_checkable
from urllib.parse import parse_qs, unquote, urlsplit

from plugins.email.config import EmailConfig


class TemporaryFailure(Exception):
    """The mail could not be sent now (4xx answer, connection problem): retry with backoff."""


class PermanentFailure(Exception):
    """The mail can never be sent as it is (5xx answer): record why, do not retry."""


@runtime_checkable
class MailBackend(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` or raise TemporaryFailure / PermanentFailure."""


class SMTPBackend:
    """One SMTP session per message (the worker sends one row at a time)."""

    def __init__(self, url: str, timeout: float = 30):
        if not url:
            raise ValueError("agora.email.backend is smtp but AGORA_SMTP_URL / agora.smtp_url is empty")
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError(f"AGORA_SMTP_URL must start with smtp:// or smtps://, not {parts.scheme}://")
        query = parse_qs(parts.query)
        self.ssl = parts.scheme == "smtps"
        self.starttls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.ssl else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def _connect(self) -> smtplib.SMTP:
        if self.ssl:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as smtp:
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise _classify(max(codes), str(exc.recipients)) from None
        except smtplib.SMTPAuthenticationError as exc:  # a configuration problem: retry once fixed
            raise TemporaryFailure(f"SMTP authentication failed: {exc.smtp_code} {_text(exc.smtp_error)}") from None
        except smtplib.SMTPResponseException as exc:
            raise _classify(exc.smtp_code, _text(exc.smtp_error)) from None
        except (smtplib.SMTPException, OSError) as exc:  # disconnects, refused connections, timeouts, TLS
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from None
        if refused:
            raise PermanentFailure(f"recipients refused: {refused}")


def _text(error) -> str:
    return error.decode(errors="replace") if isinstance(error, bytes) else str(error)


def _classify(code: int, detail: str) -> Exception:
    cls = PermanentFailure if 500 <= code < 600 else TemporaryFailure
    return cls(f"SMTP {code} {detail}".strip())


class MaildirBackend:
    """Writes each message into the Maildir at ``path`` (created if missing)."""

    def __init__(self, path: str):
        self.path = path

    def send(self, message: EmailMessage) -> None:
        try:
            mailbox.Maildir(self.path, create=True).add(message)
        except OSError as exc:  # a full disk or a permission problem may be fixed: retry
            raise TemporaryFailure(f"maildir {self.path}: {exc}") from None


def backend_for(config: EmailConfig) -> MailBackend:
    """The backend named by ``agora.email.backend``; raises ValueError when misconfigured."""
    if config.backend == "maildir":
        return MaildirBackend(config.maildir)
    return SMTPBackend(config.smtp_url, timeout=config.smtp_timeout)
