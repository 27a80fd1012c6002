"""JSON encoding in one place: orjson (fast, UTC datetimes in ISO 8601), Decimals as strings."""
from __future__ import annotations

from decimal import Decimal

import orjson


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value) -> bytes:
    return orjson.dumps(value, default=_default)


def json_response(body: bytes, status: int = 200):
    """A JSON answer with an already rendered ``body``, typed as the renderer types its answers."""
    from pyramid.response import Response

    return Response(body=body, status=status, content_type="application/json", charset="utf-8")


class OrjsonRenderer:
    """Pyramid renderer factory for ``renderer="json"``: orjson instead of the stdlib."""

    def __init__(self, info):
        pass

    def __call__(self, value, system):
        request = system.get("request")
        if request is not None:
            response = request.response
            if response.content_type == response.default_content_type:
                response.content_type = "application/json"
                response.charset = "utf-8"
        return dumps(value)
