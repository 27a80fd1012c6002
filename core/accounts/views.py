"""The /api/auth/ services (docs/api.md › Auth)."""
from __future__ import annotations

from cornice import Service
from pyramid.httpexceptions import HTTPNoContent
from sqlalchemy import func, select

from core import audit
from core.accounts import sessions, throttle, tokens
from core.accounts.models import User
from core.accounts.passwords import hash_password, password_problems, verify_password
from core.accounts.schemas import (
    ChangePasswordIn,
    DetailOut,
    DetailUserOut,
    EmailIn,
    LoginIn,
    ProfileIn,
    RefreshIn,
    RegisterIn,
    ResetConfirmIn,
    TokenPathIn,
    TokensOut,
    UserOut,
    VerifyEmailIn,
)
from core.errors import AgoraError
from core.openapi import responds
from core.orders.guests import adopt_guest_orders
from core.validation import In, validate

register_svc = Service("auth_register", "/api/auth/register/", description="Create an account")
verify_svc = Service("auth_verify", "/api/auth/verify-email/{token}/",
                     description="Verify an email address (kept for existing clients; prefer the POST)")
verify_post_svc = Service("auth_verify_post", "/api/auth/verify-email/",
                          description="Verify an email address with the token from the mail")
resend_svc = Service("auth_resend", "/api/auth/resend-verification/", description="Resend the verification mail")
login_svc = Service("auth_login", "/api/auth/login/", description="Log in")
refresh_svc = Service("auth_refresh", "/api/auth/refresh/", description="Rotate a refresh token")
logout_svc = Service("auth_logout", "/api/auth/logout/", description="Log out")
me_svc = Service("auth_me", "/api/auth/me/", description="The current user")
reset_svc = Service("auth_reset", "/api/auth/password-reset/", description="Request a password reset")
reset_confirm_svc = Service("auth_reset_confirm", "/api/auth/password-reset/confirm/",
                            description="Set a new password with a reset token")
change_svc = Service("auth_change_password", "/api/auth/change-password/", description="Change the password")

SERVICES = [register_svc, verify_svc, verify_post_svc, resend_svc, login_svc, refresh_svc, logout_svc, me_svc,
            reset_svc, reset_confirm_svc, change_svc]

ACCEPTED = {"detail": "If the address belongs to an account, a mail is on its way."}


def find_user(db, email: str) -> User | None:
    return db.execute(select(User).where(func.lower(User.email) == email.strip().lower())).scalar_one_or_none()




def _check_password(password: str, email: str, name: str) -> None:
    problems = password_problems(password, email)
    if problems:
        raise AgoraError(400, " ".join(problems), name=name)


@register_svc.post(schema=In(body=RegisterIn), validators=(validate,))
@responds(201, UserOut)
@responds(409, description="The email was registered at the same moment by another request")
def register(request):
    """Register a customer account.

    The account starts inactive; a verification mail (with a one-time token) is sent, and the
    account can log in once the address is verified.  An email already registered is a 400 on
    ``email``."""
    body = request.validated["body"]
    email = body["email"].strip().lower()
    _check_password(body["password"], email, "password")
    if find_user(request.db, email) is not None:
        raise AgoraError(400, "An account with this email already exists.", name="email")
    user = User(email=email, password_hash=hash_password(body["password"]),
                first_name=body["first_name"], last_name=body["last_name"],
                role="customer", is_active=False, email_verified=False)
    request.db.add(user)
    request.db.flush()  # a concurrent duplicate hits the unique index here → 409
    token = tokens.issue(request.db, user, "verify", request.settings["agora.verification_ttl"])
    request.hooks.agora_user_registered(request=request, user=user, token=token)
    request.response.status = 201
    return user.to_json()


@verify_post_svc.post(schema=In(body=VerifyEmailIn), validators=(validate,))
@responds(200, DetailUserOut)
@responds(400, description="The token is unknown, used or expired")
def verify_email_post(request):
    """What the page a verification mail links to calls: a GET of that page (a mail scanner
    prefetching links) spends nothing; the person's click on its button posts the token."""
    return _verify(request, request.validated["body"]["token"], "body")


@verify_svc.get(schema=In(path=TokenPathIn), validators=(validate,))
@responds(200, DetailUserOut)
def verify_email(request):
    """Verify an email address with the token from the verification mail (kept for existing clients).

    Activates the account.  A used, expired or unknown token is a 400 on ``token``.  Mails link
    to a page that confirms with ``POST /api/auth/verify-email/`` instead, so a mail scanner
    that prefetches links cannot spend the token."""
    return _verify(request, request.validated["path"]["token"], "path")


