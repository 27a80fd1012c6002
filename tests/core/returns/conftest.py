"""Fixtures of the returns tests: a two-vendor shop, delivered orders bought through the API
(manual provider, or stripe against localstripe), the SMTP server and the outbox worker."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from core.testing import ADDRESS, bearer, sizes_of
from tests.plugins.email.conftest import (  # noqa: F401  (fixtures, used by name)
    deliver,
    email_config,
    mailer,
    smtp,
    smtpd,
    test_sessions,
)
from tests.plugins.payments.conftest import (  # noqa: F401  (fixtures, used by name)
    confirm,
    stripe_app,
    stripe_client,
    stripe_loaded,
    stripe_testapp,
)


@dataclass
class Shop:
    db: object
    customer: object = None
    vendors: list = field(default_factory=list)
    sizes: list = field(default_factory=list)  # one size id per vendor (stock 100), prices 2000 and 3333
    headers: dict = field(default_factory=dict)  # customer, other_customer, vendor_a, vendor_b, manager

    def buy(self, app, lines, *, stripe=None, status: str = "delivered") -> dict:
        """Buy ``[(size_id, quantity)]`` as the customer and move the order to ``status``."""
        headers = self.headers["customer"]
        for size_id, quantity in lines:
            app.post_json("/api/cart/add/", {"size_id": size_id, "quantity": quantity}, headers=headers, status=201)
        intent = app.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                               headers=headers).json
        if stripe is not None:  # the stripe client: confirm the card as Stripe.js would
            confirm(stripe, intent["payment_intent_id"])
        order = app.post_json("/api/orders/checkout/", {"payment_intent_id": intent["payment_intent_id"],
                                                        "shipping_address": ADDRESS}, headers=headers, status=201).json
        path = ("paid", "shipped", "delivered") if order["status"] == "pending_payment" else ("shipped", "delivered")
        for target in path:
            if status == "paid" and target != "paid":
                break
            order = app.post_json(f"/api/orders/{order['id']}/status/", {"status": target},
                                  headers=self.headers["manager"]).json
            if target == status:
                break
        return order

    def ask(self, app, order, items, status=201, headers=None, note=""):
        """``items`` = ``[(order item index, quantity)]`` of ``order``."""
        body = {"items": [{"order_item_id": order["items"][i]["id"], "quantity": q, "reason": "Too small"}
                          for i, q in items], "note": note}
        return app.post_json(f"/api/orders/{order['id']}/returns/", body,
                             headers=headers or self.headers["customer"], status=status)


@pytest.fixture
def shop(db, make_user, make_vendor, make_product, customer, manager, testapp) -> Shop:
    s = Shop(db=db, customer=customer)
    for name, price in (("Loom", 2000), ("Kiln", 3333)):
        vendor = make_vendor(name=name)
        product = make_product(price=price, stock=100, vendor=vendor)  # in a category of its own
        s.vendors.append(vendor)
        s.sizes.append(sizes_of(db, product)[0].id)
    s.headers = {"customer": bearer(testapp, customer), "other_customer": bearer(testapp, make_user("customer")),
                 "vendor_a": bearer(testapp, s.vendors[0].user), "vendor_b": bearer(testapp, s.vendors[1].user),
                 "manager": bearer(testapp, manager)}
    return s
