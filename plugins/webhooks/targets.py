"""The SSRF guard: which URLs an endpoint may have, and which address a delivery connects to.

An endpoint URL is ``http(s)://host[:port]/path?query`` without credentials or a fragment;
``https`` is required in production unless ``agora.webhooks.allow_private_targets``.  With that
setting off, the host is resolved and *every* address it resolves to must be public (not
loopback, private, link-local, shared, multicast, reserved or unspecified, IPv4-mapped forms
included) — at subscription, and again at every attempt, because DNS may change in between.
The attempt then connects to the address that was checked (never re-resolving), so a second
lookup cannot swap in an internal address (DNS rebinding).
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000


class TargetRefused(ValueError):
    """The URL may not be called; the message says why, for the client or the delivery log."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query string
    address: str | None  # the checked IP to connect to; None: let the socket resolve


def parse(url: str, *, require_https: bool) -> Target:
    """Check the URL's form (no network); the address is not resolved yet."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"Not a valid URL: {exc}.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetRefused("The URL must start with https:// (or http:// outside production).")
    if require_https and scheme != "https":
        raise TargetRefused("Webhook URLs must use https:// in production.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("Credentials in the URL are not supported; authenticate with the signature.")
    if parts.fragment:
        raise TargetRefused("The URL must not have a #fragment.")
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c.isspace() for c in url):
        raise TargetRefused("The URL has no host, or contains spaces.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path, None)


def refusal(address: str) -> str | None:
    """Why ``address`` is not a public one, or None when it is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "link_local", "unspecified", "multicast", "reserved", "private"):  # most specific first
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:
        return "not globally routable"
    return None


def resolve(target: Target, *, allow_private: bool) -> Target:
    """The target with the address to connect to, checked; raises :class:`TargetRefused`.

    With ``allow_private`` nothing is checked and the socket resolves the name itself."""
    if allow_private:
        return target
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise TargetRefused(f"The host {target.host!r} cannot be resolved ({exc}).") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise TargetRefused(f"The host {target.host!r} has no address.")
    for address in addresses:
        why = refusal(address)
        if why:
            raise TargetRefused(f"The host {target.host!r} resolves to {address}, a {why} address; "
                                f"webhooks go to public addresses only.")
    return Target(target.scheme, target.host, target.port, target.path, addresses[0])


def check(url: str, *, require_https: bool, allow_private: bool) -> Target:
    """Everything at once: the form, then (with private targets refused) the addresses."""
    return resolve(parse(url, require_https=require_https), allow_private=allow_private)
