"""One error shape for every status, and the exception views that produce it.

``{"status": "error", "errors": [{"location", "name", "description"}]}`` is what Cornice
uses for validation errors; docs/api.md makes it the shape of every error.  A 500 says nothing
about its cause to the client (the log has it, with the request id).
"""
from __future__ import annotations

import logging
import traceback

from pyramid.httpexceptions import HTTPException
from pyramid.response import Response
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from core.jsonutil import dumps

log = logging.getLogger("agora.errors")

REASONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large",
    415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
}


class AgoraError(Exception):
    """An error a client can act on; raise it anywhere below a view.

    ``AgoraError(409, "size 42 has 3 left", name="quantity")`` answers 409 in the API shape.
    ``errors`` may carry several entries at once."""

    def __init__(self, status: int, description: str = "", *, name: str = "", location: str = "body",
                 errors: list[dict] | None = None, headers: dict | None = None):
        super().__init__(description or REASONS.get(status, "error"))
        self.status = status
        self.errors = errors or [{"location": location, "name": name, "description": description}]
        self.headers = headers or {}


def not_found(what: str = "Not found.", name: str = "") -> AgoraError:
    return AgoraError(404, what, name=name, location="path")


def error_body(errors: list[dict]) -> dict:
    return {"status": "error", "errors": errors}


def error_response(status: int, errors: list[dict], headers: dict | None = None) -> Response:
    response = Response(
        body=dumps(error_body(errors)),
        status=status,
        content_type="application/json",
        charset="utf-8",
    )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def single(status: int, description: str, name: str = "", location: str = "body") -> Response:
    return error_response(status, [{"location": location, "name": name, "description": description}])


@exception_view_config(AgoraError)
def agora_error_view(exc, request):
    return error_response(exc.status, exc.errors, exc.headers)


@notfound_view_config()
def notfound_view(request):
    return single(404, "The resource was not found.", name=request.path, location="path")


@forbidden_view_config()
def forbidden_view(request):
    # Pyramid raises HTTPForbidden for "no identity" and "wrong identity" alike: split them.
    if request.authenticated_userid is None:
        reason = getattr(request, "auth_failure", None) or "Authentication credentials were not provided."
        response = single(401, reason, name="Authorization", location="header")
        response.headers["WWW-Authenticate"] = 'Bearer realm="agora"'
        return response
    return single(403, "You do not have permission to perform this action.", name="", location="header")


@exception_view_config(HTTPException)
def http_exception_view(exc, request):
    if exc.code and exc.code < 400:
        return exc
    description = exc.explanation or exc.title
    if exc.code == 405:
        description = f"Method {request.method} is not allowed here."
    response = single(exc.code, description, location="path" if exc.code in (404, 405) else "body")
    for key in ("Allow", "Retry-After", "WWW-Authenticate"):
        if key in exc.headers:
            response.headers[key] = exc.headers[key]
    return response


def describe_database_error(exc: DBAPIError) -> str:
    """What a database error was, without the values it carried.

    The server's own message quotes data (PostgreSQL: ``Key (email)=(…)``, ``Failing row
    contains (…)``, ``invalid input syntax for type integer: "…"``), which can be a password
    hash or a token digest; the log gets the error class, SQLSTATE, constraint and statement
    (with placeholders) instead.  The engine hides bound parameters too (``core.db``)."""
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    parts = [type(orig).__name__ if orig is not None else type(exc).__name__]
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    if sqlstate:
        parts.append(f"sqlstate={sqlstate}")
    constraint = getattr(diag, "constraint_name", None) if diag is not None else None
    if constraint:
        parts.append(f"constraint={constraint}")
    if exc.statement:
        parts.append(f"statement={' '.join(str(exc.statement).split())[:300]}")
    return " ".join(parts)


@exception_view_config(IntegrityError)
def integrity_error_view(exc, request):
    log.info("integrity error answered 409: %s", describe_database_error(exc))
    return single(409, "The request conflicts with the current state of the resource.")


@exception_view_config(OperationalError)
@exception_view_config(DBAPIError)
def database_error_view(exc, request):
    # OperationalError: the server went away, refused or timed out; InterfaceError: the driver's
    # connection is already closed (psycopg).  Both are transient: 503 and retry, never a 500.
    if getattr(exc, "connection_invalidated", False) or isinstance(exc, (OperationalError, InterfaceError)):
        log.warning("database unavailable: %s", describe_database_error(exc))
        response = single(503, "The service is temporarily unavailable, please retry.", location="body")
        response.headers["Retry-After"] = "1"
        return response
    return server_error_view(exc, request)


@exception_view_config(Exception)
def server_error_view(exc, request):
    request_id = getattr(request, "request_id", "-")
    if isinstance(exc, DBAPIError):  # where it happened, but not the message quoting the data
        log.error("unhandled database error (request id %s): %s\n%s", request_id, describe_database_error(exc),
                  "".join(traceback.format_tb(exc.__traceback__)))
    else:
        log.exception("unhandled error (request id %s)", request_id)
    return single(500, "An internal error occurred. It has been logged.", location="body")


def includeme(config):
    config.scan("core.errors")
