"""The audit log's query and answer schemas (docs/api.md › Audit log)."""
from __future__ import annotations

from marshmallow import Schema, fields
from marshmallow import validate as mm

from core.pagination import PageQuery


class AuditQuery(PageQuery):
    action = fields.String(validate=mm.Length(min=1, max=60), metadata={
        "description": "only this action (exact, e.g. `vendor.approved`), or a family ending in `.` "
                       "(`auth.` lists every account security event)"})
    actor = fields.String(validate=mm.Length(min=1, max=254), metadata={
        "description": "only entries by this actor: a user id (digits) or an email address (case-insensitive, "
                       "as it was when the entry was written)"})


class AuditActorOut(Schema):
    id = fields.Integer(allow_none=True, metadata={"description": "null when the account is unknown"})
    email = fields.String(allow_none=True)
    role = fields.String(allow_none=True, metadata={"description": "the role at the time of the action"})


class AuditTargetOut(Schema):
    type = fields.String(allow_none=True, metadata={"description": "`vendor`, `category`, `order`, `user`, …"})
    id = fields.String(allow_none=True, metadata={"description": "the target's id, as text"})


class AuditEntryOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.Nested(AuditActorOut, allow_none=True, metadata={"description": "null: nobody signed in"})
    action = fields.String(metadata={"description": "a dotted action name (docs/api.md › Audit log)"})
    target = fields.Nested(AuditTargetOut)
    # The one free-form object of the API (tests/core/test_openapi.py checks it stays the only one):
    # which fields an entry names depends on its action, like Stripe's ``previous_attributes``.
    changes = fields.Dict(keys=fields.String(), metadata={
        "additionalProperties": True,
        "description": "the changed fields, `{field: {old, new}}` where the old value is known, else "
                       "`{field: value}`; secrets never appear"})
    request_id = fields.String(allow_none=True, metadata={"description": "the request's X-Request-ID"})
    ip = fields.String(allow_none=True, metadata={"description": "the client address"})
