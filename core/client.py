"""``request.client_ip``: the address of the client, which the client cannot choose.

WebOb's ``request.client_addr`` returns the first ``X-Forwarded-For`` value whenever the header
is present, so any client could name itself: a password sprayer would send a new address with
every attempt and never be throttled, and anyone could exhaust another address's limit.  Agora
takes the TCP peer (``REMOTE_ADDR``) unless that peer is one of ``agora.trusted_proxies`` (IPs
or CIDR networks: the load balancers in front of Agora).  Behind trusted proxies it walks
``X-Forwarded-For`` from the right — each trusted hop appended the address it received the
request from — and takes the first address that is not a trusted proxy.  Values to its left
were written by the client and are never used.
"""
from __future__ import annotations

import ipaddress

from config.settings import Network


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, proxies: list[Network]) -> bool:
    return address is not None and any(address in net for net in proxies)


def client_ip(remote_addr: str | None, forwarded_for: str | None, proxies: list[Network]) -> str:
    """The client's address (see the module docstring); ``"-"`` when there is no peer."""
    peer = _address(remote_addr or "")
    if peer is None:
        return remote_addr or "-"
    if not _trusted(peer, proxies) or not forwarded_for:
        return str(peer)
    last_trusted = peer
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:  # garbage appended by a trusted hop: the last hop we can vouch for
            return str(last_trusted)
        if not _trusted(address, proxies):
            return str(address)
        last_trusted = address
    return str(last_trusted)


def request_client_ip(request) -> str:
    proxies = request.settings["agora.trusted_proxies"]
    return client_ip(request.remote_addr, request.headers.get("X-Forwarded-For"), proxies)


def includeme(config):
    config.add_request_method(request_client_ip, "client_ip", reify=True)
