"""The payment provider interface core's checkout talks to.

A provider is returned by the ``agora_payment_provider`` hook of the plugin that brings it (its
choice of provider is that plugin's setting).  Core never imports a provider; a test checks that
the first-party providers implement every method here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass
class Authorization:
    """What a provider vouches for when a checkout arrives with a payment intent id."""

    reference: str
    amount: int
    currency: str
    user_id: int | None  # None: a guest checkout (``email`` and ``guest_key`` say whose)
    lines: list[dict]  # [{"size_id", "quantity", "source_id"}] snapshot taken at intent creation
    shipping_address: dict
    pending: bool = False  # True: the order is placed in pending_payment, nothing to capture (manual)
    email: str | None = None  # a guest checkout's email
    guest_key: str | None = None  # a guest checkout's cart key (SHA-256 of its token)


class PaymentError(Exception):
    """The provider refused (declined, expired, network).  ``status`` is the HTTP answer."""

    def __init__(self, message: str, status: int = 402):
        super().__init__(message)
        self.status = status


@runtime_checkable
class PaymentProvider(Protocol):
    name: str

    def create_intent(self, request, *, user, amount: int, currency: str, lines: list[dict],
                      shipping_address: dict, idempotency_key: str | None, guest: dict | None = None) -> dict:
        """Create (or replay, for a known idempotency key) an intent for ``amount``; return the
        API answer ``{payment_intent_id, client_secret, amount (minor units), currency, provider}``.
        A guest checkout has ``user`` None and ``guest={"key", "email"}``: the intent is the key's
        (core passes ``guest`` only then, so a provider without guest support still serves users)."""

    def authorization(self, request, *, user, reference: str, guest: dict | None = None) -> Authorization:
        """Verify an intent belongs to ``user`` (or, for a guest, to ``guest["key"]``) and is
        authorized; raise PaymentError otherwise (404 for an unknown or another buyer's intent)."""

    def capture(self, request, *, reference: str, amount: int) -> None:
        """Capture an authorized amount (after the order committed)."""

    def release(self, request, *, reference: str) -> None:
        """Cancel an uncaptured authorization (idempotent)."""

    def refund(self, request, *, reference: str, amount: int) -> bool:
        """Return captured money; True when the provider confirmed the refund."""

    def intent_owner(self, request, *, reference: str) -> dict | None:
        """Who an intent belongs to, ``{"user_id", "guest_key"}``, without judging its state;
        None for an unknown intent (the cancel service checks ownership with it)."""

    def refund_partial(self, request, *, reference: str, amount: int, idempotency_key: str) -> str | None:
        """Return ``amount`` (part or all of what was captured) for a return; the provider's
        refund id, or None when the refund is made offline and only recorded (manual).  The same
        ``idempotency_key`` never refunds twice.  Raise PaymentError when it is refused."""

    def attach_order(self, request, *, reference: str, order_id: int) -> None:
        """Record which order an intent became (in the checkout transaction)."""
