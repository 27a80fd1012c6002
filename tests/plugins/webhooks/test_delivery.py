"""Events for real purchases reach a real receiver, signed, retried with one webhook-id, logged."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook, WebhookVerificationError

from plugins.webhooks.models import WebhookDelivery, WebhookEvent


def verified(secret: str, request) -> dict:
    return Webhook(secret).verify(request.body, request.headers)


def deliveries(whapp, headers, endpoint_id: int, **query) -> list[dict]:
    return whapp.get(f"/api/webhooks/{endpoint_id}/deliveries/", query, headers=headers).json["results"]


def test_a_purchase_sends_signed_order_events_with_the_order_as_the_api_shows_it(
        whapp, receiver, subscribe, place_order, deliver, staff_headers, auth_headers, customer):
    endpoint = subscribe(receiver.url, ["order.placed", "order.paid"])
    order = place_order()
    whapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "paid"}, headers=staff_headers)
    assert deliver() == ["delivered", "delivered"]
    placed, paid = [verified(endpoint["secret"], r) for r in receiver.requests]
    assert [placed["type"], paid["type"]] == ["order.placed", "order.paid"]
    assert set(paid) == {"id", "type", "created_at", "data"}
    assert placed["data"]["status"] == "pending_payment" and paid["data"]["status"] == "paid"
    # data is the order exactly as GET /api/orders/{id}/ shows it (now, nothing changed since)
    assert paid["data"] == whapp.get(f"/api/orders/{order['id']}/", headers=auth_headers(customer)).json
    assert receiver.requests[0].path == "/hooks/"
    assert receiver.requests[0].headers["content-type"] == "application/json"
    log = deliveries(whapp, staff_headers, endpoint["id"])
    assert [(d["event_type"], d["status"], d["attempts"], d["last_status_code"]) for d in log] == [
        ("order.paid", "delivered", 1, 200), ("order.placed", "delivered", 1, 200)]
    assert {d["webhook_id"] for d in log} == {r.headers["webhook-id"] for r in receiver.requests}
    assert log[0]["event_id"] == paid["id"] and log[0]["delivered_at"] and log[0]["next_attempt_at"] is None


def test_a_signature_made_with_another_secret_does_not_verify(whapp, receiver, subscribe, place_order, deliver):
    subscribe(receiver.url, ["order.placed"])
    place_order()
    deliver()
    [request] = receiver.requests
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "QUJD" * 8).verify(request.body, request.headers)


def test_only_subscribed_and_active_endpoints_get_a_delivery(whapp, receiver, subscribe, place_order, db,
                                                               staff_headers, deliver):
    everything = subscribe(receiver.url)
    paid_only = subscribe(receiver.url, ["order.paid"])
    inactive = subscribe(receiver.url, ["order.placed"], is_active=False)
    order = place_order()
    rows = db.execute(select(WebhookDelivery.endpoint_id).join(WebhookEvent).where(
        WebhookEvent.type == "order.placed")).scalars().all()
    assert rows == [everything["id"]]
    assert deliver() == ["delivered"]
    assert deliveries(whapp, staff_headers, paid_only["id"]) == []
    assert deliveries(whapp, staff_headers, inactive["id"]) == []
    assert order["id"]


def test_no_event_row_is_written_when_nobody_subscribes(place_order, db):
    before = db.execute(select(WebhookEvent.id)).scalars().all()
    place_order()
    assert db.execute(select(WebhookEvent.id)).scalars().all() == before


def test_a_rolled_back_request_leaves_no_event(whapp, receiver, subscribe, place_order, staff_headers, db):
    subscribe(receiver.url, ["order.status_changed"])
    order = place_order()
    # pending_payment → shipped is illegal: 409, the transaction (and any event) rolls back
    whapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "shipped"}, headers=staff_headers, status=409)
    assert db.execute(select(WebhookEvent).where(WebhookEvent.type == "order.status_changed")).first() is None


def test_a_500_then_a_200_is_two_attempts_with_the_same_webhook_id(whapp, receiver, subscribe, place_order,
                                                                     deliver, staff_headers):
    endpoint = subscribe(receiver.url, ["order.placed"])
    receiver.answers.extend([500])
    place_order()
    assert deliver() == ["pending", "delivered"]  # retry_schedule "0,0": the retry is due at once
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert verified(endpoint["secret"], first) == verified(endpoint["secret"], second)
    [log] = deliveries(whapp, staff_headers, endpoint["id"])
    assert log["status"] == "delivered" and log["attempts"] == 2 and log["last_status_code"] == 200
    assert [(a["attempt"], a["status_code"], a["error"]) for a in log["attempt_log"]] == [
        (1, 500, "HTTP 500"), (2, 200, "")]


def test_an_endpoint_that_keeps_failing_ends_failed_then_redelivers_on_request(
        whapp, receiver, subscribe, place_order, deliver, staff_headers):
    endpoint = subscribe(receiver.url, ["order.placed"])
    receiver.answers.extend([503, 302, 404])
    place_order()
    assert deliver() == ["pending", "pending", "failed"]  # 1 + len("0,0") attempts
    [log] = deliveries(whapp, staff_headers, endpoint["id"])
    assert (log["status"], log["attempts"], log["last_status_code"]) == ("failed", 3, 404)
    assert log["next_attempt_at"] is None and log["last_error"] == "HTTP 404"
    assert "redirects are not followed" in log["attempt_log"][1]["error"]
    assert len(receiver.requests) == 3  # the 302 was not followed
    assert deliveries(whapp, staff_headers, endpoint["id"], status="failed")[0]["id"] == log["id"]

    answer = whapp.post_json(f"/api/webhooks/deliveries/{log['id']}/redeliver/", {}, headers=staff_headers,
                             status=202).json
    assert answer["status"] == "pending" and answer["attempts"] == 3
    assert deliver() == ["delivered"]
    [log] = deliveries(whapp, staff_headers, endpoint["id"])
    assert (log["status"], log["attempts"], log["last_status_code"], log["last_error"]) == ("delivered", 4, 200, None)
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    assert receiver.requests[-1].status == 200


def test_a_redelivery_that_fails_gets_the_whole_schedule_again(whapp, receiver, subscribe, place_order, deliver,
                                                               staff_headers):
    endpoint = subscribe(receiver.url, ["order.placed"])
    receiver.answers.extend([500] * 6)
    place_order()
    assert deliver() == ["pending", "pending", "failed"]
    [log] = deliveries(whapp, staff_headers, endpoint["id"])
    whapp.post_json(f"/api/webhooks/deliveries/{log['id']}/redeliver/", {}, headers=staff_headers, status=202)
    assert deliver() == ["pending", "pending", "failed"]
    assert deliveries(whapp, staff_headers, endpoint["id"])[0]["attempts"] == 6


def test_a_timeout_is_a_failed_attempt(whapp, receiver, subscribe, place_order, deliver, staff_headers, wh_config):
    from dataclasses import replace

    endpoint = subscribe(receiver.url, ["order.placed"])
    receiver.delay = 1.0
    place_order()
    assert deliver(replace(wh_config, timeout=0.3, retry_schedule=())) == ["failed"]
    [log] = deliveries(whapp, staff_headers, endpoint["id"])
    assert log["last_status_code"] is None and log["last_error"] == "timed out after 0.3s"


def test_after_rotation_attempts_are_signed_with_the_new_secret_only(whapp, receiver, subscribe, place_order,
                                                                       deliver, staff_headers):
    endpoint = subscribe(receiver.url, ["order.placed"])
    receiver.answers.extend([500])
    place_order()
    assert deliver() == ["pending", "delivered"]
    rotated = whapp.post_json(f"/api/webhooks/{endpoint['id']}/rotate-secret/", {}, headers=staff_headers).json
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != endpoint["secret"]
    assert "secret" not in whapp.get(f"/api/webhooks/{endpoint['id']}/", headers=staff_headers).json
    place_order()
    deliver()
    old_request, _, new_request = receiver.requests
    verified(endpoint["secret"], old_request)
    assert verified(rotated["secret"], new_request)["type"] == "order.placed"
    with pytest.raises(WebhookVerificationError):
        verified(endpoint["secret"], new_request)
    # a new attempt of an old delivery is signed with the new secret too
    first = deliveries(whapp, staff_headers, endpoint["id"])[-1]
    whapp.post_json(f"/api/webhooks/deliveries/{first['id']}/redeliver/", {}, headers=staff_headers, status=202)
    deliver()
    again = receiver.requests[-1]
    assert again.headers["webhook-id"] == old_request.headers["webhook-id"]
    verified(rotated["secret"], again)
    with pytest.raises(WebhookVerificationError):
        verified(endpoint["secret"], again)


def test_ping_goes_to_that_endpoint_only(whapp, receiver, subscribe, deliver, staff_headers):
    one = subscribe(receiver.url)
    other = subscribe(receiver.url)
    answer = whapp.post_json(f"/api/webhooks/{one['id']}/ping/", {}, headers=staff_headers, status=202).json
    assert answer["event_type"] == "ping" and answer["status"] == "pending" and answer["endpoint_id"] == one["id"]
    assert deliver() == ["delivered"]
    [request] = receiver.requests
    body = verified(one["secret"], request)
    assert body["type"] == "ping" and body["data"]["endpoint_id"] == one["id"]
    assert deliveries(whapp, staff_headers, other["id"]) == []


def test_deliveries_of_a_paused_endpoint_wait_until_it_is_active_again(whapp, receiver, subscribe, place_order,
                                                                         deliver, staff_headers):
    endpoint = subscribe(receiver.url, ["order.placed"])
    place_order()
    whapp.patch_json(f"/api/webhooks/{endpoint['id']}/", {"is_active": False}, headers=staff_headers)
    assert deliver() == [] and receiver.requests == []
    whapp.patch_json(f"/api/webhooks/{endpoint['id']}/", {"is_active": True}, headers=staff_headers)
    assert deliver() == ["delivered"]


def test_cancellation_and_refund_events(whapp, receiver, subscribe, place_order, deliver, staff_headers,
                                        auth_headers, customer):
    endpoint = subscribe(receiver.url, ["order.cancelled", "order.status_changed", "order.refunded"])
    order = place_order()
    whapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "paid"}, headers=staff_headers)
    whapp.post_json(f"/api/orders/{order['id']}/cancel/", {}, headers=auth_headers(customer))
    deliver()
    types = [verified(endpoint["secret"], r)["type"] for r in receiver.requests]
    assert types[:3] == ["order.status_changed", "order.status_changed", "order.cancelled"]
    cancelled = json.loads(receiver.requests[2].body)
    assert cancelled["data"]["status"] == "cancelled" and cancelled["data"]["id"] == order["id"]


def test_vendor_and_product_events(whapp, receiver, subscribe, deliver, make_user, auth_headers, staff_headers, db,
                                   make_product):
    from core.catalog.models import Category

    endpoint = subscribe(receiver.url, ["vendor.applied", "vendor.approved", "vendor.suspended",
                                        "product.created", "product.updated"])
    applicant = make_user("customer")
    vendor = whapp.post_json("/api/vendor/apply/", {"store_name": "Hook Shop"}, headers=auth_headers(applicant),
                             status=201).json
    whapp.post(f"/api/manager/vendors/{vendor['id']}/approve/", headers=staff_headers)
    category = Category(name="Hooks", slug="hooks-cat")
    db.add(category)
    db.flush()
    vendor_headers = auth_headers(applicant)
    product = whapp.post_json("/api/vendor/products/", {
        "name": "Hook Tee", "description": "", "category": "hooks-cat", "price": "12.00",
        "variants": [{"name": "Red", "sizes": [{"label": "M", "stock": 2}]}]}, headers=vendor_headers,
        status=201).json
    whapp.patch_json(f"/api/vendor/products/{product['id']}/", {"name": "Hook Tee 2"}, headers=vendor_headers)
    whapp.delete(f"/api/vendor/products/{product['id']}/", headers=vendor_headers, status=204)
    whapp.post_json(f"/api/manager/vendors/{vendor['id']}/suspend/", {"reason": "x"}, headers=staff_headers)
    deliver()
    bodies = [verified(endpoint["secret"], r) for r in receiver.requests]
    assert [b["type"] for b in bodies] == ["vendor.applied", "vendor.approved", "product.created",
                                           "product.updated", "product.updated", "vendor.suspended"]
    assert bodies[0]["data"]["status"] == "pending" and bodies[1]["data"]["status"] == "approved"
    assert bodies[1]["data"] == {**vendor, "status": "approved", "decided_at": bodies[1]["data"]["decided_at"],
                                 "status_reason": ""}
    assert bodies[2]["data"]["id"] == product["id"] and bodies[2]["data"]["variants"][0]["sizes"][0]["stock"] == 2
    assert bodies[3]["data"]["name"] == "Hook Tee 2" and bodies[4]["data"]["is_active"] is False
    assert bodies[5]["data"]["status"] == "suspended"


def test_a_deleted_endpoint_takes_its_deliveries_with_it(whapp, receiver, subscribe, place_order, deliver, db,
                                                         staff_headers):
    endpoint = subscribe(receiver.url, ["order.placed"])
    place_order()
    whapp.delete(f"/api/webhooks/{endpoint['id']}/", headers=staff_headers, status=204)
    assert deliver() == [] and receiver.requests == []
    assert db.execute(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint["id"])).first() is None
