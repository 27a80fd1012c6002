"""A payout's life reaches the other plugins through the payouts plugin's own hooks: the vendor
is mailed when it is paid (email outbox), and subscribed webhooks get payout.* events."""
from __future__ import annotations

from sqlalchemy import select

from core.accounts.models import User
from plugins.email.models import OutboxMessage
from plugins.webhooks.models import WebhookEndpoint, WebhookEvent

RUN = "/api/manager/payouts/run/"


def _subscribe(db) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(url="https://hooks.example.test/in", events=["payout.created", "payout.paid",
                                                                          "payout.failed"],
                               description="", is_active=True, secret="whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=")
    db.add(endpoint)
    db.flush()
    return endpoint


def _events(db) -> list[tuple[str, int, str]]:
    rows = db.execute(select(WebhookEvent).where(WebhookEvent.type.like("payout.%")).order_by(WebhookEvent.id))
    return [(e.type, e.data["id"], e.data["status"]) for e in rows.scalars()]


def test_a_paid_payout_mails_the_vendor_and_is_announced_to_webhooks(paying_app, db, shop):
    _subscribe(db)
    shop.paid_order(paying_app, [(shop.sizes[0], 1)])
    (payout,) = paying_app.post(RUN, headers=shop.manager_headers, status=201).json["payouts"]
    assert _events(db) == [("payout.created", payout["id"], "pending")]
    paying_app.post_json(f"/api/manager/payouts/{payout['id']}/mark-paid/", {"reference": "BANK-7"},
                         headers=shop.manager_headers)
    assert _events(db)[-1] == ("payout.paid", payout["id"], "paid")
    owner = db.get(User, shop.vendors[0].user_id)
    (mail,) = db.execute(select(OutboxMessage).where(OutboxMessage.kind == "payout_sent")).scalars().all()
    assert mail.to_address == owner.email
    assert (mail.context["amount"], mail.context["reference"], mail.context["vendor_name"]) == \
        (payout["amount"], "BANK-7", shop.vendors[0].name)


def test_a_failed_payout_is_announced_and_sends_no_payout_mail(paying_app, db, shop):
    _subscribe(db)
    shop.paid_order(paying_app, [(shop.sizes[0], 1)])
    (payout,) = paying_app.post(RUN, headers=shop.manager_headers, status=201).json["payouts"]
    paying_app.post_json(f"/api/manager/payouts/{payout['id']}/mark-failed/", {"reason": "IBAN closed"},
                         headers=shop.manager_headers)
    assert _events(db)[-1] == ("payout.failed", payout["id"], "failed")
    assert db.execute(select(OutboxMessage).where(OutboxMessage.kind == "payout_sent")).first() is None
