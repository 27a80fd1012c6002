"""The /api/webhooks/ services: every status code they answer, and the SSRF guard at subscription."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from core.db import utcnow
from plugins.webhooks.models import WebhookDelivery


def errors_on(response) -> list[str]:
    assert response.json["status"] == "error"
    return [e["name"] for e in response.json["errors"]]


def test_create_answers_the_endpoint_with_its_secret_once(whapp, receiver, staff_headers):
    created = whapp.post_json("/api/webhooks/", {"url": receiver.url, "events": ["order.paid", "order.paid"],
                                                 "description": " ERP "}, headers=staff_headers, status=201).json
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert created["events"] == ["order.paid"] and created["description"] == "ERP" and created["is_active"] is True
    shown = whapp.get(f"/api/webhooks/{created['id']}/", headers=staff_headers).json
    assert "secret" not in shown and shown["url"] == receiver.url
    listed = whapp.get("/api/webhooks/", headers=staff_headers).json
    assert listed["count"] == 1 and "secret" not in listed["results"][0]


def test_admins_manage_endpoints_too_and_others_may_not(whapp, receiver, admin, customer, make_user, auth_headers):
    body = {"url": receiver.url, "events": ["*"]}
    whapp.post_json("/api/webhooks/", body, headers=auth_headers(admin), status=201)
    assert whapp.post_json("/api/webhooks/", body, status=401).json["status"] == "error"
    for who in (customer, make_user("vendor")):
        whapp.post_json("/api/webhooks/", body, headers=auth_headers(who), status=403)
        whapp.get("/api/webhooks/", headers=auth_headers(who), status=403)


@pytest.mark.parametrize("body, field", [
    ({"events": ["*"]}, "url"),
    ({"url": "ftp://example.com/x", "events": ["*"]}, "url"),
    ({"url": "not a url", "events": ["*"]}, "url"),
    ({"url": "http://user:pw@127.0.0.1/", "events": ["*"]}, "url"),
    ({"url": "http://127.0.0.1:99999/", "events": ["*"]}, "url"),
    ({"url": "http://127.0.0.1/#frag", "events": ["*"]}, "url"),
    ({"url": "http://127.0.0.1/", "events": []}, "events"),
    ({"url": "http://127.0.0.1/", "events": ["order.nope"]}, "events.0"),
    ({"url": "http://127.0.0.1/", "events": ["ping"]}, "events.0"),
    ({"url": "http://127.0.0.1/", "events": ["*", "order.paid"]}, "events"),
    ({"url": "http://127.0.0.1/", "events": "order.paid"}, "events"),
    ({"url": "http://127.0.0.1/" + "a" * 2001, "events": ["*"]}, "url"),
    ({"url": "http://127.0.0.1/", "events": ["*"], "is_active": "maybe"}, "is_active"),
])
def test_bad_input_is_a_400_on_the_field(whapp, staff_headers, body, field):
    assert field in errors_on(whapp.post_json("/api/webhooks/", body, headers=staff_headers, status=400))


def test_a_body_that_is_not_json_is_a_415(whapp, staff_headers):
    whapp.post("/api/webhooks/", "url=x", headers=staff_headers, status=415)


@pytest.mark.parametrize("url, why", [
    ("http://127.0.0.1:8080/hook", "loopback"),
    ("http://localhost/hook", "loopback"),
    ("http://[::1]/hook", "loopback"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("http://10.1.2.3/hook", "private"),
    ("https://192.168.0.10/hook", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://100.64.0.1/", "not globally routable"),
    ("http://240.0.0.1/", "reserved"),
    ("http://no-such-host.invalid/", "cannot be resolved"),
])
def test_private_targets_are_refused_when_the_setting_is_off(testapp, staff_headers, url, why):
    """The default test app has agora.webhooks.allow_private_targets off."""
    answer = testapp.post_json("/api/webhooks/", {"url": url, "events": ["*"]}, headers=staff_headers, status=400)
    assert errors_on(answer) == ["url"] and why in answer.json["errors"][0]["description"]


def test_a_public_address_is_accepted_when_the_setting_is_off(testapp, staff_headers):
    testapp.post_json("/api/webhooks/", {"url": "https://93.184.215.14/hook", "events": ["*"]},
                      headers=staff_headers, status=201)


def test_patch_rechecks_the_url(testapp, staff_headers):
    created = testapp.post_json("/api/webhooks/", {"url": "https://93.184.215.14/hook", "events": ["*"]},
                                headers=staff_headers, status=201).json
    answer = testapp.patch_json(f"/api/webhooks/{created['id']}/", {"url": "http://127.0.0.1/"},
                                headers=staff_headers, status=400)
    assert errors_on(answer) == ["url"]
    changed = testapp.patch_json(f"/api/webhooks/{created['id']}/", {"events": ["order.paid"], "description": "x",
                                                                      "is_active": False}, headers=staff_headers).json
    assert (changed["url"], changed["events"], changed["description"], changed["is_active"]) == (
        "https://93.184.215.14/hook", ["order.paid"], "x", False)


def test_a_delivery_to_a_target_that_became_private_fails_with_the_reason(whapp, receiver, subscribe, staff_headers,
                                                                            deliver, wh_config):
    """Subscribed while allowed (as if the name was public then); refused at delivery, nothing sent."""
    endpoint = subscribe(receiver.url.replace("127.0.0.1", "localhost"))
    whapp.post_json(f"/api/webhooks/{endpoint['id']}/ping/", {}, headers=staff_headers, status=202)
    assert deliver(replace(wh_config, allow_private_targets=False)) == ["pending", "pending", "failed"]
    assert receiver.requests == []
    [log] = whapp.get(f"/api/webhooks/{endpoint['id']}/deliveries/", headers=staff_headers).json["results"]
    assert log["status"] == "failed" and log["last_status_code"] is None
    assert log["last_error"].startswith("refused: ") and "loopback" in log["last_error"]


@pytest.mark.parametrize("method, path", [
    ("get", "/api/webhooks/{id}/"), ("patch", "/api/webhooks/{id}/"), ("delete", "/api/webhooks/{id}/"),
    ("post", "/api/webhooks/{id}/rotate-secret/"), ("post", "/api/webhooks/{id}/ping/"),
    ("get", "/api/webhooks/{id}/deliveries/"), ("post", "/api/webhooks/deliveries/{id}/redeliver/"),
])
def test_unknown_ids_are_404_and_bad_ids_400(whapp, staff_headers, method, path):
    call = getattr(whapp, f"{method}_json") if method in ("post", "patch") else getattr(whapp, method)
    args = ({},) if method in ("post", "patch") else ()
    assert call(path.format(id=987654), *args, headers=staff_headers, status=404).json["status"] == "error"
    call(path.format(id="abc"), *args, headers=staff_headers, status=400)
    call(path.format(id=2**40), *args, headers=staff_headers, status=400)


def test_delete_is_204_and_then_404(whapp, subscribe, receiver, staff_headers):
    endpoint = subscribe(receiver.url)
    whapp.delete(f"/api/webhooks/{endpoint['id']}/", headers=staff_headers, status=204)
    whapp.get(f"/api/webhooks/{endpoint['id']}/", headers=staff_headers, status=404)


def test_rotate_answers_a_new_secret(whapp, subscribe, receiver, staff_headers):
    endpoint = subscribe(receiver.url)
    rotated = whapp.post_json(f"/api/webhooks/{endpoint['id']}/rotate-secret/", {}, headers=staff_headers,
                              status=200).json
    assert rotated["secret"] != endpoint["secret"] and rotated["id"] == endpoint["id"]


def test_pinging_an_inactive_endpoint_is_a_409(whapp, subscribe, receiver, staff_headers):
    endpoint = subscribe(receiver.url, is_active=False)
    answer = whapp.post_json(f"/api/webhooks/{endpoint['id']}/ping/", {}, headers=staff_headers, status=409)
    assert errors_on(answer) == ["is_active"]


def test_redelivering_an_attempt_in_flight_is_a_409(whapp, subscribe, receiver, staff_headers, db):
    endpoint = subscribe(receiver.url)
    delivery = whapp.post_json(f"/api/webhooks/{endpoint['id']}/ping/", {}, headers=staff_headers).json
    row = db.get(WebhookDelivery, delivery["id"])
    row.locked_until = utcnow() + timedelta(seconds=60)
    db.flush()
    whapp.post_json(f"/api/webhooks/deliveries/{delivery['id']}/redeliver/", {}, headers=staff_headers, status=409)


def test_the_delivery_list_pages_and_filters(whapp, subscribe, receiver, staff_headers):
    endpoint = subscribe(receiver.url)
    for _ in range(3):
        whapp.post_json(f"/api/webhooks/{endpoint['id']}/ping/", {}, headers=staff_headers, status=202)
    url = f"/api/webhooks/{endpoint['id']}/deliveries/"
    page = whapp.get(url, {"page_size": 2}, headers=staff_headers).json
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert page["results"][0]["id"] > page["results"][1]["id"]  # newest first
    assert whapp.get(url, {"status": "delivered"}, headers=staff_headers).json["count"] == 0
    assert errors_on(whapp.get(url, {"status": "lost"}, headers=staff_headers, status=400)) == ["status"]
    assert errors_on(whapp.get(url, {"page_size": 0}, headers=staff_headers, status=400)) == ["page_size"]
    whapp.get(url, {"page": 9}, headers=staff_headers, status=404)
    whapp.get("/api/webhooks/", {"page": 9}, headers=staff_headers, status=404)
