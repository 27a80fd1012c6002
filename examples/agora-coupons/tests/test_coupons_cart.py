"""Applying a code to the cart: the discount in the cart totals, or a 400 saying why not."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from coupon_flow import add, apply, reason
from sqlalchemy import event, select

from agora_coupons.models import CouponApplication
from core.catalog.models import Category
from core.db import utcnow
from core.testing import sizes_of


def test_a_percent_code_shows_its_discount_rounded_half_up_once(testapp, db, shopper, make_product, make_coupon):
    user, headers = shopper
    make_coupon("SAVE10", value=1000)
    add(testapp, headers, sizes_of(db, make_product(price=1999))[0], 3)
    cart = apply(testapp, headers, "save10")  # codes match case-insensitively
    assert cart["subtotal"] == "59.97" and cart["discount"] == "6.00" and cart["total"] == "53.97"
    assert cart["adjustments"] == [{"code": "coupon", "label": "Coupon SAVE10 (10 % off)", "amount": "-6.00"}]
    assert testapp.get("/api/cart/", headers=headers).json["total"] == "53.97"
    assert testapp.get("/api/cart/coupon/", headers=headers).json == {
        "code": "SAVE10", "discount": "6.00", "problem": None}


def test_a_fixed_code_never_takes_more_than_the_cart(testapp, db, shopper, make_product, make_coupon):
    user, headers = shopper
    make_coupon("FIVE", kind="fixed", value=500)
    add(testapp, headers, sizes_of(db, make_product(price=300))[0], 1)
    cart = apply(testapp, headers, "FIVE")
    assert cart["discount"] == "3.00" and cart["total"] == "0.00"


def test_delete_removes_the_code(testapp, db, shopper, make_product, make_coupon):
    user, headers = shopper
    make_coupon("SAVE10")
    add(testapp, headers, sizes_of(db, make_product(price=1000))[0])
    apply(testapp, headers, "SAVE10")
    cart = testapp.delete("/api/cart/coupon/", headers=headers).json
    assert cart["discount"] == "0.00" and cart["total"] == "10.00" and cart["adjustments"] == []
    assert db.execute(select(CouponApplication).where(CouponApplication.user_id == user.id)).first() is None
    assert testapp.get("/api/cart/coupon/", headers=headers).json["code"] is None


def test_applying_another_code_replaces_the_first(testapp, db, shopper, make_product, make_coupon):
    user, headers = shopper
    make_coupon("SAVE10")
    make_coupon("FIVE", kind="fixed", value=500)
    add(testapp, headers, sizes_of(db, make_product(price=1000))[0])
    apply(testapp, headers, "SAVE10")
    cart = apply(testapp, headers, "FIVE")
    assert [a["label"] for a in cart["adjustments"]] == ["Coupon FIVE (5.00 USD off)"]


def test_unusable_codes_are_refused_with_their_reason(testapp, db, shopper, make_user, make_product, make_coupon,
                                                      yesterday):
    user, headers = shopper
    add(testapp, headers, sizes_of(db, make_product(price=1000))[0])
    make_coupon("OLD", valid_until=yesterday)
    make_coupon("SOON", valid_from=utcnow() + timedelta(days=2))
    make_coupon("OFF", is_active=False)
    make_coupon("GONE", usage_limit=2, times_used=2)
    make_coupon("BIG", minimum_subtotal=5000)
    assert reason(apply(testapp, headers, "NOPE", status=400)) == "There is no coupon NOPE."
    assert "expired on" in reason(apply(testapp, headers, "old", status=400))
    assert "is valid from" in reason(apply(testapp, headers, "SOON", status=400))
    assert "no longer active" in reason(apply(testapp, headers, "OFF", status=400))
    assert "has been used up" in reason(apply(testapp, headers, "GONE", status=400))
    assert reason(apply(testapp, headers, "BIG", status=400)) == (
        "Coupon BIG needs a subtotal of at least 50.00 USD (your cart: 10.00).")
    body = apply(testapp, headers, "BIG", status=400)
    assert body["errors"][0]["name"] == "code"
    assert testapp.get("/api/cart/", headers=headers).json["adjustments"] == []


def test_an_empty_cart_cannot_take_a_code(testapp, shopper, make_coupon):
    user, headers = shopper
    make_coupon("SAVE10")
    assert "cart is empty" in reason(apply(testapp, headers, "SAVE10", status=400))


def test_a_category_code_discounts_only_that_category_and_its_children(testapp, db, shopper, make_product,
                                                                       make_coupon):
    user, headers = shopper
    shoes = Category(name="Shoes", slug="shoes")
    db.add(shoes)
    db.flush()
    boots = Category(name="Boots", slug="boots", parent_id=shoes.id)
    hats = Category(name="Hats", slug="hats")
    db.add_all([boots, hats])
    db.flush()
    make_coupon("SHOES20", value=2000, categories=["shoes"])
    add(testapp, headers, sizes_of(db, make_product(price=5000, category=boots))[0])
    add(testapp, headers, sizes_of(db, make_product(price=3000, category=hats))[0])
    cart = apply(testapp, headers, "SHOES20")
    assert cart["subtotal"] == "80.00" and cart["discount"] == "10.00" and cart["total"] == "70.00"


def test_a_category_code_without_matching_items_is_refused(testapp, db, shopper, make_product, make_coupon):
    user, headers = shopper
    db.add(Category(name="Shoes", slug="shoes"))
    db.flush()
    make_coupon("SHOES20", value=2000, categories=["shoes"])
    add(testapp, headers, sizes_of(db, make_product(price=3000))[0])
    assert reason(apply(testapp, headers, "SHOES20", status=400)) == (
        "Coupon SHOES20 applies only to products of categories shoes; none is in your cart.")


def test_a_vendor_code_discounts_only_that_vendors_lines(testapp, db, shopper, make_product, make_coupon,
                                                         make_vendor):
    user, headers = shopper
    seller = make_vendor(name="Acme")
    make_coupon("ACME", kind="fixed", value=1500, vendors=[seller.slug])
    add(testapp, headers, sizes_of(db, make_product(price=1000, vendor=seller))[0])
    add(testapp, headers, sizes_of(db, make_product(price=4000))[0])
    cart = apply(testapp, headers, "ACME")
    assert cart["discount"] == "10.00" and cart["total"] == "40.00"  # capped at the vendor's lines


def test_a_cart_that_drops_below_the_minimum_loses_the_discount_and_says_why(testapp, db, shopper, make_product,
                                                                          make_coupon):
    user, headers = shopper
    make_coupon("BIG", minimum_subtotal=3000)
    cart = add(testapp, headers, sizes_of(db, make_product(price=1500))[0], 2)
    apply(testapp, headers, "BIG")
    cart = testapp.put_json(f"/api/cart/update/{cart['items'][0]['id']}/", {"quantity": 1}, headers=headers).json
    assert cart["discount"] == "0.00" and cart["total"] == "15.00"
    state = testapp.get("/api/cart/coupon/", headers=headers).json
    assert state["code"] == "BIG" and state["discount"] == "0.00" and "at least 30.00" in state["problem"]


def test_applying_needs_authentication(testapp):
    testapp.post_json("/api/cart/coupon/", {"code": "X"}, status=401)
    testapp.delete("/api/cart/coupon/", status=401)


@contextmanager
def counting(engine):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_cart_with_a_restricted_code_costs_the_same_statements_for_1_and_20_items(
        testapp, db, engine, make_user, auth_headers, make_product, make_coupon):
    db.add(Category(name="Sale", slug="sale"))
    db.flush()
    sale = db.execute(select(Category).where(Category.slug == "sale")).scalar_one()
    make_coupon("SALE", value=1500, categories=["sale"], vendors=[], per_customer_limit=3)
    counts = []
    for size in (1, 20):
        headers = auth_headers(make_user())
        for _ in range(size):
            add(testapp, headers, sizes_of(db, make_product(price=1000, category=sale))[0])
        apply(testapp, headers, "SALE")
        testapp.get("/api/cart/", headers=headers)
        with counting(engine) as statements:
            cart = testapp.get("/api/cart/", headers=headers).json
        assert cart["discount"] == f"{size * 1.5:.2f}"
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
