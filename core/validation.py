"""Request validation with marshmallow 4 under Cornice 6.

Cornice's own marshmallow validators are broken with marshmallow 4 (they import names it dropped), so this
module provides the one validator every service uses.  A view declares what it takes:

    @service.post(schema=In(body=RegisterSchema), validators=(validate,))

``validate`` loads the JSON body (decimals stay exact), the querystring and the path
through their schemas, puts the results in ``request.validated["body" | "querystring" |
"path"]``, and reports every problem in Cornice's error list with dotted names
(``variants.1.sizes.0.stock``).  Unknown body fields are ignored (never assigned), so a
client cannot set ``role`` or ``is_active`` by sending them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields
from marshmallow import validate as mm_validate
from marshmallow.experimental.context import Context

from core.errors import AgoraError

MAX_JSON_DEPTH = 32
# Ids are 32-bit integer columns; a bigger number names nothing (and SQLite cannot even bind
# one above 2**63), so inputs naming an id are bounded by this and answered 400 beyond it.
MAX_ID = 2**31 - 1


def Id(strict: bool = False, **kw):
    """A database id: a positive 32-bit integer (larger ones would overflow the column: 400, not
    500).  ``strict`` for JSON bodies (no "12" strings, no 1.0); path and query ids are text."""
    field_class = StrictInteger if strict else fields.Integer
    return field_class(validate=mm_validate.Range(min=1, max=MAX_ID), **kw)


class BaseSchema(Schema):
    """Base for every input schema: unknown fields are dropped, never assigned."""

    class Meta:
        unknown = EXCLUDE


@dataclass(frozen=True)
class In:
    """What a view takes: a schema per location (each optional)."""

    body: type[Schema] | Schema | None = None
    querystring: type[Schema] | Schema | None = None
    path: type[Schema] | Schema | None = None


def _instance(schema):
    return schema() if isinstance(schema, type) else schema


def flatten_errors(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """marshmallow's nested error dict → ``[("variants.1.sizes.0.stock", "…"), …]``."""
    out: list[tuple[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix
            out.extend(flatten_errors(value, name))
    elif isinstance(messages, list):
        if all(isinstance(m, str) for m in messages):
            out.append((prefix, " ".join(messages)))
        else:
            for item in messages:
                out.extend(flatten_errors(item, prefix))
    else:
        out.append((prefix, str(messages)))
    return out


def _has_nul(value: Any) -> bool:
    """PostgreSQL text cannot hold NUL characters; refuse them at the door with a 400."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def _depth(value: Any, limit: int, level: int = 0) -> bool:
    if level > limit:
        return False
    if isinstance(value, dict):
        return all(_depth(v, limit, level + 1) for v in value.values())
    if isinstance(value, list):
        return all(_depth(v, limit, level + 1) for v in value)
    return True


def parse_json_body(request) -> Any:
    content_type = (request.content_type or "").lower()
    if content_type != "application/json":
        raise AgoraError(
            415, "Send the body as application/json.", name="Content-Type", location="header"
        )
    try:
        data = json.loads(request.body or b"", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise AgoraError(400, "The body is not valid JSON.", name="body") from None
    if not _depth(data, MAX_JSON_DEPTH):
        raise AgoraError(400, f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.", name="body")
    if _has_nul(data):
        raise AgoraError(400, "Text must not contain NUL characters.", name="body")
    return data


def validate(request, schema: In | None = None, **kw) -> None:
    """Cornice validator: see the module docstring."""
    if schema is None:
        return
    with Context({"request": request}):
        if _has_nul(dict(request.matchdict or {})) or _has_nul(list(request.GET.items())):
            raise AgoraError(400, "Text must not contain NUL characters.", name="querystring",
                             location="querystring")
        if schema.path is not None:
            _load(request, "path", _instance(schema.path), dict(request.matchdict or {}))
        if schema.querystring is not None:
            query = {}
            for key in request.GET.keys():
                values = request.GET.getall(key)
                query[key] = values[-1] if len(values) == 1 else values
            _load(request, "querystring", _instance(schema.querystring), query)
        if schema.body is not None:
            data = parse_json_body(request)
            if not isinstance(data, dict):
                request.errors.add("body", "body", "The body must be a JSON object.")
                return
            _load(request, "body", _instance(schema.body), data)


def _load(request, location: str, schema: Schema, data: dict) -> None:
    try:
        request.validated[location] = schema.load(data)
    except ValidationError as err:
        for name, description in flatten_errors(err.messages):
            request.errors.add(location, name, description)


# ------------------------------------------------------------------ shared field types
class Password(fields.String):
    def __init__(self, **kw):
        super().__init__(required=True, validate=mm_validate.Length(max=256), load_only=True, **kw)


class TrimmedString(fields.String):
    """A string with surrounding whitespace removed; blank counts as missing when required."""

    def _deserialize(self, value, attr, data, **kw):
        text = super()._deserialize(value, attr, data, **kw).strip()
        if self.required and not text:
            raise ValidationError("This field may not be blank.")
        return text


class StrictInteger(fields.Integer):
    """An integer that refuses ``1.5``, ``true`` and numeric strings in a JSON body."""

    def __init__(self, **kw):
        super().__init__(strict=True, **kw)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, Decimal):
            if value != value.to_integral_value():
                raise self.make_error("invalid")
            value = int(value)
        return super()._validated(value)


class Amount(fields.Field):
    """A money amount given as a decimal string or number, kept as a ``Decimal``.

    The conversion to minor units (and the exponent check) happens where the currency is
    known (``core.money.to_minor``)."""

    default_error_messages = {"invalid": "Not a valid amount.", "negative": "Must not be negative."}

    def _deserialize(self, value, attr, data, **kw):
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise self.make_error("invalid")
        try:
            amount = Decimal(str(value).strip())
        except Exception:
            raise self.make_error("invalid") from None
        if not amount.is_finite():
            raise self.make_error("invalid")
        if amount < 0:
            raise self.make_error("negative")
        return amount

    def _serialize(self, value, attr, obj, **kw):
        return None if value is None else str(value)
