"""Stock held while paying: a payment intent reserves its units until checkout, cancel or expiry."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.catalog.models import Product, Size
from core.db import utcnow
from core.orders import reservations
from core.orders.models import StockReservation
from core.testing import ADDRESS, sizes_of


@pytest.fixture
def shoppers(make_user, auth_headers):
    return lambda n: [auth_headers(make_user()) for _ in range(n)]


def add(testapp, headers, size, quantity=1, status=201):
    return testapp.post_json("/api/cart/add/", {"size_id": size.id, "quantity": quantity}, headers=headers,
                             status=status)


def pay(testapp, headers, status=200):
    return testapp.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                             headers=headers, status=status)


def checkout(testapp, headers, intent_id, status=201):
    return testapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent_id}, headers=headers,
                             status=status)


def rows(db, size):
    return db.execute(select(StockReservation).where(StockReservation.size_id == size.id)).scalars().all()


def expire_all_reservations(db):
    db.execute(update(StockReservation).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.flush()


def detail_stock(testapp, product):
    return testapp.get(f"/api/products/{product.slug}/").json["variants"][0]["sizes"][0]


def listed_in_stock(testapp, product):
    slugs = [p["slug"] for p in testapp.get("/api/products/", {"in_stock": "true", "page_size": 100}).json["results"]]
    return product.slug in slugs


def test_an_intent_reserves_its_units_for_the_ttl(testapp, db, shoppers, make_product, app_settings):
    [buyer] = shoppers(1)
    size = sizes_of(db, product := make_product(stock=5))[0]
    add(testapp, buyer, size, 2)
    intent = pay(testapp, buyer).json["payment_intent_id"]
    [held] = rows(db, size)
    assert held.quantity == 2 and held.payment_reference == intent
    ttl = (held.expires_at - held.created_at).total_seconds()
    assert ttl == 900
    assert detail_stock(testapp, product) == {**detail_stock(testapp, product), "stock": 3, "in_stock": True}


def test_reserved_units_are_not_available_to_anyone_else(testapp, db, shoppers, make_product):
    first, second = shoppers(2)
    product = make_product(stock=3)
    size = sizes_of(db, product)[0]
    add(testapp, first, size, 3)
    add(testapp, second, size, 1)  # before the reservation: fits
    assert listed_in_stock(testapp, product)
    pay(testapp, first)
    # The catalog shows what is left (detail and the list filter), the cart and intents refuse.
    assert detail_stock(testapp, product)["stock"] == 0 and not detail_stock(testapp, product)["in_stock"]
    assert not listed_in_stock(testapp, product)
    db.expire_all()
    assert db.get(Product, product.id).in_stock is False
    error = add(testapp, second, size, 1, status=409).json["errors"][0]
    assert "only 0 left" in error["description"]
    assert testapp.get("/api/cart/", headers=second).json["items"][0]["available"] is False
    error = pay(testapp, second, status=409).json["errors"][0]
    assert error["name"] == f"size.{size.id}" and error["available"] == 0
    # The holder itself still sees its cart as buyable.
    assert testapp.get("/api/cart/", headers=first).json["items"][0]["available"] is True


def test_a_new_intent_for_the_same_cart_replaces_its_reservation(testapp, db, shoppers, make_product):
    [buyer] = shoppers(1)
    size = sizes_of(db, make_product(stock=3))[0]
    add(testapp, buyer, size, 2)
    pay(testapp, buyer)
    add(testapp, buyer, size, 1)  # its own hold does not count against it
    second = pay(testapp, buyer).json["payment_intent_id"]
    assert [(r.quantity, r.payment_reference) for r in rows(db, size)] == [(3, second)]


def test_checkout_sells_the_reserved_units_and_releases_the_reservation(testapp, db, shoppers, make_product):
    [buyer] = shoppers(1)
    product = make_product(stock=2)
    size = sizes_of(db, product)[0]
    add(testapp, buyer, size, 2)
    intent = pay(testapp, buyer).json["payment_intent_id"]
    checkout(testapp, buyer, intent)
    db.expire_all()
    assert rows(db, size) == [] and db.get(Size, size.id).stock == 0
    assert db.get(Product, product.id).in_stock is False


def test_cancelling_the_intent_frees_its_units(testapp, db, shoppers, make_product):
    first, second, stranger = shoppers(3)
    product = make_product(stock=1)
    size = sizes_of(db, product)[0]
    add(testapp, first, size, 1)
    intent = pay(testapp, first).json["payment_intent_id"]
    url = f"/api/orders/payment-intents/{intent}/cancel/"
    testapp.post_json(url, {}, headers=stranger, status=404)
    assert testapp.post_json(url, {}, headers=first).json == {"payment_intent_id": intent, "status": "cancelled"}
    assert testapp.post_json(url, {}, headers=first).status_int == 200  # twice is fine
    assert rows(db, size) == []
    assert listed_in_stock(testapp, product)
    add(testapp, second, size, 1)
    checkout(testapp, first, intent, status=409)  # a cancelled intent cannot be checked out


def test_an_intent_that_became_an_order_cannot_be_cancelled(testapp, db, shoppers, make_product):
    [buyer] = shoppers(1)
    size = sizes_of(db, make_product(stock=1))[0]
    add(testapp, buyer, size, 1)
    intent = pay(testapp, buyer).json["payment_intent_id"]
    checkout(testapp, buyer, intent)
    testapp.post_json(f"/api/orders/payment-intents/{intent}/cancel/", {}, headers=buyer, status=409)


def test_expired_reservations_hold_nothing_and_the_sweep_deletes_them(testapp, db, shoppers, make_product):
    first, second = shoppers(2)
    product = make_product(stock=2)
    size = sizes_of(db, product)[0]
    add(testapp, first, size, 2)
    add(testapp, second, size, 2)
    pay(testapp, first)
    expire_all_reservations(db)
    assert detail_stock(testapp, product)["stock"] == 2
    assert reservations.available(db, [size.id]) == {size.id: 2}
    db.expire_all()
    assert db.get(Product, product.id).in_stock is False  # the list errs on "sold out" until the sweep
    assert reservations.sweep_expired(db) == 1
    db.expire_all()
    assert rows(db, size) == [] and db.get(Product, product.id).in_stock is True
    pay(testapp, second)


def test_a_late_checkout_of_an_expired_reservation_sells_only_what_is_left(testapp, db, shoppers, make_product):
    late, next_buyer = shoppers(2)
    size = sizes_of(db, make_product(stock=2))[0]
    add(testapp, late, size, 2)
    add(testapp, next_buyer, size, 1)
    late_intent = pay(testapp, late).json["payment_intent_id"]
    expire_all_reservations(db)
    checkout(testapp, next_buyer, pay(testapp, next_buyer).json["payment_intent_id"])
    error = checkout(testapp, late, late_intent, status=409).json["errors"][0]
    assert "has 1 left" in error["description"]
    db.expire_all()
    assert db.get(Size, size.id).stock == 1


def test_a_live_reservation_survives_others_buying(testapp, db, shoppers, make_product):
    holder, other = shoppers(2)
    size = sizes_of(db, make_product(stock=3))[0]
    add(testapp, holder, size, 2)
    add(testapp, other, size, 1)
    intent = pay(testapp, holder).json["payment_intent_id"]
    checkout(testapp, other, pay(testapp, other).json["payment_intent_id"])
    add(testapp, other, size, 1, status=409)
    assert checkout(testapp, holder, intent).json["items"][0]["quantity"] == 2
    db.expire_all()
    assert db.get(Size, size.id).stock == 0


def test_the_worker_sweeps_expired_reservations_in_its_own_transaction(testapp, db, shoppers, make_product,
                                                                       connection, loaded):
    from sqlalchemy.orm import Session

    from core.orders.housekeeping import sweep_once, worker_tasks

    [buyer] = shoppers(1)
    size = sizes_of(db, make_product(stock=2))[0]
    add(testapp, buyer, size, 1)
    pay(testapp, buyer)
    db.flush()
    assert sweep_once(lambda: Session(bind=connection, join_transaction_mode="create_savepoint")) == 0
    expire_all_reservations(db)
    assert sweep_once(lambda: Session(bind=connection, join_transaction_mode="create_savepoint")) == 1
    assert rows(db, size) == []
    assert [task.__name__ for task in worker_tasks(loaded[0])] == ["stock_reservation_sweeper"]
