"""Single-use, expiring, hashed one-time tokens (email verification, password reset)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from core.accounts.models import OneTimeToken, User
from core.db import utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(db, user: User, purpose: str, ttl_seconds: int) -> str:
    """Create a token for ``user`` and return its plain value (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    db.add(OneTimeToken(user_id=user.id, purpose=purpose, token_hash=_digest(token),
                        expires_at=utcnow() + timedelta(seconds=ttl_seconds)))
    return token


def consume(db, token: str, purpose: str) -> User | None:
    """Spend a token: return its user if it is known, unused and unexpired, else None.

    The lookup is by hash (an index lookup, no string comparison on secrets); the spend is
    a conditional UPDATE so two concurrent uses cannot both succeed."""
    if not token or len(token) > 200:
        return None
    row = db.execute(
        select(OneTimeToken).where(OneTimeToken.token_hash == _digest(token), OneTimeToken.purpose == purpose)
    ).scalar_one_or_none()
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    spent = db.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        return None
    return row.user


def revoke_unused(db, user_id: int, purpose: str) -> None:
    """Invalidate a user's outstanding tokens of one purpose (a new one supersedes them)."""
    db.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user_id, OneTimeToken.purpose == purpose, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
