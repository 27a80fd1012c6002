"""The cart supplies checkout lines and removes what was bought (through the hooks)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from core.orders.checkout_types import CheckoutLine
from core.testing import sizes_of
from plugins.cart.items import add_to_cart, find_cart
from plugins.cart.models import CartItem


@pytest.fixture
def hook(loaded):
    return loaded[1].hook


@pytest.fixture
def filled(db, customer, make_product):
    """The customer's cart: 3 of size A, 2 of size B; returns (item A, item B)."""
    [a], [b] = sizes_of(db, make_product(stock=10)), sizes_of(db, make_product(stock=10))
    first = add_to_cart(db, customer.id, a.id, 3, max_quantity=99)
    second = add_to_cart(db, customer.id, b.id, 2, max_quantity=99)
    return db.get(CartItem, first), db.get(CartItem, second)


def quantities(db, user_id) -> dict[int, int]:
    db.expire_all()
    rows = db.query(CartItem).filter(CartItem.cart_id == find_cart(db, user_id)).all()
    return {row.id: row.quantity for row in rows}


def test_checkout_lines_are_the_cart_items(hook, db, customer, filled):
    request = SimpleNamespace(db=db, user=customer)
    lines = hook.agora_checkout_lines(request=request, user=customer)
    assert [(l.size_id, l.quantity, l.source_id) for l in lines] == [
        (item.size_id, item.quantity, item.id) for item in filled]


def test_an_empty_cart_gives_no_lines(hook, db, customer):
    assert hook.agora_checkout_lines(request=SimpleNamespace(db=db, user=customer), user=customer) == []


def test_checkout_completed_removes_what_was_bought(hook, db, customer, filled):
    a, b = filled
    lines = [CheckoutLine(size_id=a.size_id, quantity=3, source_id=a.id),
             CheckoutLine(size_id=b.size_id, quantity=1, source_id=b.id)]
    hook.agora_checkout_completed(request=SimpleNamespace(db=db, user=customer),
                                  order=SimpleNamespace(user_id=customer.id), lines=lines)
    assert quantities(db, customer.id) == {b.id: 1}


def test_checkout_completed_leaves_other_carts_alone(hook, db, customer, make_user, filled):
    a, _ = filled
    stranger = make_user()
    line = CheckoutLine(size_id=a.size_id, quantity=3, source_id=a.id)
    hook.agora_checkout_completed(request=SimpleNamespace(db=db, user=stranger),
                                  order=SimpleNamespace(user_id=stranger.id), lines=[line])
    assert quantities(db, customer.id)[a.id] == 3
