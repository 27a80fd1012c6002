"""The webhooks plugin's staff writes are in the audit log (core.audit) — never the secret."""
from __future__ import annotations

import json

from core.testing import AS_CLIENT, audit_trail, audited

ENV = AS_CLIENT["environ"]


def test_endpoint_writes_are_recorded_and_no_secret_ever_is(whapp, db, receiver, manager, staff_headers, deliver):
    headers = {**staff_headers, **AS_CLIENT["headers"]}
    created = whapp.post_json("/api/webhooks/", {"url": receiver.url, "events": ["order.paid"], "description": "ERP"},
                              headers=headers, extra_environ=ENV, status=201).json
    target = ("webhook_endpoint", created["id"])
    audited(db, "webhook.created", actor=manager, target=target,
            changes={"url": receiver.url, "events": ["order.paid"], "description": "ERP", "is_active": True})
    url = f"/api/webhooks/{created['id']}/"
    whapp.patch_json(url, {"events": ["*"], "description": "ERP"}, headers=headers, extra_environ=ENV)
    row = audited(db, "webhook.updated", actor=manager, target=target,
                  changes={"events": {"old": ["order.paid"], "new": ["*"]}})
    assert set(row.changes) == {"events"}
    rotated = whapp.post(f"{url}rotate-secret/", headers=headers, extra_environ=ENV).json
    audited(db, "webhook.secret_rotated", actor=manager, target=target, changes={})
    delivery = whapp.post(f"{url}ping/", headers=headers, extra_environ=ENV, status=202).json
    audited(db, "webhook.pinged", actor=manager, target=target, changes={"delivery_id": delivery["id"]})
    deliver()
    whapp.post(f"/api/webhooks/deliveries/{delivery['id']}/redeliver/", headers=headers, extra_environ=ENV,
               status=202)
    audited(db, "webhook.redelivered", actor=manager, target=("webhook_delivery", delivery["id"]),
            changes={"endpoint_id": created["id"]})
    whapp.delete(url, headers=headers, extra_environ=ENV, status=204)
    audited(db, "webhook.deleted", actor=manager, target=target, changes={"url": receiver.url})
    logged = json.dumps([row.changes for row in audit_trail(db)])
    assert created["secret"] not in logged and rotated["secret"] not in logged and "whsec_" not in logged


def test_a_refused_change_leaves_no_row(whapp, db, receiver, staff_headers):
    created = whapp.post_json("/api/webhooks/", {"url": receiver.url, "events": ["*"]}, headers=staff_headers,
                              status=201).json
    whapp.patch_json(f"/api/webhooks/{created['id']}/", {"url": "ftp://example.com/"}, headers=staff_headers,
                     status=400)
    assert audit_trail(db, "webhook.updated") == []
