"""The whole purchase with a 10 % coupon through Stripe (a real localstripe server)."""
from __future__ import annotations

from conftest import confirm
from coupon_flow import add, apply, checkout, pay
from sqlalchemy import select

from agora_coupons.models import Coupon, CouponUsage
from core.testing import TEST_PASSWORD, sizes_of


def test_a_ten_percent_coupon_charges_exactly_ninety_percent_rounded_half_up(stripe_testapp, stripe_client, db,
                                                                            customer, make_product, make_coupon):
    app = stripe_testapp
    headers = {"Authorization": "Bearer " + app.post_json("/api/auth/login/", {
        "email": customer.email, "password": TEST_PASSWORD}).json["access"]}
    coupon = make_coupon("SAVE10", value=1000)
    add(app, headers, sizes_of(db, make_product(price=1999, stock=5))[0], 3)
    cart = apply(app, headers, "SAVE10")
    assert (cart["subtotal"], cart["discount"], cart["total"]) == ("59.97", "6.00", "53.97")

    intent = pay(app, headers)
    assert intent["provider"] == "stripe" and intent["amount"] == "53.97"
    remote = stripe_client.v1.payment_intents.retrieve(intent["payment_intent_id"])
    assert remote.amount == 5397 and remote.capture_method == "manual"
    confirm(stripe_client, intent["payment_intent_id"])

    order = checkout(app, headers, intent["payment_intent_id"])
    assert order["status"] == "paid" and order["payment"]["status"] == "captured"
    assert (order["subtotal"], order["discount"], order["total"]) == ("59.97", "6.00", "53.97")
    assert order["adjustments"] == [{"code": "coupon", "label": "Coupon SAVE10 (10 % off)", "amount": "-6.00"}]
    remote = stripe_client.v1.payment_intents.retrieve(intent["payment_intent_id"])
    assert remote.status == "succeeded" and remote.amount == 5397
    charge_id = remote.latest_charge if isinstance(remote.latest_charge, str) else remote.latest_charge.id
    charge = stripe_client.v1.charges.retrieve(charge_id)
    assert charge.captured and charge.amount == 5397  # exactly 90 % of 59.97, rounded half-up once
    db.expire_all()
    assert db.get(Coupon, coupon.id).times_used == 1
    assert db.execute(select(CouponUsage.amount).where(CouponUsage.order_id == order["id"])).scalar_one() == 600
