"""Worker processes on PostgreSQL with real commits: concurrent workers, and a worker killed mid-way.

What "none twice" means here (README.md › Delivery semantics): no two attempts of one delivery
ever run at once, and a delivery recorded ``delivered`` is never attempted again.  A worker
killed with SIGKILL in the middle of an attempt leaves that attempt without an answer; once its
lease runs out another worker takes the delivery over, the log marks the cut attempt
``interrupted`` and the receiver may see that ``webhook-id`` a second time (at-least-once).
``AGORA_WEBHOOK_KILL_LOOPS`` repeats the kill-and-restart scenario (20 for the report).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import webtest
from sqlalchemy import select
from standardwebhooks import Webhook

from core.accounts.models import User
from core.accounts.passwords import hash_password
from core.registry import settings_of
from core.testing import ADDRESS, TEST_PASSWORD, all_at_once, committed_session, committed_size, ini_for, scratch_database
from plugins.webhooks.delivery import INTERRUPTED
from plugins.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.plugins.webhooks.conftest import TEST_SETTINGS, start_receiver

pytestmark = pytest.mark.postgresql_only

WORKER_SETTINGS = {**TEST_SETTINGS, "agora.webhooks.poll_interval": "0.2", "agora.webhooks.concurrency": "2",
                   "agora.webhooks.timeout": "3", "agora.webhooks.lease_margin": "1"}


@pytest.fixture(scope="module")
def shop(enabled_plugins, db_kind):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL only")
    with scratch_database(enabled_plugins, {**TEST_SETTINGS, "agora.db.pool_size": "10",
                                            "agora.db.max_overflow": "20"}) as (url, app):
        yield url, app


@pytest.fixture
def receiver():
    state, server = start_receiver()
    yield state
    server.shutdown()
    server.server_close()


def login(app, role: str) -> dict:
    email = f"{role}-{uuid.uuid4().hex[:10]}@example.com"
    with committed_session(shop_url(app)) as db, db.begin():
        db.add(User(email=email, password_hash=hash_password(TEST_PASSWORD), role=role, is_active=True,
                    email_verified=True))
    token = webtest.TestApp(app).post_json("/api/auth/login/", {"email": email, "password": TEST_PASSWORD},
                                           extra_environ={"REMOTE_ADDR": f"10.9.{uuid.uuid4().int % 250}.1"})
    return {"Authorization": "Bearer " + token.json["access"]}


def shop_url(app) -> str:
    return settings_of(app.registry)["agora.database_url"]




def start_worker(url: str, folder: Path) -> tuple[subprocess.Popen, Path]:
    ini = folder / f"worker-{uuid.uuid4().hex[:6]}.ini"
    values = ini_for(url, ["webhooks"], WORKER_SETTINGS)
    ini.write_text("\n".join(["[app:main]", "use = egg:agora"] + [f"{k} = {v}" for k, v in values.items()]) + "\n")
    output = folder / (ini.stem + ".log")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGORA_")}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "agora"), str(ini), "worker"], env=env,
                            stdout=output.open("wb"), stderr=subprocess.STDOUT)
    return proc, output


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) in (0, -signal.SIGKILL)


def wait_delivered(url: str, ids: list[int], timeout: float = 60) -> list[WebhookDelivery]:
    deadline = time.monotonic() + timeout
    while True:
        with committed_session(url) as db:
            rows = db.execute(select(WebhookDelivery).where(WebhookDelivery.id.in_(ids))).scalars().all()
        if all(row.status == "delivered" for row in rows) or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def attempt_log(url: str, ids: list[int]) -> dict[int, list[WebhookAttempt]]:
    with committed_session(url) as db:
        rows = db.execute(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids))
                          .order_by(WebhookAttempt.delivery_id, WebhookAttempt.number)).scalars().all()
    out: dict[int, list[WebhookAttempt]] = {i: [] for i in ids}
    for row in rows:
        out[row.delivery_id].append(row)
    return out


def assert_never_two_at_once_and_never_after_delivered(receiver, deliveries, log, secret):
    by_id = receiver.by_webhook_id()
    for delivery in deliveries:
        attempts = log[delivery.id]
        assert [a.number for a in attempts] == list(range(1, delivery.attempts + 1))
        assert attempts[-1].status_code == 200, "the delivered attempt is the last one"
        assert all(a.error == INTERRUPTED and a.finished_at is not None for a in attempts[:-1]), [
            (a.number, a.error) for a in attempts]
        for earlier, later in zip(attempts, attempts[1:]):  # a take-over only after the lease ran out
            assert later.started_at >= earlier.lease_until
        seen = by_id.get(delivery.message_id, [])
        assert 1 <= len(seen) <= len(attempts), (delivery.id, len(seen), len(attempts))
        for earlier, later in zip(seen, seen[1:]):  # the receiver never had two at once
            assert later.arrived >= earlier.answered
        for request in seen:
            Webhook(secret).verify(request.body, request.headers)


def test_ten_orders_paid_at_once_are_ten_deliveries_each_sent_once_by_two_workers(shop, receiver, tmp_path):
    url, app = shop
    client = webtest.TestApp(app)
    manager, buyer = login(app, "manager"), login(app, "customer")
    endpoint = client.post_json("/api/webhooks/", {"url": receiver.url, "events": ["order.paid"]},
                                headers=manager, status=201).json
    size_id = committed_size(url, stock=10)
    orders = []
    for _ in range(10):
        client.post_json("/api/cart/add/", {"size_id": size_id, "quantity": 1}, headers=buyer, status=201)
        intent = client.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                                  headers=buyer).json["payment_intent_id"]
        orders.append(client.post_json("/api/orders/checkout/", {"payment_intent_id": intent,
                                                                 "shipping_address": ADDRESS},
                                       headers=buyer, status=201).json["id"])
    receiver.delay = 0.3
    workers = [start_worker(url, tmp_path) for _ in range(2)]
    try:
        time.sleep(3)  # both workers are up and polling before the events exist
        answers = all_at_once([
            (lambda order_id: lambda: webtest.TestApp(app).post_json(
                f"/api/orders/{order_id}/status/", {"status": "paid"}, headers=manager).status_int)(o)
            for o in orders])
        assert answers == [200] * 10
        with committed_session(url) as db:
            ids = db.execute(select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint["id"])
                             ).scalars().all()
        assert len(ids) == 10
        deliveries = wait_delivered(url, ids)
        time.sleep(1.0)  # room for a duplicate to show up
    finally:
        for proc, _ in workers:
            stop(proc)
    assert [d.status for d in deliveries] == ["delivered"] * 10, [p.read_text()[-2000:] for _, p in workers]
    assert len(receiver.requests) == 10 and len(receiver.by_webhook_id()) == 10
    bodies = [Webhook(endpoint["secret"]).verify(r.body, r.headers) for r in receiver.requests]
    assert sorted(b["data"]["id"] for b in bodies) == sorted(orders)
    assert {b["type"] for b in bodies} == {"order.paid"} and {b["data"]["status"] for b in bodies} == {"paid"}
    log = attempt_log(url, ids)
    assert all(len(attempts) == 1 for attempts in log.values())
    assert len({a.worker for attempts in log.values() for a in attempts}) == 2, "both workers delivered"
    assert_never_two_at_once_and_never_after_delivered(receiver, deliveries, log, endpoint["secret"])


def test_a_worker_killed_mid_delivery_and_restarted_delivers_everything_never_twice_at_once(shop, tmp_path):
    url, app = shop
    client = webtest.TestApp(app)
    manager = login(app, "manager")
    loops = int(os.environ.get("AGORA_WEBHOOK_KILL_LOOPS", "1"))
    summary = []
    for loop in range(loops):
        receiver, server = start_receiver()
        try:
            endpoint = client.post_json("/api/webhooks/", {"url": receiver.url, "events": ["*"]},
                                        headers=manager, status=201).json
            ids = [client.post_json(f"/api/webhooks/{endpoint['id']}/ping/", {}, headers=manager, status=202
                                    ).json["id"] for _ in range(10)]
            receiver.delay = 1.0
            first, first_log = start_worker(url, tmp_path)
            receiver.wait_for(3, timeout=30)  # mid-way: some delivered, two in flight
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            cut_at = len(receiver.requests)
            receiver.delay = 0.05
            second, second_log = start_worker(url, tmp_path)
            try:
                deliveries = wait_delivered(url, ids)
                time.sleep(1.5)  # room for a duplicate to show up
            finally:
                stop(second)
            assert [d.status for d in deliveries] == ["delivered"] * 10, second_log.read_text()[-3000:]
            log = attempt_log(url, ids)
            assert_never_two_at_once_and_never_after_delivered(receiver, deliveries, log, endpoint["secret"])
            retried = sum(1 for d in deliveries if d.attempts > 1)
            assert retried >= 1, "the kill cut no attempt: the test proved nothing"
            summary.append((loop, cut_at, retried, len(receiver.requests)))
            client.delete(f"/api/webhooks/{endpoint['id']}/", headers=manager, status=204)
        finally:
            server.shutdown()
            server.server_close()
    print("\nkill loops (loop, requests before the kill, deliveries retried, requests received):", summary)