def _verify(request, token: str, location: str) -> dict:
    user = tokens.consume(request.db, token, "verify")
    if user is None:
        raise AgoraError(400, "The verification link is invalid, used or expired.", name="token", location=location)
    first_time = not user.email_verified
    user.email_verified = True
    user.is_active = True
    if first_time:
        adopt_guest_orders(request.db, user)  # orders placed without an account, with this email
        request.hooks.agora_email_verified(request=request, user=user)
    return {"detail": "Your email address is verified.", "user": user.to_json()}


def throttle_mail(request, purpose: str, email: str) -> None:
    """429 when this email or this client asked for too many ``purpose`` mails lately.

    Every request counts, known email or not, and the check comes before the lookup: the
    answers (202 or 429) are the same for an account and for a stranger."""
    settings = request.settings
    window = settings["agora.throttle.window"]
    keys = [(f"{purpose}-account:{email.strip().lower()}", settings["agora.throttle.mail_per_account"]),
            (f"{purpose}-address:{request.client_ip}", settings["agora.throttle.mail_per_address"])]
    wait = throttle.retry_after(request.db, keys, window)
    if wait:
        raise AgoraError(429, f"Too many requests; try again in {wait} seconds.", name="email",
                         headers={"Retry-After": str(wait)})
    throttle.record_failure(request.db, [k for k, _ in keys], window)


@resend_svc.post(schema=In(body=EmailIn), validators=(validate,))
@responds(202, DetailOut)
@responds(429, description="Too many mails asked for this address or from this client; see Retry-After")
def resend_verification(request):
    """Send the verification mail again.

    Always 202, whether or not the address belongs to an unverified account (nothing is revealed);
    throttled per address and per client (429 with Retry-After)."""
    throttle_mail(request, "resend", request.validated["body"]["email"])
    user = find_user(request.db, request.validated["body"]["email"])
    if user is not None and not user.email_verified:
        tokens.revoke_unused(request.db, user.id, "verify")
        token = tokens.issue(request.db, user, "verify", request.settings["agora.verification_ttl"])
        request.hooks.agora_user_registered(request=request, user=user, token=token)
    request.response.status = 202
    return ACCEPTED


def _throttle_keys(request, email: str) -> list[tuple[str, int]]:
    """The limits a login of ``email`` from this client is held to (README › Login throttling).

    The address limit (against password spraying: few guesses at many accounts from one place)
    is skipped for an account that signed in from this address before, so one office or carrier
    NAT cannot be locked out of its own accounts by a sprayer behind the same address.  Whether
    it applies depends on history only, never on the password given: a throttled client learns
    nothing about a password by the answer (429 for right and wrong alike)."""
    settings = request.settings
    keys = [(f"account:{email}", settings["agora.throttle.account_failures"])]
    if not throttle.is_known(request.db, _known_key(request, email), settings["agora.throttle.known_address_days"]):
        keys.append((f"address:{request.client_ip}", settings["agora.throttle.address_failures"]))
    return keys


def _known_key(request, email: str) -> str:
    return f"known:{email}@{request.client_ip}"


@login_svc.post(schema=In(body=LoginIn), validators=(validate,))
@responds(200, TokensOut)
@responds(401, description="The email or password is wrong")
@responds(403, description="The email address is not verified, or the account is disabled")
@responds(429, description="Too many failed logins for this account or from this client; see Retry-After")
def login(request):
    """Log in with email and password.

    Answers an access token (Bearer, short-lived) and a refresh token.  Repeated failures are
    throttled per account and per client address (429 with Retry-After)."""
    body = request.validated["body"]
    email = body["email"].strip().lower()
    window = request.settings["agora.throttle.window"]
    keys = _throttle_keys(request, email)
    wait = throttle.retry_after(request.db, keys, window)
    if wait:
        raise AgoraError(429, f"Too many failed logins; try again in {wait} seconds.",
                         name="email", headers={"Retry-After": str(wait)})
    user = find_user(request.db, email)
    if not verify_password(user.password_hash if user else None, body["password"]):
        throttle.record_failure(request.db, [k for k, _ in keys], window)
        audit.record_request(request, "auth.login_failed", ("user", user and user.id), {"email": email}, actor=None)
        request.commit_anyway = True  # the failure must count even though we answer 401
        raise AgoraError(401, "The email or password is wrong.", name="email")
    if not user.email_verified:
        raise AgoraError(403, "Verify your email address before logging in.", name="email")
    if not user.is_active:
        raise AgoraError(403, "This account is disabled.", name="email")
    throttle.clear(request.db, keys[0][0])
    throttle.mark_known(request.db, _known_key(request, email))
    return sessions.start(request, user)


