"""Buying without an account: who a checkout's buyer is, guest order tokens, adoption.

A buyer is a signed-in user, or a guest: the cart's ``X-Cart-Token`` (its SHA-256 is the
guest's key: it owns the payment intent and the stock reservation) and an ``email`` from the
body.  A guest order has ``user_id`` NULL, the email, and the SHA-256 of a random
``order_token``: the plain token is shown once, in the checkout answer and in the confirmation
mail's link, and opens ``GET /api/orders/guest/{order_token}/`` and its cancel.  When an
account with that email is verified, :func:`adopt_guest_orders` makes its guest orders its own.

Guest intents are throttled per client address (``agora.throttle.guest_checkouts_per_address``
per ``agora.throttle.window``), like the login and mail throttles (core.accounts.throttle).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, update

from core.accounts import throttle
from core.errors import AgoraError, not_found
from core.openapi import CART_TOKEN
from core.orders.models import Order
from core.orders.reservations import guest_owner, user_owner

GUEST_LIMIT = "agora.throttle.guest_checkouts_per_address"


@dataclass(frozen=True)
class Buyer:
    """Who pays: ``user``, or (``user`` None) a guest by ``guest_key`` with ``email``."""

    user: object | None
    email: str | None = None
    guest_key: str | None = None

    @property
    def reservation_owner(self) -> str:
        return user_owner(self.user.id) if self.user is not None else guest_owner(self.guest_key)

    @property
    def guest(self) -> dict | None:
        """What a payment provider is told about a guest (None for a user)."""
        return None if self.user is not None else {"key": self.guest_key, "email": self.email}

    def owns(self, owner: dict | None) -> bool:
        """Whether a provider's ``intent_owner`` answer is this buyer."""
        if owner is None:
            return False
        if self.user is not None:
            return owner.get("user_id") == self.user.id
        return owner.get("user_id") is None and owner.get("guest_key") == self.guest_key


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def buyer_of(request, email: str | None = None, *, need_email: bool = True) -> Buyer:
    """The signed-in user, else the guest of the ``X-Cart-Token`` header (``email`` required
    for a guest when ``need_email``: 400 on ``email``)."""
    if request.user is not None:
        return Buyer(request.user)
    token = request.headers.get(CART_TOKEN) or ""
    if not token or len(token) > 200:
        raise not_found("No such cart: the cart token is unknown, expired or already merged.", name=CART_TOKEN)
    if need_email and not email:
        raise AgoraError(400, "A checkout without an account needs an email for the confirmation.", name="email")
    return Buyer(None, email=email.strip().lower() if email else None, guest_key=digest(token))


def throttle_guest(request) -> None:
    """429 (with Retry-After) when this client address started too many guest checkouts lately;
    otherwise count this one."""
    settings = request.settings
    window = settings["agora.throttle.window"]
    keys = [(f"guest-checkout-address:{request.client_ip}", settings[GUEST_LIMIT])]
    wait = throttle.retry_after(request.db, keys, window)
    if wait:
        raise AgoraError(429, f"Too many checkouts without an account from here; try again in {wait} seconds.",
                         name="email", headers={"Retry-After": str(wait)})
    throttle.record_failure(request.db, [k for k, _ in keys], window)


def issue_order_token(order: Order) -> str:
    """Give a guest order its token: the hash is stored, the plain value is returned and kept on
    the instance as ``order.order_token`` for this transaction only (the answer and the mail)."""
    token = secrets.token_urlsafe(32)
    order.order_token_hash = digest(token)
    order.order_token = token
    return token


def guest_order(db, token: str, *, lock: bool = False) -> Order:
    """The order of ``token`` (404 when there is none).  It keeps working after an account
    adopted the order: the mail's link still opens it."""
    if not token or len(token) > 200:
        raise not_found("No such order.", name="order_token")
    query = select(Order).where(Order.order_token_hash == digest(token))
    order = db.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if order is None:
        raise not_found("No such order.", name="order_token")
    return order


def adopt_guest_orders(db, user) -> int:
    """Make the guest orders placed with ``user``'s (verified) email the user's; how many."""
    result = db.execute(update(Order).where(Order.user_id.is_(None), func.lower(Order.email) == user.email.lower())
                        .values(user_id=user.id).execution_options(synchronize_session=False))
    return result.rowcount or 0
