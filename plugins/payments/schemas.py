"""The payments plugin's answer schemas (for the OpenAPI document)."""
from __future__ import annotations

from marshmallow import Schema, fields


class WebhookOut(Schema):
    received = fields.Boolean(metadata={"description": "always true: the event is acknowledged"})
    duplicate = fields.Boolean(metadata={"description": "the event id was processed before; nothing changed",
                                         "optional": True})