@refresh_svc.post(schema=In(body=RefreshIn), validators=(validate,))
@responds(200, TokensOut)
@responds(401, description="The refresh token is invalid, expired, spent or revoked")
def refresh(request):
    """Exchange a refresh token for a new token pair.

    Each refresh token works once; presenting a spent one ends its whole session (reuse detection)."""
    codec = request.token_codec
    claims = codec.decode(request, request.validated["body"]["refresh"])
    if not claims or claims.get("typ") != "refresh":
        raise AgoraError(401, "The refresh token is invalid or expired.", name="refresh")
    try:
        return sessions.rotate(request, claims)
    except sessions.RefreshRefused as exc:
        raise AgoraError(401, str(exc), name="refresh") from None


@logout_svc.post(schema=In(body=RefreshIn), validators=(validate,), permission="authenticated")
@responds(204, None)
def logout(request):
    """Log out: end the current session.

    The refresh token of the session (or of another of the caller's sessions) is revoked."""
    sid = request.token_claims["sid"]
    claims = request.token_codec.decode(request, request.validated["body"]["refresh"])
    if claims and claims.get("typ") == "refresh" and claims.get("sid") not in (None, sid):
        # A refresh token of another of the caller's sessions: end that one too.
        if str(claims.get("sub")) == str(request.user.id):
            sessions.revoke(request.db, claims["sid"])
    sessions.revoke(request.db, sid)
    audit.record_request(request, "auth.logout", ("user", request.user.id))
    return HTTPNoContent()


@me_svc.get(permission="authenticated")
@responds(200, UserOut)
def me(request):
    """Read the current user."""
    return request.user.to_json()


@me_svc.patch(schema=In(body=ProfileIn), validators=(validate,), permission="authenticated")
@responds(200, UserOut)
def update_me(request):
    """Change the current user's name.

    Only ``first_name`` and ``last_name`` can be changed here; other fields are ignored."""
    user = request.user
    for field in ("first_name", "last_name"):
        if field in request.validated["body"]:
            setattr(user, field, request.validated["body"][field])
    return user.to_json()


@reset_svc.post(schema=In(body=EmailIn), validators=(validate,))
@responds(202, DetailOut)
@responds(429, description="Too many mails asked for this address or from this client; see Retry-After")
def password_reset(request):
    """Ask for a password-reset mail.

    Always 202, whether or not the address belongs to an account (nothing is revealed);
    throttled per address and per client (429 with Retry-After)."""
    throttle_mail(request, "reset", request.validated["body"]["email"])
    user = find_user(request.db, request.validated["body"]["email"])
    if user is not None and user.email_verified:
        tokens.revoke_unused(request.db, user.id, "reset")
        token = tokens.issue(request.db, user, "reset", request.settings["agora.reset_ttl"])
        request.hooks.agora_password_reset_requested(request=request, user=user, token=token)
    request.response.status = 202
    return ACCEPTED


@reset_confirm_svc.post(schema=In(body=ResetConfirmIn), validators=(validate,))
@responds(200, DetailOut)
def password_reset_confirm(request):
    """Set a new password with the token from the reset mail.

    Every session of the account is logged out.  The new password follows the password rules."""
    body = request.validated["body"]
    user = tokens.consume(request.db, body["token"], "reset")
    if user is None:
        raise AgoraError(400, "The reset link is invalid, used or expired.", name="token")
    _check_password(body["new_password"], user.email, "new_password")
    user.password_hash = hash_password(body["new_password"])
    sessions.revoke_all(request.db, user.id)
    audit.record_request(request, "auth.password_reset", ("user", user.id), actor=user)
    request.hooks.agora_password_changed(request=request, user=user)
    return {"detail": "Your password has been reset. Log in with the new one."}


@change_svc.post(schema=In(body=ChangePasswordIn), validators=(validate,), permission="authenticated")
@responds(200, DetailOut)
def change_password(request):
    """Change the password, giving the current one.

    The other sessions of the account are logged out; this one stays."""
    body = request.validated["body"]
    user = request.user
    if not verify_password(user.password_hash, body["old_password"]):
        raise AgoraError(400, "The current password is wrong.", name="old_password")
    _check_password(body["new_password"], user.email, "new_password")
    if verify_password(user.password_hash, body["new_password"]):
        raise AgoraError(400, "The new password must differ from the current one.", name="new_password")
    user.password_hash = hash_password(body["new_password"])
    sessions.revoke_all(request.db, user.id, keep=request.token_claims["sid"])
    audit.record_request(request, "auth.password_changed", ("user", user.id))
    request.hooks.agora_password_changed(request=request, user=user)
    return {"detail": "Your password has been changed; your other sessions were logged out."}
