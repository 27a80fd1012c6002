"""The coupon at checkout: the payment amount, the order's discount line, the recorded use."""
from __future__ import annotations

from coupon_flow import add, apply, checkout, pay, reason
from sqlalchemy import select

from agora_coupons.models import Coupon, CouponApplication, CouponUsage
from core.testing import sizes_of


def test_the_payment_and_the_order_carry_the_discount_and_the_use_is_recorded(testapp, db, shopper, make_product,
                                                                              make_coupon):
    user, headers = shopper
    coupon = make_coupon("SAVE10", usage_limit=5)
    add(testapp, headers, sizes_of(db, make_product(price=1999))[0], 3)
    apply(testapp, headers, "SAVE10")
    intent = pay(testapp, headers)
    assert intent["amount"] == "53.97"
    order = checkout(testapp, headers, intent["payment_intent_id"])
    assert order["subtotal"] == "59.97" and order["discount"] == "6.00" and order["total"] == "53.97"
    assert order["adjustments"] == [{"code": "coupon", "label": "Coupon SAVE10 (10 % off)", "amount": "-6.00"}]
    db.expire_all()
    assert db.get(Coupon, coupon.id).times_used == 1
    used = db.execute(select(CouponUsage).where(CouponUsage.order_id == order["id"])).scalar_one()
    assert used.user_id == user.id and used.amount == 600
    assert db.execute(select(CouponApplication).where(CouponApplication.user_id == user.id)).first() is None
    assert testapp.get(f"/api/orders/{order['id']}/", headers=headers).json["discount"] == "6.00"


def test_tax_is_computed_after_the_discount(app_with, enabled_plugins, db, customer, make_product, make_coupon):
    app = app_with(enabled_plugins, {"agora.checkout.tax_rate": "0.10", "agora.checkout.shipping_flat": "4.99"})
    headers = {"Authorization": "Bearer " + app.post_json("/api/auth/login/", {
        "email": customer.email, "password": "correct horse battery staple"}).json["access"]}
    make_coupon("SAVE10")
    add(app, headers, sizes_of(db, make_product(price=1999))[0], 3)
    cart = apply(app, headers, "SAVE10")
    # 59.97 − 6.00 = 53.97; tax 10 % of 53.97 = 5.397 → 5.40; + 4.99 shipping
    assert (cart["discount"], cart["tax"], cart["shipping"], cart["total"]) == ("6.00", "5.40", "4.99", "64.36")
    assert pay(app, headers)["amount"] == "64.36"


def test_a_code_that_expired_after_it_was_applied_refuses_the_payment(testapp, db, shopper, make_product,
                                                                     make_coupon, yesterday):
    user, headers = shopper
    coupon = make_coupon("SAVE10")
    add(testapp, headers, sizes_of(db, make_product(price=1000))[0])
    apply(testapp, headers, "SAVE10")
    coupon.valid_until = yesterday
    db.flush()
    body = pay(testapp, headers, status=400)
    assert body["errors"][0]["name"] == "coupon" and "expired on" in reason(body)
    assert testapp.get("/api/cart/", headers=headers).json["total"] == "10.00"  # the preview shows no discount
    testapp.delete("/api/cart/coupon/", headers=headers)
    assert pay(testapp, headers)["amount"] == "10.00"


def test_the_per_customer_limit_counts_earlier_orders(testapp, db, shopper, make_product, make_coupon):
    user, headers = shopper
    make_coupon("ONCE", per_customer_limit=1)
    size = sizes_of(db, make_product(price=1000, stock=10))[0]
    add(testapp, headers, size)
    apply(testapp, headers, "ONCE")
    checkout(testapp, headers, pay(testapp, headers)["payment_intent_id"])
    add(testapp, headers, size)
    assert "already used coupon ONCE" in reason(apply(testapp, headers, "ONCE", status=400))


def test_the_last_use_is_taken_by_the_first_checkout(testapp, db, make_user, auth_headers, make_product,
                                                     make_coupon):
    coupon = make_coupon("LAST", usage_limit=1)
    size = sizes_of(db, make_product(price=1000, stock=10))[0]
    first, second = auth_headers(make_user()), auth_headers(make_user())
    for headers in (first, second):
        add(testapp, headers, size)
        apply(testapp, headers, "LAST")
    intents = [pay(testapp, headers)["payment_intent_id"] for headers in (first, second)]
    checkout(testapp, first, intents[0])
    body = checkout(testapp, second, intents[1], status=400)
    assert "has been used up" in reason(body)
    db.expire_all()
    assert db.get(Coupon, coupon.id).times_used == 1


def test_a_use_lost_in_the_final_count_is_a_409(testapp, db, shopper, make_product, make_coupon):
    """The conditional UPDATE is the last word (what a concurrent checkout would see)."""
    from agora_coupons import usage
    from core.errors import AgoraError

    user, headers = shopper
    coupon = make_coupon("LAST", usage_limit=1, times_used=1)

    class Order:
        id, user_id = 1, user.id
        adjustments = [{"code": "coupon", "label": "Coupon LAST", "amount": -100}]

    usage.apply(db, user.id, coupon)
    try:
        usage.record_use(db, Order())
    except AgoraError as exc:
        assert exc.status == 409 and "was used up while you were checking out" in str(exc)
    else:
        raise AssertionError("the use was counted past the limit")


def test_a_cancelled_order_gives_the_use_back(testapp, db, shopper, make_product, make_coupon):
    user, headers = shopper
    coupon = make_coupon("ONCE", per_customer_limit=1, usage_limit=1)
    add(testapp, headers, sizes_of(db, make_product(price=1000))[0])
    apply(testapp, headers, "ONCE")
    order = checkout(testapp, headers, pay(testapp, headers)["payment_intent_id"])
    testapp.post(f"/api/orders/{order['id']}/cancel/", headers=headers)
    db.expire_all()
    assert db.get(Coupon, coupon.id).times_used == 0
    assert db.execute(select(CouponUsage).where(CouponUsage.coupon_id == coupon.id)).first() is None


def test_the_use_is_kept_on_cancel_when_the_setting_says_so(app_with, enabled_plugins, db, customer, make_product,
                                                            make_coupon):
    app = app_with(enabled_plugins, {"agora.coupons.return_on_cancel": "false"})
    headers = {"Authorization": "Bearer " + app.post_json("/api/auth/login/", {
        "email": customer.email, "password": "correct horse battery staple"}).json["access"]}
    coupon = make_coupon("KEEP")
    add(app, headers, sizes_of(db, make_product(price=1000))[0])
    apply(app, headers, "KEEP")
    order = checkout(app, headers, pay(app, headers)["payment_intent_id"])
    app.post(f"/api/orders/{order['id']}/cancel/", headers=headers)
    db.expire_all()
    assert db.get(Coupon, coupon.id).times_used == 1


def test_a_coupon_that_no_longer_fits_keeps_its_place_for_a_later_cart(testapp, db, shopper, make_product,
                                                                       make_coupon):
    user, headers = shopper
    make_coupon("BIG", minimum_subtotal=3000)
    cart = add(testapp, headers, sizes_of(db, make_product(price=1500))[0], 2)
    apply(testapp, headers, "BIG")
    testapp.put_json(f"/api/cart/update/{cart['items'][0]['id']}/", {"quantity": 1}, headers=headers)
    order = checkout(testapp, headers, pay(testapp, headers)["payment_intent_id"])
    assert order["discount"] == "0.00" and order["adjustments"] == []
    assert testapp.get("/api/cart/coupon/", headers=headers).json["code"] == "BIG"
