"""Input and output schemas of the webhook services (docs/api.md › Outbound webhooks)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.pagination import PageQuery
from core.validation import BaseSchema, Id, TrimmedString
from plugins.webhooks.events import SUBSCRIBABLE
from plugins.webhooks.models import DELIVERY_STATUSES
from plugins.webhooks.targets import MAX_URL_LENGTH

EVENT_CHOICES = ("*",) + SUBSCRIBABLE
URL_HELP = ("http(s) URL the events are POSTed to; https:// in production; with "
            "agora.webhooks.allow_private_targets off, its host must resolve to public addresses only")


def _event_list(**kw):
    return fields.List(
        fields.String(validate=validate.OneOf(EVENT_CHOICES, error="Unknown event type."),
                      metadata={"enum": list(EVENT_CHOICES)}),
        validate=validate.Length(min=1, max=len(EVENT_CHOICES), error="Name 1 to {max} event types."),
        metadata={"description": 'event types to receive, or ["*"] for every event'}, **kw)


class WebhookEndpointIn(BaseSchema):
    url = TrimmedString(required=True, validate=validate.Length(min=1, max=MAX_URL_LENGTH),
                        metadata={"description": URL_HELP, "format": "uri"})
    events = _event_list(required=True)
    description = TrimmedString(load_default="", validate=validate.Length(max=500))
    is_active = fields.Boolean(load_default=True)


class WebhookEndpointPatchIn(BaseSchema):
    url = TrimmedString(validate=validate.Length(min=1, max=MAX_URL_LENGTH),
                        metadata={"description": URL_HELP, "format": "uri"})
    events = _event_list()
    description = TrimmedString(validate=validate.Length(max=500))
    is_active = fields.Boolean()


class WebhookEndpointPath(BaseSchema):
    id = Id(required=True, metadata={"description": "the endpoint's id"})


class WebhookDeliveryPath(BaseSchema):
    id = Id(required=True, metadata={"description": "the delivery's id"})


class WebhookListQuery(PageQuery):
    pass


class WebhookDeliveryQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES),
                           metadata={"description": "only deliveries in this status", "enum": list(DELIVERY_STATUSES)})


class WebhookEndpointOut(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    description = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class WebhookEndpointWithSecretOut(WebhookEndpointOut):
    secret = fields.String(required=True, metadata={
        "description": "the whsec_… signing secret; shown only at creation and rotation"})


class WebhookAttemptOut(Schema):
    attempt = fields.Integer(required=True)
    started_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(required=True, allow_none=True,
                                  metadata={"description": "null while in flight"})
    status_code = fields.Integer(required=True, allow_none=True)
    error = fields.String(required=True)
    worker = fields.String(required=True, metadata={"description": "host:pid of the worker"})


class WebhookDeliveryOut(Schema):
    id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    event_type = fields.String(required=True)
    endpoint_id = fields.Integer(required=True)
    webhook_id = fields.String(required=True, metadata={"description": "the webhook-id header of every attempt"})
    status = fields.String(required=True, metadata={"enum": list(DELIVERY_STATUSES)})
    attempts = fields.Integer(required=True)
    last_status_code = fields.Integer(required=True, allow_none=True)
    last_error = fields.String(required=True, allow_none=True)
    next_attempt_at = fields.DateTime(required=True, allow_none=True)
    delivered_at = fields.DateTime(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    attempt_log = fields.List(fields.Nested(WebhookAttemptOut), required=True)
