"""Concurrent adds of one size by one user: one cart, one row, the summed quantity.

Real concurrent transactions need committed rows, so this test commits its own data on
connections of the ``engine`` fixture and deletes it at the end.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.accounts.models import User
from core.catalog.models import Category, Product, Size, Variant
from core.testing import new_product, new_user, sizes_of
from plugins.cart.items import add_to_cart
from plugins.cart.models import Cart, CartItem

THREADS = 12


@pytest.fixture
def committed(engine):
    """A committed user and size (stock 100); removed afterwards."""
    with Session(engine, expire_on_commit=False) as session:
        user = new_user(session, email="racer@example.com")
        product = new_product(session, stock=100)
        [size] = sizes_of(session, product)
        session.commit()
        ids = (user.id, product.id, size.variant_id, size.id, product.category_id)
    yield ids
    user_id, product_id, variant_id, size_id, category_id = ids
    with Session(engine) as session:
        session.execute(delete(CartItem).where(CartItem.size_id == size_id))
        session.execute(delete(Cart).where(Cart.user_id == user_id))
        session.execute(delete(Size).where(Size.id == size_id))
        session.execute(delete(Variant).where(Variant.id == variant_id))
        session.execute(delete(Product).where(Product.id == product_id))
        session.execute(delete(Category).where(Category.id == category_id))
        session.execute(delete(User).where(User.id == user_id))
        session.commit()


@pytest.mark.postgresql_only
def test_concurrent_adds_of_one_size_end_in_one_row_with_the_sum(engine, committed):
    user_id, _, _, size_id, _ = committed
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def shopper(quantity: int):
        try:
            with Session(engine) as session:
                barrier.wait()
                add_to_cart(session, user_id, size_id, quantity, max_quantity=99)
                session.commit()
        except BaseException as exc:  # reported below, never lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=shopper, args=(1 + i % 3,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with Session(engine) as session:
        carts = session.execute(select(Cart.id).where(Cart.user_id == user_id)).scalars().all()
        rows = session.execute(select(CartItem.quantity).where(CartItem.size_id == size_id)).scalars().all()
    assert len(carts) == 1
    assert rows == [sum(1 + i % 3 for i in range(THREADS))]
