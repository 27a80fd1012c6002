"""Login sessions and rotating refresh tokens.

A login creates a session (the refresh-token family).  Refreshing spends the presented
refresh token and issues the next one of the same family; presenting a spent one again is
a sign of theft and revokes the whole family.  Logout, password change and reset revoke
sessions, which also ends their access tokens (see ``core.security.load_user``).
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from core import audit
from core.accounts.models import LoginSession, SpentRefreshToken, User
from core.db import utcnow


def _new_id() -> str:
    return secrets.token_hex(16)


def token_pair(request, user: User, session: LoginSession) -> dict:
    codec = request.token_codec
    return {
        "access": codec.access_token(user, session.id, _new_id()),
        "refresh": codec.refresh_token(user, session.id, session.current_refresh_jti),
        "token_type": "Bearer",
        "expires_in": codec.access_ttl,
        "user": user.to_json(),
    }


def start(request, user: User) -> dict:
    codec = request.token_codec
    session = LoginSession(
        id=_new_id(), user_id=user.id, current_refresh_jti=_new_id(),
        expires_at=utcnow() + timedelta(seconds=codec.refresh_ttl),
    )
    request.db.add(session)
    request.db.flush()
    return token_pair(request, user, session)


class RefreshRefused(Exception):
    """The refresh token cannot be used; ``revoked`` says whether its family was revoked."""


def rotate(request, claims: dict) -> dict:
    db = request.db
    session = db.execute(
        select(LoginSession).where(LoginSession.id == claims.get("sid")).with_for_update()
    ).scalar_one_or_none()
    jti = claims.get("jti")
    now = utcnow()
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        raise RefreshRefused("The refresh token has been revoked.")
    if jti != session.current_refresh_jti:
        spent = db.get(SpentRefreshToken, jti) if jti else None
        if spent is not None and spent.session_id == session.id:
            # Reuse of a spent token: someone else may hold the family. End it.
            session.revoked_at = now
            audit.record_request(request, "auth.refresh_reuse", ("user", session.user_id), {"session_revoked": True},
                                 actor=None)
            request.commit_anyway = True
        raise RefreshRefused("The refresh token has already been used; the session is revoked.")
    db.add(SpentRefreshToken(jti=jti, session_id=session.id, expires_at=session.expires_at))
    session.current_refresh_jti = _new_id()
    user = db.get(User, session.user_id)
    if user is None or not user.is_active:
        raise RefreshRefused("The account is not active.")
    db.flush()
    return token_pair(request, user, session)


def revoke(db, session_id: str) -> None:
    db.execute(update(LoginSession).where(LoginSession.id == session_id, LoginSession.revoked_at.is_(None))
               .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


def revoke_all(db, user_id: int, keep: str | None = None) -> None:
    stmt = update(LoginSession).where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
    if keep:
        stmt = stmt.where(LoginSession.id != keep)
    db.execute(stmt.values(revoked_at=utcnow()).execution_options(synchronize_session=False))
