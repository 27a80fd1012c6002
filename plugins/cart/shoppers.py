"""Whose cart: a signed-in user's, or a guest's reached by a random token.

A guest cart is created by ``POST /api/cart/guest/``: the answer carries a random token
(``secrets.token_urlsafe(32)``) shown that once; the database keeps only its SHA-256, so a
leaked table opens no cart.  The token goes in the ``X-Cart-Token`` header of every cart
service (and of guest checkout).  A token that is unknown, expired (``agora.cart.guest_days``
after the cart was made) or spent (its cart was merged into an account's) is answered 404, the
same for all three.  The worker deletes expired guest carts (:func:`delete_expired_guest_carts`).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from core.db import utcnow
from core.errors import AgoraError, not_found
from core.openapi import CART_TOKEN
from core.orders.reservations import guest_owner, user_owner
from plugins.cart.models import Cart

MAX_TOKEN = 200


@dataclass(frozen=True)
class Shopper:
    """A cart's owner: ``user_id`` for an account, else the guest cart's id and token hash."""

    user_id: int | None = None
    guest_cart_id: int | None = None
    token_hash: str | None = None

    @property
    def reservation_owner(self) -> str:
        """The owner key of this cart's stock reservations (core.orders.reservations)."""
        return user_owner(self.user_id) if self.user_id is not None else guest_owner(self.token_hash)


def as_shopper(owner) -> Shopper:
    """A :class:`Shopper` from a Shopper or a user id (the cart's API takes users by id)."""
    return owner if isinstance(owner, Shopper) else Shopper(user_id=int(owner))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_guest_cart(db, days: int) -> tuple[str, datetime]:
    """A new guest cart; returns its token (only the hash is stored) and when it expires."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + timedelta(days=days)
    db.add(Cart(user_id=None, token_hash=token_hash(token), created_at=now, updated_at=now, expires_at=expires_at))
    db.flush()
    return token, expires_at


def guest_shopper(db, token: str, *, lock: bool = False) -> Shopper:
    """The guest cart of ``token``; 404 when it is unknown, expired or spent."""
    if not token or len(token) > MAX_TOKEN:
        raise not_found("No such cart: the cart token is unknown, expired or already merged.", name=CART_TOKEN)
    query = select(Cart).where(Cart.token_hash == token_hash(token), Cart.user_id.is_(None))
    cart = db.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if cart is None or cart.expires_at is None or cart.expires_at <= utcnow():
        raise not_found("No such cart: the cart token is unknown, expired or already merged.", name=CART_TOKEN)
    return Shopper(guest_cart_id=cart.id, token_hash=cart.token_hash)


def shopper_of(request) -> Shopper:
    """The caller's cart owner: the signed-in user, else the ``X-Cart-Token`` guest; else 401.
    Looked up once per request."""
    known = request.environ.get("agora.cart.shopper")
    if known is None:
        known = request.environ["agora.cart.shopper"] = _shopper_of(request)
    return known


def _shopper_of(request) -> Shopper:
    if request.user is not None:
        return Shopper(user_id=request.user.id)
    token = request.headers.get(CART_TOKEN)
    if token is None or request.headers.get("Authorization"):
        raise AgoraError(401, "Sign in, or send the X-Cart-Token of a guest cart (POST /api/cart/guest/).",
                         location="header", name="Authorization")
    return guest_shopper(request.db, token)


def delete_expired_guest_carts(db) -> int:
    """Delete guest carts past their ``expires_at`` (their items go with them); how many."""
    from plugins.cart.models import CartItem

    expired = select(Cart.id).where(Cart.user_id.is_(None), Cart.expires_at <= utcnow())
    db.execute(delete(CartItem).where(CartItem.cart_id.in_(expired)))
    return len(db.execute(delete(Cart).where(Cart.id.in_(expired))
                          .returning(Cart.id)).scalars().all())
