"""The /api/auth/ services (docs/api.md › Auth): thin views over :mod:`core.accounts.auth`."""
from __future__ import annotations

from cornice import Service
from pyramid.httpexceptions import HTTPNoContent

from core import audit
from core.accounts import auth, sessions
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


@register_svc.post(schema=In(body=RegisterIn), validators=(validate,))
@responds(201, UserOut)
@responds(409, description="The email was registered at the same moment by another request")
def register(request):
    """Register a customer account.

    The account starts inactive; a verification mail (with a one-time token) is sent, and the
    account can log in once the address is verified.  An email already registered is a 400 on
    ``email``."""
    body = request.validated["body"]
    user, token = auth.register(request.db, body["email"], body["password"], body["first_name"], body["last_name"],
                                request.settings["agora.verification_ttl"])
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
    user, first_time = auth.verify_email(request.db, token, location)
    if first_time:
        request.hooks.agora_email_verified(request=request, user=user)
    return {"detail": "Your email address is verified.", "user": user.to_json()}


@resend_svc.post(schema=In(body=EmailIn), validators=(validate,))
@responds(202, DetailOut)
@responds(429, description="Too many mails asked for this address or from this client; see Retry-After")
def resend_verification(request):
    """Send the verification mail again.

    Always 202, whether or not the address belongs to an unverified account (nothing is revealed);
    throttled per address and per client (429 with Retry-After)."""
    return _mail_asked(request, "verify", request.hooks.agora_user_registered)


def _mail_asked(request, purpose: str, hook) -> dict:
    """202 whatever the address; the mail's hook fires when there is one to send."""
    sent = auth.ask_for_mail(request.db, request.validated["body"]["email"], purpose, request.client_ip,
                             request.settings)
    if sent:
        hook(request=request, user=sent[0], token=sent[1])
    request.response.status = 202
    return ACCEPTED


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
    attempt = auth.check_login(request.db, body["email"], body["password"], request.client_ip, request.settings)
    if not attempt.ok:
        user = attempt.user
        audit.record_request(request, "auth.login_failed", ("user", user and user.id), {"email": attempt.email},
                             actor=None)
        request.commit_anyway = True  # the failure must count even though we answer 401
        raise AgoraError(401, "The email or password is wrong.", name="email")
    return sessions.start(request, attempt.user)


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
    auth.log_out(request.db, request.user.id, request.token_claims["sid"],
                 request.token_codec.decode(request, request.validated["body"]["refresh"]))
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
    return auth.update_profile(request.user, request.validated["body"]).to_json()


@reset_svc.post(schema=In(body=EmailIn), validators=(validate,))
@responds(202, DetailOut)
@responds(429, description="Too many mails asked for this address or from this client; see Retry-After")
def password_reset(request):
    """Ask for a password-reset mail.

    Always 202, whether or not the address belongs to an account (nothing is revealed);
    throttled per address and per client (429 with Retry-After)."""
    return _mail_asked(request, "reset", request.hooks.agora_password_reset_requested)


@reset_confirm_svc.post(schema=In(body=ResetConfirmIn), validators=(validate,))
@responds(200, DetailOut)
def password_reset_confirm(request):
    """Set a new password with the token from the reset mail.

    Every session of the account is logged out.  The new password follows the password rules."""
    body = request.validated["body"]
    user = auth.reset_password(request.db, body["token"], body["new_password"])
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
    auth.change_password(request.db, user, body["old_password"], body["new_password"], request.token_claims["sid"])
    audit.record_request(request, "auth.password_changed", ("user", user.id))
    request.hooks.agora_password_changed(request=request, user=user)
    return {"detail": "Your password has been changed; your other sessions were logged out."}
