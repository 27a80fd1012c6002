"""The vendor's side of orders: GET /api/vendor/orders/ and POST /api/vendor/orders/{order_id}/ship/."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from core.db import utcnow
from core.hooks import hookimpl
from core.orders.models import Order, OrderItem, OrderStatusChange
from core.testing import ADDRESS, sizes_of

PHONE_ADDRESS = {**ADDRESS, "line2": "Flat 3", "phone": "+44 20 7946 0000"}


class OrderEvents:
    """Records the order hooks fired by shipping."""

    def __init__(self):
        self.shipped: list[dict] = []
        self.moves: list[tuple] = []

    @hookimpl
    def agora_order_shipped(self, order, vendor, lines, tracking_number, carrier):
        self.shipped.append({"order_id": order.id, "vendor_id": vendor.id, "line_ids": [l.id for l in lines],
                             "tracking_number": tracking_number, "carrier": carrier})

    @hookimpl
    def agora_order_status_changed(self, order, old_status, new_status, note):
        self.moves.append((order.id, old_status, new_status))


@pytest.fixture
def order_events(loaded):
    recorder = OrderEvents()
    loaded[1].register(recorder, name=f"order-events-{id(recorder)}")
    yield recorder
    loaded[1].unregister(recorder)


# ------------------------------------------------------------------ placing orders
def buy_through_the_api(testapp, headers, wanted: list[tuple]) -> dict:
    """Cart → payment intent → checkout with the manual provider: ``wanted`` = [(size, quantity)]."""
    for size, quantity in wanted:
        testapp.post_json("/api/cart/add/", {"size_id": size.id, "quantity": quantity}, headers=headers, status=201)
    intent = testapp.post_json("/api/orders/create-payment-intent/", {"shipping_address": PHONE_ADDRESS},
                               headers=headers).json["payment_intent_id"]
    return testapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent, "shipping_address": PHONE_ADDRESS},
                             headers=headers, status=201).json


@pytest.fixture
def make_order(db, customer):
    """``make_order([(product, quantity)], status="paid", age=0)`` → an Order written directly (fast)."""
    sequence = iter(range(1, 100_000))

    def make(wanted, status: str = "paid", age: int = 0) -> Order:
        n = next(sequence)
        order = Order(number=f"T-{n}-{customer.id}", user_id=customer.id, status=status, currency="USD",
                      subtotal=0, total=0, shipping_address=PHONE_ADDRESS, payment_provider="manual",
                      payment_reference=f"manual_t{n}_{customer.id}", payment_status="captured",
                      created_at=utcnow() - timedelta(minutes=age))
        db.add(order)
        db.flush()
        for product, quantity in wanted:
            size = sizes_of(db, product)[0]
            db.add(OrderItem(order_id=order.id, product_id=product.id, variant_id=size.variant_id, size_id=size.id,
                             vendor_id=product.vendor_id, vendor_name="v", product_name=product.name,
                             variant_name="Red", size_label=size.label, sku=size.sku, unit_price=product.price,
                             quantity=quantity, line_total=product.price * quantity))
            order.subtotal += product.price * quantity
        order.total = order.subtotal
        db.flush()
        return order

    return make


@pytest.fixture
def two_vendors(make_vendor, auth_headers):
    north, south = make_vendor(name="North Shop"), make_vendor(name="South Shop")
    return (north, auth_headers(north.user)), (south, auth_headers(south.user))


@pytest.fixture
def paid_two_vendor_order(testapp, db, customer, auth_headers, manager, make_product, two_vendors):
    """A paid order of the customer: 2 jackets from North, 3 socks from South."""
    (north, _), (south, _) = two_vendors
    jacket = make_product(price=8900, vendor=north, name="Rain jacket")
    socks = make_product(price=1250, vendor=south, name="Wool socks")
    headers = auth_headers(customer)
    order = buy_through_the_api(testapp, headers, [(sizes_of(db, jacket)[0], 2), (sizes_of(db, socks)[0], 3)])
    testapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "paid"}, headers=auth_headers(manager))
    return order, headers


def ship_url(order_id) -> str:
    return f"/api/vendor/orders/{order_id}/ship/"


# ------------------------------------------------------------------ access
def test_anonymous_callers_are_401(testapp):
    testapp.get("/api/vendor/orders/", status=401)
    testapp.post_json(ship_url(1), {}, status=401)


@pytest.mark.parametrize("who", ["customer", "pending", "suspended", "rejected", "manager"])
def test_only_approved_vendors_see_and_ship_orders(testapp, make_user, make_vendor, auth_headers, make_order,
                                                   make_product, who):
    if who in ("customer", "manager"):
        user = make_user(who)
    else:
        user = make_vendor(who).user
    order = make_order([(make_product(vendor=make_vendor()), 1)])
    headers = auth_headers(user)
    testapp.get("/api/vendor/orders/", headers=headers, status=403)
    testapp.post_json(ship_url(order.id), {}, headers=headers, status=403)


def test_an_admin_without_a_vendor_profile_is_403(testapp, admin, auth_headers):
    error = testapp.get("/api/vendor/orders/", headers=auth_headers(admin), status=403).json["errors"][0]
    assert "approved vendors" in error["description"]


# ------------------------------------------------------------------ the two-vendor flow
def test_each_vendor_sees_only_its_lines_and_nothing_about_payment(testapp, paid_two_vendor_order, two_vendors):
    order, _ = paid_two_vendor_order
    (north, north_headers), (south, south_headers) = two_vendors
    north_page = testapp.get("/api/vendor/orders/", headers=north_headers).json
    assert north_page["count"] == 1 and north_page["next"] is None
    [seen] = north_page["results"]
    assert seen["order_id"] == order["id"] and seen["number"] == order["number"] and seen["status"] == "paid"
    assert [(l["product_name"], l["quantity"], l["unit_price"], l["line_total"]) for l in seen["lines"]] == [
        ("Rain jacket", 2, "89.00", "178.00")]
    assert seen["vendor_total"] == "178.00"
    line = seen["lines"][0]
    assert line["fulfillment_status"] == "pending" and line["tracking_number"] is None and line["carrier"] is None
    assert set(line) >= {"id", "product_id", "variant_name", "size_label", "sku"}
    assert set(seen) == {"order_id", "number", "status", "created_at", "currency", "shipping_address", "lines",
                         "vendor_total"}
    assert seen["shipping_address"] == {"name": "Ada Lovelace", "line1": "12 Analytical St", "line2": "Flat 3",
                                        "city": "London", "state": "", "postal_code": "N1 9GU", "country": "GB"}
    text = testapp.get("/api/vendor/orders/", headers=north_headers).text
    for secret in ("payment", "manual_", "captured", "@example.com", "+44", "user_id", "Wool socks", "total\": \"215"):
        assert secret not in text, secret
    [south_seen] = testapp.get("/api/vendor/orders/", headers=south_headers).json["results"]
    assert [l["product_name"] for l in south_seen["lines"]] == ["Wool socks"]
    assert south_seen["vendor_total"] == "37.50"


def test_the_order_ships_only_when_both_vendors_have_shipped(testapp, paid_two_vendor_order, two_vendors,
                                                             order_events):
    order, customer_headers = paid_two_vendor_order
    (north, north_headers), (south, south_headers) = two_vendors
    first = testapp.post_json(ship_url(order["id"]), {"tracking_number": " 1Z999AA10123456784 ", "carrier": "UPS"},
                              headers=north_headers).json
    assert first["status"] == "paid"
    [line] = first["lines"]
    assert (line["fulfillment_status"], line["tracking_number"], line["carrier"]) == \
        ("shipped", "1Z999AA10123456784", "UPS")
    assert line["shipped_at"] is not None
    assert order_events.shipped == [{"order_id": order["id"], "vendor_id": north.id, "line_ids": [line["id"]],
                                     "tracking_number": "1Z999AA10123456784", "carrier": "UPS"}]
    assert order_events.moves == []
    halfway = testapp.get(f"/api/orders/{order['id']}/", headers=customer_headers).json
    assert halfway["status"] == "paid"
    assert {i["product_name"]: i["fulfillment_status"] for i in halfway["items"]} == {
        "Rain jacket": "shipped", "Wool socks": "pending"}

    second = testapp.post(ship_url(order["id"]), headers=south_headers).json  # no body at all
    assert second["status"] == "shipped" and second["lines"][0]["tracking_number"] is None
    assert order_events.shipped[-1]["vendor_id"] == south.id and order_events.shipped[-1]["tracking_number"] is None
    assert order_events.moves == [(order["id"], "paid", "shipped")]

    final = testapp.get(f"/api/orders/{order['id']}/", headers=customer_headers).json
    assert final["status"] == "shipped"
    assert [h["status"] for h in final["status_history"]] == ["pending_payment", "paid", "shipped"]
    assert {i["product_name"]: (i["fulfillment_status"], i["tracking_number"]) for i in final["items"]} == {
        "Rain jacket": ("shipped", "1Z999AA10123456784"), "Wool socks": ("shipped", None)}


def test_shipping_twice_is_a_409_and_changes_nothing(testapp, paid_two_vendor_order, two_vendors, order_events):
    order, _ = paid_two_vendor_order
    (north, north_headers), _ = two_vendors
    testapp.post_json(ship_url(order["id"]), {"tracking_number": "T-1"}, headers=north_headers)
    error = testapp.post_json(ship_url(order["id"]), {"tracking_number": "T-2"}, headers=north_headers,
                              status=409).json["errors"][0]
    assert "Nothing left to ship" in error["description"]
    [seen] = testapp.get("/api/vendor/orders/", headers=north_headers).json["results"]
    assert seen["lines"][0]["tracking_number"] == "T-1"
    assert len(order_events.shipped) == 1


def test_a_fully_shipped_order_is_a_409(testapp, paid_two_vendor_order, two_vendors):
    order, _ = paid_two_vendor_order
    (_, north_headers), (_, south_headers) = two_vendors
    testapp.post(ship_url(order["id"]), headers=north_headers)
    testapp.post(ship_url(order["id"]), headers=south_headers)
    error = testapp.post(ship_url(order["id"]), headers=south_headers, status=409).json["errors"][0]
    assert "shipped" in error["description"]


# ------------------------------------------------------------------ refusals
def test_an_unpaid_order_cannot_be_shipped(testapp, db, customer, auth_headers, make_product, vendor, vendor_headers,
                                           order_events):
    product = make_product(vendor=vendor)
    order = buy_through_the_api(testapp, auth_headers(customer), [(sizes_of(db, product)[0], 1)])
    assert order["status"] == "pending_payment"
    error = testapp.post(ship_url(order["id"]), headers=vendor_headers, status=409).json["errors"][0]
    assert "pending payment" in error["description"] and error["name"] == "status"
    [seen] = testapp.get("/api/vendor/orders/", headers=vendor_headers).json["results"]
    assert seen["status"] == "pending_payment" and seen["lines"][0]["fulfillment_status"] == "pending"
    assert order_events.shipped == []


@pytest.mark.parametrize("status", ["cancelled", "refunded", "delivered"])
def test_orders_past_shipping_are_409(testapp, make_order, make_product, vendor, vendor_headers, status):
    order = make_order([(make_product(vendor=vendor), 1)], status=status)
    testapp.post(ship_url(order.id), headers=vendor_headers, status=409)


def test_a_cancelled_order_through_the_api_is_409(testapp, db, customer, auth_headers, make_product, vendor,
                                                  vendor_headers):
    headers = auth_headers(customer)
    order = buy_through_the_api(testapp, headers, [(sizes_of(db, make_product(vendor=vendor))[0], 1)])
    testapp.post(f"/api/orders/{order['id']}/cancel/", headers=headers)
    testapp.post(ship_url(order["id"]), headers=vendor_headers, status=409)


def test_another_vendors_order_or_a_missing_one_is_404(testapp, make_order, make_product, make_vendor, vendor_headers,
                                                       order_events):
    others = make_order([(make_product(vendor=make_vendor()), 1)])
    shop_only = make_order([(make_product(vendor=None), 1)])
    for order_id in (others.id, shop_only.id, 2_000_000_000):
        error = testapp.post(ship_url(order_id), headers=vendor_headers, status=404).json["errors"][0]
        assert error["name"] == "order_id"
    cancelled_elsewhere = make_order([(make_product(vendor=make_vendor()), 1)], status="cancelled")
    testapp.post(ship_url(cancelled_elsewhere.id), headers=vendor_headers, status=404)  # 404 before 409
    assert order_events.shipped == []


def test_bad_input_is_400(testapp, make_order, make_product, vendor, vendor_headers):
    order = make_order([(make_product(vendor=vendor), 1)])
    error = testapp.post_json(ship_url(order.id), {"tracking_number": "x" * 121}, headers=vendor_headers,
                              status=400).json["errors"][0]
    assert error["name"] == "tracking_number"
    testapp.post_json(ship_url(order.id), {"carrier": "c" * 61}, headers=vendor_headers, status=400)
    testapp.post_json(ship_url("abc"), {}, headers=vendor_headers, status=400)
    testapp.get("/api/vendor/orders/?status=lost", headers=vendor_headers, status=400)


# ------------------------------------------------------------------ what completes an order
def test_a_processing_order_ships_too(testapp, make_order, make_product, vendor, vendor_headers, order_events):
    order = make_order([(make_product(vendor=vendor), 2)], status="processing")
    assert testapp.post_json(ship_url(order.id), {"carrier": "DHL"}, headers=vendor_headers).json["status"] == "shipped"
    assert order_events.moves == [(order.id, "processing", "shipped")]


def test_a_line_of_the_shop_itself_keeps_the_order_open(testapp, db, make_order, make_product, vendor,
                                                        vendor_headers, manager, auth_headers):
    order = make_order([(make_product(vendor=vendor), 1), (make_product(vendor=None), 1)])
    assert testapp.post(ship_url(order.id), headers=vendor_headers).json["status"] == "paid"
    testapp.post_json(f"/api/orders/{order.id}/status/", {"status": "shipped"}, headers=auth_headers(manager))
    db.expire_all()
    assert db.get(Order, order.id).status == "shipped"


def test_cancelled_lines_do_not_hold_the_order_back(testapp, db, make_order, make_product, vendor, vendor_headers,
                                                   make_vendor):
    order = make_order([(make_product(vendor=vendor), 1), (make_product(vendor=make_vendor()), 1)])
    other = db.execute(select(OrderItem).where(OrderItem.order_id == order.id, OrderItem.vendor_id != vendor.id)
                       ).scalar_one()
    other.fulfillment_status = "cancelled"
    db.flush()
    assert testapp.post(ship_url(order.id), headers=vendor_headers).json["status"] == "shipped"
    notes = db.execute(select(OrderStatusChange.note).where(OrderStatusChange.order_id == order.id)).scalars().all()
    assert notes == ["Every line shipped; the last by Blue Loom."]


# ------------------------------------------------------------------ listing
def test_list_is_newest_first_paginated_and_filtered_by_fulfillment(testapp, make_order, make_product, vendor,
                                                                    vendor_headers, make_vendor):
    mine = make_product(vendor=vendor)
    old, middle, new = (make_order([(mine, 1)], age=age) for age in (30, 20, 10))
    make_order([(make_product(vendor=make_vendor()), 1)])  # not ours
    page = testapp.get("/api/vendor/orders/?page_size=2", headers=vendor_headers).json
    assert page["count"] == 3 and [o["order_id"] for o in page["results"]] == [new.id, middle.id]
    assert "page=2" in page["next"]
    assert [o["order_id"] for o in testapp.get(page["next"], headers=vendor_headers).json["results"]] == [old.id]
    testapp.get("/api/vendor/orders/?page=3&page_size=2", headers=vendor_headers, status=404)

    testapp.post_json(ship_url(middle.id), {"tracking_number": "M-1"}, headers=vendor_headers)
    shipped = testapp.get("/api/vendor/orders/?status=shipped", headers=vendor_headers).json
    assert [o["order_id"] for o in shipped["results"]] == [middle.id]
    pending = testapp.get("/api/vendor/orders/?status=pending", headers=vendor_headers).json
    assert [o["order_id"] for o in pending["results"]] == [new.id, old.id]
    assert testapp.get("/api/vendor/orders/?status=cancelled", headers=vendor_headers).json == {
        "count": 0, "next": None, "previous": None, "results": []}


def test_the_status_filter_narrows_the_lines_too(testapp, db, make_order, make_product, vendor, vendor_headers):
    first, second = make_product(vendor=vendor, price=1000), make_product(vendor=vendor, price=500)
    order = make_order([(first, 1), (second, 2)])
    line = db.execute(select(OrderItem).where(OrderItem.order_id == order.id, OrderItem.product_id == first.id)
                      ).scalar_one()
    line.fulfillment_status = "shipped"
    db.flush()
    [everything] = testapp.get("/api/vendor/orders/", headers=vendor_headers).json["results"]
    assert len(everything["lines"]) == 2 and everything["vendor_total"] == "20.00"
    [pending] = testapp.get("/api/vendor/orders/?status=pending", headers=vendor_headers).json["results"]
    assert [l["product_id"] for l in pending["lines"]] == [second.id] and pending["vendor_total"] == "10.00"


@contextmanager
def counting(engine):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_list_costs_the_same_statements_for_1_or_30_orders(testapp, engine, make_order, make_product,
                                                               make_vendor, auth_headers):
    small, large = make_vendor(), make_vendor()
    make_order([(make_product(vendor=small), 1)])
    products = [make_product(vendor=large) for _ in range(3)]
    for n in range(30):
        make_order([(p, 1 + n % 2) for p in products])
    sizes = {}
    for seller in (small, large):
        headers = auth_headers(seller.user)
        with counting(engine) as statements:
            page = testapp.get("/api/vendor/orders/?page_size=100", headers=headers).json
        sizes[seller.id] = (len(statements), len(page["results"]), sum(len(o["lines"]) for o in page["results"]))
    assert sizes[small.id][1:] == (1, 1) and sizes[large.id][1:] == (30, 90)
    # user, vendor, count, orders, lines — and one per plugin adding line fields (payouts' commissions)
    assert sizes[small.id][0] == sizes[large.id][0] <= 6, sizes


# ------------------------------------------------------------------ the race (real commits, PostgreSQL)
@pytest.fixture(scope="module")
def race_app(enabled_plugins, db_kind, tmp_path_factory):
    """An app on its own freshly migrated PostgreSQL database, with real commits; dropped at the end."""
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL only")
    from core.testing import scratch_database

    with scratch_database(enabled_plugins, {"agora.media_dir": str(tmp_path_factory.mktemp("race-media")),
                                            "agora.db.pool_size": "5"}) as (url, app):
        yield url, app


def _committed_two_vendor_orders(url: str, count: int) -> tuple[list, list[int]]:
    """Two approved vendors (their users), a customer, and ``count`` paid orders with a line of each."""
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from core.testing import new_product, new_user, new_vendor, sizes_of

    engine = create_engine(url)
    tag = uuid.uuid4().hex[:8]
    with Session(engine, expire_on_commit=False) as db, db.begin():
        users = [new_user(db, role, email=f"{who}-{tag}@example.com")
                 for who, role in (("north", "vendor"), ("south", "vendor"), ("buyer", "customer"))]
        sizes = []
        for user in users[:2]:
            vendor = new_vendor(db, name=user.email, user=user)
            product = new_product(db, name="Tee", price=1000, stock=100, variants=("Black",), vendor=vendor)
            sizes.append((vendor, product, sizes_of(db, product)[0]))
        order_ids = []
        for n in range(count):
            order = Order(number=f"R-{tag}-{n}", user_id=users[2].id, status="paid", currency="USD", subtotal=2000,
                          total=2000, shipping_address=ADDRESS, payment_provider="manual",
                          payment_reference=f"race-{tag}-{n}", payment_status="captured")
            db.add(order)
            db.flush()
            for vendor, product, size in sizes:
                db.add(OrderItem(order_id=order.id, product_id=product.id, variant_id=size.variant_id,
                                 size_id=size.id, vendor_id=vendor.id, vendor_name=vendor.name, product_name="Tee",
                                 variant_name="Black", size_label="M", sku=size.sku, unit_price=1000, quantity=1,
                                 line_total=1000))
            order_ids.append(order.id)
    engine.dispose()
    return users[:2], order_ids


@pytest.mark.postgresql_only
def test_two_vendors_shipping_at_once_never_both_miss_the_shipped_order(race_app):
    import threading

    import webtest
    from sqlalchemy import create_engine, func
    from sqlalchemy.orm import Session

    from core.testing import TEST_PASSWORD

    url, app = race_app
    vendor_users, order_ids = _committed_two_vendor_orders(url, count=12)
    client = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.2.0.1"})
    headers = [{"Authorization": "Bearer " + client.post_json(
        "/api/auth/login/", {"email": u.email, "password": TEST_PASSWORD}).json["access"]} for u in vendor_users]

    for order_id in order_ids:
        barrier, statuses = threading.Barrier(2), [None, None]

        def ship(index):
            barrier.wait()
            statuses[index] = webtest.TestApp(app).post(ship_url(order_id), headers=headers[index],
                                                        expect_errors=True).status_int

        threads = [threading.Thread(target=ship, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert statuses == [200, 200], (order_id, statuses)

    engine = create_engine(url)
    with Session(engine) as db:
        assert set(db.execute(select(Order.status).where(Order.id.in_(order_ids))).scalars()) == {"shipped"}
        moves = db.execute(select(OrderStatusChange.order_id, func.count()).where(
            OrderStatusChange.order_id.in_(order_ids), OrderStatusChange.status == "shipped")
            .group_by(OrderStatusChange.order_id)).all()
        assert sorted(moves) == [(order_id, 1) for order_id in sorted(order_ids)]
    engine.dispose()
