"""Done-when walk of issue 16: a shopper without an account buys with Stripe (localstripe), gets the
mail with the order link (aiosmtpd), follows it, registers with the same email later, verifies,
and finds the order in the account."""
from __future__ import annotations

from urllib.parse import urlsplit

from core.testing import ADDRESS, sizes_of
from plugins.email.models import OutboxMessage
from tests.plugins.email.conftest import mail_link, mail_text
from tests.plugins.payments.conftest import confirm

EMAIL = "walker@example.com"
PASSWORD = "a walk in the park, twice"


def test_a_guest_buys_with_stripe_follows_the_mail_and_later_owns_the_order(
        stripe_testapp, stripe_client, db, make_product, smtp, deliver):
    app = stripe_testapp
    size = sizes_of(db, make_product(price=2500, stock=4))[0]
    # No account: a guest cart, filled.
    cart = {"X-Cart-Token": app.post_json("/api/cart/guest/", {}, status=201).json["token"]}
    app.post_json("/api/cart/add/", {"size_id": size.id, "quantity": 2}, headers=cart, status=201)
    intent = app.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS, "email": EMAIL},
                           headers=cart).json
    assert intent["provider"] == "stripe" and intent["amount"] == "50.00"
    confirm(stripe_client, intent["payment_intent_id"])  # what Stripe.js does in the browser
    order = app.post_json("/api/orders/checkout/", {"payment_intent_id": intent["payment_intent_id"]},
                          headers=cart, status=201).json
    assert order["user_id"] is None and order["payment"]["status"] == "captured"
    assert stripe_client.v1.payment_intents.retrieve(intent["payment_intent_id"]).status == "succeeded"
    # The confirmation mail goes to the email given at checkout, with the order's link.
    deliver()
    message = smtp.one(EMAIL)
    assert order["number"] in message["Subject"] and order["number"] in mail_text(message)
    link = urlsplit(mail_link(message))
    assert link.path == "/pages/orders/guest/" and link.query == f"token={order['order_token']}"
    page = app.get(f"{link.path}?{link.query}")
    assert page.status_int == 200 and order["order_token"] in page.text
    seen = app.get(f"/api/orders/guest/{order['order_token']}/").json
    assert seen["id"] == order["id"] and seen["status"] == "paid"
    # Later: an account with the same email, verified through the mailed link's token.
    app.post_json("/api/auth/register/", {"email": EMAIL, "password": PASSWORD}, status=201)
    verify = db.query(OutboxMessage).filter(OutboxMessage.kind == "verify_email",
                                            OutboxMessage.to_address == EMAIL).one()
    app.post_json("/api/auth/verify-email/", {"token": verify.context["token"]})
    access = app.post_json("/api/auth/login/", {"email": EMAIL, "password": PASSWORD}).json["access"]
    mine = app.get("/api/orders/", headers={"Authorization": f"Bearer {access}"}).json["results"]
    assert [o["number"] for o in mine] == [order["number"]]
