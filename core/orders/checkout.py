"""Checkout orchestration: the cart priced into a payment intent, an authorization into an order.

``create_payment_intent`` prices the caller's cart on the server and asks the provider for an
intent.  ``checkout`` (the browser's path) and ``complete`` (the provider's webhook path) turn
an authorization into exactly one order with the same steps: place it (``pipeline.place_order``),
release the authorization when that is refused, commit the order, and only then capture — money
is never taken for an order that does not exist.  ``request`` is the context the hooks and the
provider take by contract; nothing HTTP is read from it here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.errors import AgoraError, not_found
from core.orders import guests, pipeline, reservations, settlement
from core.orders.guests import Buyer
from core.orders.models import Order
from core.orders.payment import Authorization, PaymentError
from core.orders.pricing import price_lines
from core.orders.schemas import same_address

MAX_IDEMPOTENCY_KEY = 200


def cart_lines(request, user) -> list:
    """The checkout lines a plugin provides through ``agora_checkout_lines`` (400 when there are
    none); ``user`` None is a guest (that plugin reads the request's ``X-Cart-Token``)."""
    lines = request.hooks.agora_checkout_lines(request=request, user=user)
    if not lines:
        raise AgoraError(400, "Your cart is empty.", name="cart")
    return lines


def create_payment_intent(request, buyer: Buyer, shipping_address: dict, idempotency_key: str | None) -> dict:
    """Price the cart, create the provider's intent and reserve its units; the provider's answer
    (amount in minor units).  Units others hold → 409, and the new intent is released again.
    A guest (``buyer.user`` None) is throttled per client address first."""
    if idempotency_key is not None and not (1 <= len(idempotency_key) <= MAX_IDEMPOTENCY_KEY):
        raise AgoraError(400, f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters.",
                         name="Idempotency-Key", location="header")
    user = buyer.user
    if user is None:
        guests.throttle_guest(request)
    lines = cart_lines(request, user)
    request.hooks.agora_checkout_validate(request=request, user=user, lines=lines, shipping_address=shipping_address)
    pricing = price_lines(request, user, lines)
    provider = request.payment_provider
    snapshot = [{"size_id": line.size_id, "quantity": line.quantity, "source_id": line.source_id} for line in lines]
    try:
        answer = provider.create_intent(
            request, user=user, amount=pricing.total, currency=pricing.currency, lines=snapshot,
            shipping_address=shipping_address, idempotency_key=idempotency_key,
            **({"guest": buyer.guest} if user is None else {}))
    except PaymentError as exc:
        raise AgoraError(exc.status, str(exc), name="payment") from None
    reference = answer["payment_intent_id"]
    if pipeline.find_order(request.db, provider.name, reference) is None:  # a replay of a used intent holds nothing
        try:
            reservations.reserve(request.db, owner=buyer.reservation_owner, reference=reference,
                                 lines=snapshot, ttl=request.settings[reservations.TTL_SETTING])
        except AgoraError:
            settlement.release(request, provider, reference)
            raise
    return answer


def cancel_payment_intent(request, buyer: Buyer, reference: str) -> None:
    """The buyer gives up paying: release the reservation and the authorization (idempotent).

    404 for an intent that is not the caller's; 409 once it became an order (cancel the order)."""
    provider = request.payment_provider
    if not buyer.owns(provider.intent_owner(request, reference=reference)):
        raise not_found("No such payment intent.", name="id")
    if pipeline.find_order(request.db, provider.name, reference) is not None:
        raise AgoraError(409, "This payment intent is already an order; cancel the order instead.", name="id",
                         location="path")
    reservations.release(request.db, reference)
    settlement.release(request, provider, reference)


@dataclass
class Placed:
    """What a checkout produced: the order's id, whether it is new, and for a new one its
    snapshot (rendered before the commit, with the capture's outcome)."""

    order_id: int
    created: bool
    snapshot: Any = None


def checkout(request, buyer: Buyer, reference: str, shipping_address: dict | None,
             snapshot: Callable[[Order], Any]) -> Placed:
    """The order of payment intent ``reference``: the existing one, or a new one placed, committed
    and captured.  ``snapshot(order)`` renders it (taken before commit, with the capture's
    outcome written into ``snapshot["payment"]["status"]`` when it is a dict).  A guest's new
    order carries its ``order_token`` in the snapshot (only then: it is stored hashed)."""
    provider = request.payment_provider
    user = buyer.user
    existing = pipeline.find_order(request.db, provider.name, reference)
    if existing is not None:
        if not buyer.owns(provider.intent_owner(request, reference=reference)):
            raise not_found("No such payment intent.", name="payment_intent_id")
        return Placed(existing.id, created=False)
    try:
        authorization = provider.authorization(request, user=user, reference=reference,
                                               **({"guest": buyer.guest} if user is None else {}))
    except PaymentError as exc:
        raise AgoraError(exc.status, str(exc), name="payment_intent_id") from None
    if shipping_address is not None and not same_address(shipping_address, authorization.shipping_address):
        # Refused, not silently replaced: the amount and the provider's record were made for the
        # intent's address.  The authorization stays, so a corrected request can still succeed.
        raise AgoraError(409, "This is not the address the payment was created for; create a new "
                              "payment intent to ship elsewhere.", name="shipping_address")
    try:
        order = pipeline.place_order(request, user, provider, authorization)
    except AgoraError:
        # Any refusal (stock, prices, a plugin's validate/completed hook) frees the money. A
        # retryable IntegrityError is not an AgoraError: its intent belongs to the other order.
        settlement.release(request, provider, reference)
        raise
    rendered, order_id = snapshot(order), order.id
    status = commit_then_capture(request, provider, order_id, authorization)
    if status is not None and isinstance(rendered, dict):
        rendered["payment"]["status"] = status
    return Placed(order_id, created=True, snapshot=rendered)


def complete(request, provider, user, authorization: Authorization) -> int | None:
    """The webhook's path: place the order of an authorization nobody checked out, commit and
    capture; None (and the authorization released) when it can no longer be placed.  The
    refusal is undone in a savepoint, so the caller's own writes (the event record) stay."""
    nested = request.db.begin_nested()
    try:
        order = pipeline.place_order(request, user, provider, authorization)
        nested.commit()
    except pipeline.CheckoutRefused:
        nested.rollback()
        settlement.release(request, provider, authorization.reference)
        return None
    order_id = order.id
    commit_then_capture(request, provider, order_id, authorization)
    return order_id


def commit_then_capture(request, provider, order_id: int, authorization: Authorization) -> str | None:
    """Commit the placed order, then capture (nothing to capture for a pending, offline payment).

    The one place that commits inside a request: the capture must see a committed order, and its
    outcome is recorded in the next transaction of the same request."""
    request.tm.commit()
    request.tm.begin()
    if authorization.pending:
        return None
    # The placed order's total is the authorized amount (place_order refuses anything else).
    return settlement.capture(request, provider, order_id, authorization.reference, authorization.amount)
