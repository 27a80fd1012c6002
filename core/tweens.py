"""Tweens: request id + one structured log line, body size limit, security headers, CORS."""
from __future__ import annotations

import json
import logging
import re
import time
import uuid

from pyramid_retry import is_error_retryable
from sqlalchemy import inspect as sa_inspect

from core.errors import single
from core.registry import hooks_of, settings_of

log = logging.getLogger("agora.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_tween_factory(handler, registry):
    """Outermost tween: request id, limits, headers, and the access log line.

    The log line names the matched route pattern, never the raw path, so tokens in paths
    (``/api/auth/verify-email/{token}/``) are not written to logs."""
    settings = settings_of(registry)
    max_body = settings["agora.max_body_size"]
    # Routes that take larger bodies (uploads) are declared by their plugins.
    limits = [(re.compile(pattern), size) for declared in hooks_of(registry).agora_body_limits(settings=settings)
              for pattern, size in declared or ()]
    origins = set(settings["agora.cors.origins"])
    log_requests = settings["agora.log_requests"]

    def tween(request):
        try:
            return handle(request)
        except Exception as exc:
            # Nothing may leave Agora as the server's HTML 500: whatever escaped the error views
            # (a tween below, a commit hook) is answered in the API's shape.  A retryable error
            # with attempts left goes up to pyramid_retry, which runs the request again.
            if is_error_retryable(request, exc):
                raise
            log.exception("error outside the views (request id %s)", getattr(request, "request_id", "-"))
            response = single(500, "An internal error occurred. It has been logged.")
            request.__dict__.setdefault("request_id", uuid.uuid4().hex)
            _decorate(request, response, origins)
            return response

    def handle(request):
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        limit = next((size for pattern, size in limits if pattern.search(request.path)), max_body)
        length = request.content_length
        if length is not None and length > limit:
            response = single(413, f"The body is larger than {limit} bytes.", name="body")
        elif length is None and request.headers.get("Transfer-Encoding", "").lower() == "chunked" and \
                len(request.body_file.read(limit + 1)) > limit:
            response = single(413, f"The body is larger than {limit} bytes.", name="body")
        elif request.method == "OPTIONS" and origins and request.headers.get("Origin") in origins:
            response = request.response
            response.status = 204
        else:
            response = handler(request)
        _decorate(request, response, origins)
        if log_requests:
            route = request.matched_route.pattern if getattr(request, "matched_route", None) else \
                getattr(request, "log_route", "-")  # a tween's answer (core.catalog.fastpath) names its route
            log.info(json.dumps({
                "request_id": request.request_id, "method": request.method, "route": route,
                "status": response.status_code, "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "user_id": user_id_of(request),
            }))
        return response

    return tween


def user_id_of(request) -> int | None:
    """The id of the request's user, if it was loaded, without touching the database.

    By the time the log line is written the request's transaction may have been aborted and
    its session closed (an IntegrityError answered 409): reading ``user.id`` then would try to
    refresh a detached instance.  The identity key is kept on the instance state itself."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    identity = sa_inspect(user).identity
    return identity[0] if identity else None


def _decorate(request, response, origins):
    headers = response.headers
    if response.status_code == 204 and "Content-Type" in headers:
        del headers["Content-Type"]  # a 204 carries no body, so no type (a default one would be text/html)
    headers["X-Request-ID"] = request.request_id
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if request.headers.get("Authorization"):
        headers["Cache-Control"] = "no-store"
    origin = request.headers.get("Origin")
    if origin and origin in origins:
        headers["Access-Control-Allow-Origin"] = origin
        headers["Vary"] = "Origin"
        headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Idempotency-Key"
        headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"


def includeme(config):
    from pyramid.tweens import INGRESS

    config.add_tween("core.tweens.request_tween_factory", under=INGRESS)
