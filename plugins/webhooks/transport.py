"""One HTTP POST of a delivery attempt: to the checked address, within a deadline, no redirects.

``http.client`` is used directly because it does exactly what an attempt needs and nothing
more: it never follows a redirect (a 3xx is an answer like any other non-2xx), it connects to
the address :mod:`plugins.webhooks.targets` checked while sending the URL's host in ``Host``
and in TLS SNI (certificates are verified against the host name), and a watchdog closes the
socket when the whole attempt — connect, send, headers, body — outlasts the timeout, so a
receiver that drips its answer cannot hold a worker (or outlive the claim's lease).
"""
from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from plugins.webhooks.targets import Target

MAX_RESPONSE_BYTES = 64 * 1024  # the answer is read (so the connection ends cleanly) but not kept
USER_AGENT = "Agora-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None  # None when no HTTP answer came
    error: str  # "" on a 2xx

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _Pinned:
    """Connect to ``address`` instead of resolving the host again."""

    address: str | None

    def connect(self):
        self.sock = socket.create_connection((self.address or self.host, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class PinnedHTTPConnection(_Pinned, http.client.HTTPConnection):
    pass


class PinnedHTTPSConnection(_Pinned, http.client.HTTPSConnection):
    def connect(self):
        _Pinned.connect(self)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def post(target: Target, headers: dict[str, str], body: bytes, timeout: float) -> Outcome:
    """POST ``body`` to ``target``; never raises for network trouble (the outcome says it)."""
    cls = PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    kwargs = {"context": ssl.create_default_context()} if target.scheme == "https" else {}
    connection = cls(target.host, target.port, timeout=timeout, **kwargs)
    connection.address = target.address
    expired = threading.Event()

    def cut():
        expired.set()
        sock = connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(timeout, cut)
    watchdog.daemon = True
    started = time.monotonic()
    watchdog.start()
    try:
        connection.putrequest("POST", target.path, skip_host=True, skip_accept_encoding=True)
        for name, value in {"Host": _host_header(target), "User-Agent": USER_AGENT,
                            "Content-Type": "application/json", "Content-Length": str(len(body)),
                            **headers}.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        status = response.status
    except Exception as exc:  # refused, reset, TLS, timeout, a malformed answer: all an attempt's failure
        if expired.is_set() or isinstance(exc, (socket.timeout, TimeoutError)):
            return Outcome(None, f"timed out after {timeout:g}s")
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:500])
    finally:
        watchdog.cancel()
        connection.close()
    if expired.is_set() and time.monotonic() - started >= timeout:
        return Outcome(None, f"timed out after {timeout:g}s")
    if 200 <= status < 300:
        return Outcome(status, "")
    if 300 <= status < 400:
        return Outcome(status, f"HTTP {status}: redirects are not followed")
    return Outcome(status, f"HTTP {status}")
