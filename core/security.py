"""JWT authentication and role-based authorization as a Pyramid 2 security policy.

pyramid-jwt's ``JWTAuthenticationPolicy`` is used only as the token codec (HS512 pinned,
``Bearer`` scheme); its legacy auth-policy mode cannot be combined with a Pyramid 2
security policy.  Tokens carry ``typ`` (access/refresh), ``jti`` and ``sid`` (the login
session).  An access token is accepted only while its login session is not
revoked: that single query also loads the user, so authentication costs one statement.

Permissions (ACL on the root):
``authenticated`` any signed-in user · ``vendor`` approved vendors (role) · ``manage``
managers · ``admin`` admins.  Admins are granted everything.
"""
from __future__ import annotations

from datetime import timedelta

import zope.sqlalchemy
from pyramid.authorization import ALL_PERMISSIONS, ACLHelper, Allow, Authenticated, Everyone
from pyramid_jwt.policy import JWTAuthenticationPolicy
from sqlalchemy import bindparam, select

from core.accounts.models import LoginSession, User
from core.registry import settings_of


class Root:
    """The root context: who may do what, by role."""

    __acl__ = [
        (Allow, "role:admin", ALL_PERMISSIONS),
        (Allow, "role:manager", ("manage", "authenticated")),
        (Allow, "role:vendor", ("vendor", "authenticated")),
        (Allow, Authenticated, "authenticated"),
        # "shopper": a signed-in caller, or a guest showing a cart token (X-Cart-Token, checked
        # by the plugin that keeps guest carts: unknown → 404); used by cart services and guest
        # checkout.
        (Allow, Authenticated, "shopper"),
        (Allow, "cart-token", "shopper"),
    ]

    def __init__(self, request):
        self.request = request


class TokenCodec:
    """Create and decode Agora's JWTs (pyramid-jwt underneath, algorithm pinned)."""

    def __init__(self, secret: str, access_ttl: int, refresh_ttl: int):
        self.jwt = JWTAuthenticationPolicy(
            private_key=secret, algorithm="HS512", auth_type="Bearer", expiration=access_ttl
        )
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl

    def access_token(self, user: User, session_id: str, jti: str) -> str:
        # The subject must be a string, or decoding fails ("Subject must be a string").
        return self.jwt.create_token(
            str(user.id), expiration=timedelta(seconds=self.access_ttl),
            typ="access", sid=session_id, jti=jti, role=user.role,
        )

    def refresh_token(self, user: User, session_id: str, jti: str) -> str:
        return self.jwt.create_token(
            str(user.id), expiration=timedelta(seconds=self.refresh_ttl),
            typ="refresh", sid=session_id, jti=jti,
        )

    def decode(self, request, token: str) -> dict:
        """Claims of a valid token, or ``{}`` (bad signature, ``alg: none``, expired, garbage)."""
        return self.jwt.jwt_decode(request, token)

    def claims_from_header(self, request) -> dict:
        return self.jwt.get_claims(request)


# Built once: the request's one statement of authentication, executed with the token's values.
_USER_OF_SESSION = (
    select(User).join(LoginSession, LoginSession.user_id == User.id)
    .where(User.id == bindparam("user_id"), LoginSession.id == bindparam("session_id"),
           LoginSession.revoked_at.is_(None))
)


def load_user(request) -> User | None:
    """``request.user``: the user of a valid, unrevoked access token, else None.

    When a token was sent but refused, ``request.auth_failure`` says why (for the 401)."""
    if not request.headers.get("Authorization"):
        return None
    codec: TokenCodec = request.token_codec
    claims = codec.claims_from_header(request)
    if not claims or claims.get("typ") != "access" or not claims.get("sid"):
        request.auth_failure = "The access token is invalid or expired."
        return None
    try:
        user_id = int(claims["sub"])
    except (KeyError, TypeError, ValueError):
        request.auth_failure = "The access token is invalid or expired."
        return None
    user = request.db.execute(_USER_OF_SESSION, {"user_id": user_id, "session_id": str(claims["sid"])}
                              ).scalar_one_or_none()
    if user is None or not user.is_active:
        request.auth_failure = "The session has ended; log in again."
        return None
    request.token_claims = claims
    # A signed-in request ends with COMMIT even when it only read: psycopg discards the
    # connection's prepared statements on every ROLLBACK, and the statements of signed-in
    # reads (this one, the cart's) are prepared only when they survive from request to request.
    # Nothing changes in the database (a read-only transaction commits nothing), and an error
    # answer still aborts (core.db.commit_veto).
    zope.sqlalchemy.mark_changed(request.db, transaction_manager=request.tm)
    return user


class SecurityPolicy:
    def __init__(self):
        self.acl = ACLHelper()

    def identity(self, request):
        return request.user

    def authenticated_userid(self, request):
        user = request.user
        return None if user is None else user.id

    def permits(self, request, context, permission):
        principals = [Everyone]
        user = request.user
        if user is not None:
            principals += [Authenticated, f"user:{user.id}", f"role:{user.role}"]
        elif request.headers.get("X-Cart-Token") and not request.headers.get("Authorization"):
            principals.append("cart-token")
        return self.acl.permits(context, principals, permission)

    def remember(self, request, userid, **kw):
        return []

    def forget(self, request, **kw):
        return []


_TOKEN_CODEC = "agora.token_codec"


def token_codec_of(registry) -> TokenCodec:
    """The app's JWT codec (also ``request.token_codec``)."""
    return registry[_TOKEN_CODEC]


def includeme(config):
    settings = settings_of(config.registry)
    config.registry[_TOKEN_CODEC] = TokenCodec(
        settings["agora.jwt_secret"], settings["agora.jwt.access_ttl"], settings["agora.jwt.refresh_ttl"])
    config.add_request_method(lambda request: token_codec_of(request.registry), "token_codec", reify=True)
    config.set_root_factory(Root)
    config.set_security_policy(SecurityPolicy())
    config.add_request_method(load_user, "user", reify=True)
