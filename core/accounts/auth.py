"""The account rules behind /api/auth/ (docs/api.md › Auth): register, verify, log in, passwords.

Functions take the session and plain values.  Those that announce what happened take the
request only as the hooks' context (as :mod:`core.orders.settlement` does) and read nothing
else of it.  Security events are written to the audit log (:mod:`core.audit`) by the views,
one line after the call, so the row shares the request's transaction.

Login throttling (README › Login throttling): failures are counted per account and per client
address.  The address limit (against password spraying: few guesses at many accounts from one
place) is skipped for an account that signed in from this address before, so one office or
carrier NAT cannot be locked out of its own accounts by a sprayer behind the same address.
Whether it applies depends on history only, never on the password given: a throttled client
learns nothing about a password by the answer (429 for right and wrong alike).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from core.accounts import sessions, throttle, tokens
from core.accounts.models import User
from core.accounts.passwords import hash_password, password_problems, verify_password
from core.errors import AgoraError
from core.orders.guests import adopt_guest_orders


def find_user(db, email: str) -> User | None:
    return db.execute(select(User).where(func.lower(User.email) == email.strip().lower())).scalar_one_or_none()


def check_password(password: str, email: str, name: str) -> None:
    """400 on ``name`` when the password breaks the password rules (core.accounts.passwords)."""
    problems = password_problems(password, email)
    if problems:
        raise AgoraError(400, " ".join(problems), name=name)


def register(db, email: str, password: str, first_name: str, last_name: str, verification_ttl: int) -> tuple[User, str]:
    """A new inactive customer and its verification token; 400 when the email is taken."""
    email = email.strip().lower()
    check_password(password, email, "password")
    if find_user(db, email) is not None:
        raise AgoraError(400, "An account with this email already exists.", name="email")
    user = User(email=email, password_hash=hash_password(password), first_name=first_name, last_name=last_name,
                role="customer", is_active=False, email_verified=False)
    db.add(user)
    db.flush()  # a concurrent duplicate hits the unique index here → 409
    return user, tokens.issue(db, user, "verify", verification_ttl)


def verify_email(db, token: str, location: str) -> tuple[User, bool]:
    """Spend a verification token: the account is active; the first time, it adopts the guest
    orders placed with its email.  Answers the user and whether this was the first time."""
    user = tokens.consume(db, token, "verify")
    if user is None:
        raise AgoraError(400, "The verification link is invalid, used or expired.", name="token", location=location)
    first_time = not user.email_verified
    user.email_verified = True
    user.is_active = True
    if first_time:
        adopt_guest_orders(db, user)  # orders placed without an account, with this email
    return user, first_time


# The mails a caller asks for by address: purpose → (throttle counter, token lifetime setting).
_MAILS = {"verify": ("resend", "agora.verification_ttl"), "reset": ("reset", "agora.reset_ttl")}


def ask_for_mail(db, email: str, purpose: str, client_ip: str, settings) -> tuple[User, str] | None:
    """A ``verify`` mail sent again or a ``reset`` mail asked for: throttled per address and per
    client (429), then the fresh token for the account of ``email``, or None when there is
    nothing to send (the caller answers the same either way)."""
    counter, ttl = _MAILS[purpose]
    throttle_mail(db, counter, email, client_ip, settings)
    return mail_token(db, email, purpose, settings[ttl])


def throttle_mail(db, purpose: str, email: str, client_ip: str, settings) -> None:
    """429 when this email or this client asked for too many ``purpose`` mails lately.

    Every request counts, known email or not, and the check comes before the lookup: the
    answers (202 or 429) are the same for an account and for a stranger."""
    window = settings["agora.throttle.window"]
    keys = [(f"{purpose}-account:{email.strip().lower()}", settings["agora.throttle.mail_per_account"]),
            (f"{purpose}-address:{client_ip}", settings["agora.throttle.mail_per_address"])]
    wait = throttle.retry_after(db, keys, window)
    if wait:
        raise AgoraError(429, f"Too many requests; try again in {wait} seconds.", name="email",
                         headers={"Retry-After": str(wait)})
    throttle.record_failure(db, [k for k, _ in keys], window)


def mail_token(db, email: str, purpose: str, ttl: int) -> tuple[User, str] | None:
    """A fresh ``verify`` (unverified accounts) or ``reset`` (verified accounts) token for the
    account of ``email``, the unused older ones revoked; None when there is nothing to send."""
    user = find_user(db, email)
    wanted = purpose == "reset"
    if user is None or user.email_verified != wanted:
        return None
    tokens.revoke_unused(db, user.id, purpose)
    return user, tokens.issue(db, user, purpose, ttl)


@dataclass(frozen=True)
class LoginAttempt:
    ok: bool  # False: the password (or the account) was wrong
    user: User | None  # the account of the email, if there is one
    email: str


def _login_keys(db, email: str, client_ip: str, settings) -> list[tuple[str, int]]:
    keys = [(f"account:{email}", settings["agora.throttle.account_failures"])]
    if not throttle.is_known(db, _known_key(email, client_ip), settings["agora.throttle.known_address_days"]):
        keys.append((f"address:{client_ip}", settings["agora.throttle.address_failures"]))
    return keys


def _known_key(email: str, client_ip: str) -> str:
    return f"known:{email}@{client_ip}"


def check_login(db, email: str, password: str, client_ip: str, settings) -> LoginAttempt:
    """Check a login under the throttle: 429 while throttled, 403 for an unverified or disabled
    account; a wrong password is counted and answered as ``LoginAttempt(ok=False)`` (the caller
    records it and answers 401, committing the count).  A success clears the account's count and
    marks this address known for the account."""
    email = email.strip().lower()
    window = settings["agora.throttle.window"]
    keys = _login_keys(db, email, client_ip, settings)
    wait = throttle.retry_after(db, keys, window)
    if wait:
        raise AgoraError(429, f"Too many failed logins; try again in {wait} seconds.",
                         name="email", headers={"Retry-After": str(wait)})
    user = find_user(db, email)
    if not verify_password(user.password_hash if user else None, password):
        throttle.record_failure(db, [k for k, _ in keys], window)
        return LoginAttempt(ok=False, user=user, email=email)
    if not user.email_verified:
        raise AgoraError(403, "Verify your email address before logging in.", name="email")
    if not user.is_active:
        raise AgoraError(403, "This account is disabled.", name="email")
    throttle.clear(db, keys[0][0])
    throttle.mark_known(db, _known_key(email, client_ip))
    return LoginAttempt(ok=True, user=user, email=email)


def reset_password(db, token: str, new_password: str) -> User:
    """Set a new password with a reset token; every session of the account ends."""
    user = tokens.consume(db, token, "reset")
    if user is None:
        raise AgoraError(400, "The reset link is invalid, used or expired.", name="token")
    check_password(new_password, user.email, "new_password")
    user.password_hash = hash_password(new_password)
    sessions.revoke_all(db, user.id)
    return user


def change_password(db, user: User, old_password: str, new_password: str, keep_session: str) -> None:
    """Change the password, giving the current one; the other sessions end, ``keep_session`` stays."""
    if not verify_password(user.password_hash, old_password):
        raise AgoraError(400, "The current password is wrong.", name="old_password")
    check_password(new_password, user.email, "new_password")
    if verify_password(user.password_hash, new_password):
        raise AgoraError(400, "The new password must differ from the current one.", name="new_password")
    user.password_hash = hash_password(new_password)
    sessions.revoke_all(db, user.id, keep=keep_session)


def log_out(db, user_id: int, session_id: str, other_claims: dict | None) -> None:
    """End the session; a refresh token of another of the user's sessions ends that one too."""
    if other_claims and other_claims.get("typ") == "refresh" and other_claims.get("sid") not in (None, session_id):
        if str(other_claims.get("sub")) == str(user_id):
            sessions.revoke(db, other_claims["sid"])
    sessions.revoke(db, session_id)


def update_profile(user: User, changes: dict) -> User:
    """Only ``first_name`` and ``last_name`` change here; other fields are ignored."""
    for field in ("first_name", "last_name"):
        if field in changes:
            setattr(user, field, changes[field])
    return user
