"""The money adds up, for random orders: Σ vendor sales + Σ commissions + shipping + tax − discount
= total, to the cent, for every paid order (and zero left after a cancellation); and the
marketplace report's figures add up and equal the ledger's sums.

Orders are random: one to three vendors, variant price overrides, quantities, commission rules,
shipping (flat, free from a threshold), tax, a percentage discount priced like the coupons
package's (``percent_of`` on the eligible lines, once per order, through ``agora_checkout_price``),
and cancellations."""
from __future__ import annotations

import secrets
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core import load
from core.catalog.models import Category
from core.hooks import hookimpl
from core.money import percent_of
from core.orders.models import Order
from core.testing import ADDRESS, sizes_of
from plugins.payouts.models import LedgerEntry
from tests.plugins.payouts.conftest import app_on

PRICING = {"agora.checkout.shipping_flat": "4.99", "agora.checkout.free_shipping_over": "150.00",
           "agora.checkout.tax_rate": "0.0825"}


class PercentOff:
    """A discount code like the coupons package's: a percentage of the eligible lines, rounded once."""

    percent = Decimal(0)

    @hookimpl
    def agora_checkout_price(self, lines, pricing):
        if self.percent:
            eligible = sum(line.unit_price * line.quantity for line in lines)
            pricing.add_adjustment("coupon", f"{self.percent}% off", -percent_of(eligible, self.percent))


line = st.tuples(st.integers(0, 2), st.integers(1, 40000), st.one_of(st.none(), st.integers(1, 40000)),
                 st.integers(1, 3))
orders = st.fixed_dictionaries({
    "lines": st.lists(line, min_size=1, max_size=4),
    "percent": st.sampled_from([Decimal(0), Decimal(10), Decimal("12.5"), Decimal(33)]),
    "rates": st.lists(st.one_of(st.none(), st.integers(0, 1000).map(lambda n: Decimal(n) / 1000)), min_size=3,
                      max_size=3),
    "cancel": st.booleans(),
})


def sums(db, **where) -> tuple[int, int]:
    conditions = [getattr(LedgerEntry, k) == v for k, v in where.items()]
    amount, commission = db.execute(select(func.coalesce(func.sum(LedgerEntry.amount), 0),
                                           func.coalesce(func.sum(LedgerEntry.commission), 0)).where(*conditions)).one()
    return int(amount), int(commission)


def test_every_paid_order_adds_up_and_the_report_equals_the_ledger(base_ini, engine, connection, db, make_vendor,
                                                                   make_product, auth_headers, customer, manager):
    settings_, pm, plugins = load({**base_ini, **PRICING}, environ={})
    discount = PercentOff()
    pm.register(discount, name="percent-off")
    app = app_on((settings_, pm, plugins), connection)
    buyer, staff = auth_headers(customer), auth_headers(manager)
    vendors = [make_vendor(name=f"V{i}") for i in range(3)]
    category = Category(name="inv", slug=f"inv-{secrets.token_hex(3)}")
    db.add(category)
    db.flush()
    checked = []

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(orders)
    def check(case):
        for vendor, rate in zip(vendors, case["rates"]):
            app.delete(f"/api/manager/commissions/{getattr(vendor, 'rule_id', 0) or 999999}/", headers=staff,
                       status="*")
            vendor.rule_id = None
            if rate is not None:
                vendor.rule_id = app.post_json("/api/manager/commissions/", {"vendor": vendor.slug, "rate": str(rate)},
                                               headers=staff, status=201).json["id"]
        discount.percent = case["percent"]
        for vendor_index, price, override, quantity in case["lines"]:
            product = make_product(price=price, variant_price=override, stock=10, vendor=vendors[vendor_index],
                                   category=category)
            app.post_json("/api/cart/add/", {"size_id": sizes_of(db, product)[0].id, "quantity": quantity},
                          headers=buyer, status=201)
        intent = app.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                               headers=buyer).json
        placed = app.post_json("/api/orders/checkout/", {"payment_intent_id": intent["payment_intent_id"],
                                                         "shipping_address": ADDRESS}, headers=buyer, status=201).json
        app.post_json(f"/api/orders/{placed['id']}/status/", {"status": "paid"}, headers=staff)
        order = db.get(Order, placed["id"])
        db.refresh(order)
        sales, commissions = sums(db, order_id=order.id, kind="sale")
        assert sales + commissions + order.shipping + order.tax - order.discount == order.total
        assert sales + commissions == order.subtotal
        if case["cancel"]:
            app.post_json(f"/api/orders/{order.id}/status/", {"status": "cancelled"}, headers=staff)
            assert sums(db, order_id=order.id) == (0, 0)
        checked.append(order.id)

    check()
    assert len(checked) >= 10
    report = app.get("/api/manager/marketplace/report/", headers=staff).json
    minor = {k: int(Decimal(v) * 100) for k, v in report.items() if k != "currency"}
    sale, sale_commission = sums(db, kind="sale")
    refund, refund_commission = sums(db, kind="refund")
    assert minor["gross_sales"] == sale + sale_commission
    assert minor["commissions"] == sale_commission
    assert minor["refunds"] == -(refund + refund_commission)
    assert minor["vendor_earnings"] == sale + refund
    assert minor["platform_revenue"] == sale_commission + refund_commission
    assert minor["gross_sales"] - minor["refunds"] + minor["adjustments"] == \
        minor["vendor_earnings"] + minor["platform_revenue"]
    pm.unregister(discount)


def test_the_report_takes_a_date_range(testapp, shop):
    shop.paid_order(testapp, [(shop.sizes[0], 1)])
    h = shop.manager_headers
    today = testapp.get("/api/manager/marketplace/report/", headers=h).json
    assert today["gross_sales"] == "20.00" and today["currency"] == "USD"
    past = testapp.get("/api/manager/marketplace/report/?from=2001-01-01&to=2001-12-31", headers=h).json
    assert past["gross_sales"] == "0.00"
    testapp.get("/api/manager/marketplace/report/?from=2030-01-02&to=2030-01-01", headers=h, status=400)
    testapp.get("/api/manager/marketplace/report/?from=yesterday", headers=h, status=400)
    testapp.get("/api/manager/marketplace/report/", headers=shop.vendor_headers[0], status=403)
    testapp.get("/api/manager/marketplace/report/", status=401)
