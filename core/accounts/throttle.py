"""Throttling per account and per client address, stored in the database.

A fixed window per key: after ``limit`` events inside ``window`` seconds the key is refused
with 429 and ``Retry-After`` until the window ends.  Logins count their failures (a
successful login clears the account's counter, not the address's); the services that send
mail (password reset, resend verification) count every request, whether the address
belongs to an account or not, so the answer says nothing about which emails exist.  The
counters are upserted, so concurrent events from several worker processes all count.

The same table remembers (account, address) pairs that signed in successfully (``known:``
keys, ``window_start`` = the last success), which the login throttle uses to spare them the
per-address limit.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, delete, select

from core.accounts.models import AuthThrottle
from core.db import dialect_insert, utcnow


def retry_after(db, keys: list[tuple[str, int]], window: int) -> int | None:
    """Seconds to wait if any ``(key, limit)`` is over its limit, else None."""
    now = utcnow()
    rows = db.execute(select(AuthThrottle).where(AuthThrottle.key.in_([k for k, _ in keys]))).scalars().all()
    limits = dict(keys)
    wait = None
    for row in rows:
        ends = row.window_start + timedelta(seconds=window)
        if ends > now and row.failures >= limits[row.key]:
            seconds = max(1, int((ends - now).total_seconds()) + 1)
            wait = max(wait or 0, seconds)
    return wait


def record_failure(db, keys: list[str], window: int) -> None:
    """Count one event (a failed login, a mail request) for each of ``keys``."""
    now = utcnow()
    window_start_cutoff = now - timedelta(seconds=window)
    for key in keys:
        stmt = dialect_insert(db, AuthThrottle).values(key=key, failures=1, window_start=now)
        excluded = stmt.excluded
        # A window that has ended restarts at 1; otherwise count up.
        stmt = stmt.on_conflict_do_update(
            index_elements=[AuthThrottle.key],
            set_={
                "failures": case((AuthThrottle.window_start < window_start_cutoff, 1),
                                 else_=AuthThrottle.failures + 1),
                "window_start": case((AuthThrottle.window_start < window_start_cutoff, excluded.window_start),
                                     else_=AuthThrottle.window_start),
            },
        )
        db.execute(stmt)


def clear(db, key: str) -> None:
    db.execute(delete(AuthThrottle).where(AuthThrottle.key == key))


def mark_known(db, key: str) -> None:
    """Remember a successful sign-in for ``key`` (now)."""
    now = utcnow()
    stmt = dialect_insert(db, AuthThrottle).values(key=key, failures=0, window_start=now)
    db.execute(stmt.on_conflict_do_update(index_elements=[AuthThrottle.key], set_={"window_start": now}))


def is_known(db, key: str, days: int) -> bool:
    """Whether ``key`` signed in successfully within the last ``days`` days."""
    since = utcnow() - timedelta(days=days)
    return db.execute(select(AuthThrottle.key).where(AuthThrottle.key == key, AuthThrottle.window_start >= since)
                      ).first() is not None
