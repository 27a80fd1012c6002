"""PUT /api/cart/update/{item_id}/, DELETE /api/cart/remove/{item_id}/, DELETE /api/cart/."""
from __future__ import annotations

import pytest

from core.testing import sizes_of


@pytest.fixture
def cart(testapp, db, headers, make_product):
    """The customer's cart holding 2 of one size (stock 5) and 1 of another."""
    [first], [second] = sizes_of(db, make_product(stock=5)), sizes_of(db, make_product(price=500))
    testapp.post_json("/api/cart/add/", {"size_id": first.id, "quantity": 2}, headers=headers)
    return testapp.post_json("/api/cart/add/", {"size_id": second.id, "quantity": 1}, headers=headers).json


def test_setting_a_quantity_answers_the_cart(testapp, headers, cart):
    item = cart["items"][0]
    answer = testapp.put_json(f"/api/cart/update/{item['id']}/", {"quantity": 4}, headers=headers).json
    assert answer["items"][0]["quantity"] == 4 and answer["item_count"] == 5


def test_quantity_zero_removes_the_item(testapp, headers, cart):
    item = cart["items"][0]
    answer = testapp.put_json(f"/api/cart/update/{item['id']}/", {"quantity": 0}, headers=headers).json
    assert [i["id"] for i in answer["items"]] == [cart["items"][1]["id"]]


@pytest.mark.parametrize("quantity", [-1, 2.5, "3", 100, None])
def test_a_bad_quantity_answers_400(testapp, headers, cart, quantity):
    testapp.put_json(f"/api/cart/update/{cart['items'][0]['id']}/", {"quantity": quantity},
                     headers=headers, status=400)


def test_a_quantity_above_stock_answers_409(testapp, headers, cart):
    answer = testapp.put_json(f"/api/cart/update/{cart['items'][0]['id']}/", {"quantity": 6},
                              headers=headers, status=409).json
    assert "only 5 left" in answer["errors"][0]["description"]


def test_an_item_no_longer_sold_cannot_be_changed_but_can_be_removed(testapp, headers, cart, db):
    from core.catalog.models import Product

    db.get(Product, cart["items"][0]["product"]["id"]).is_active = False
    db.flush()
    item_id = cart["items"][0]["id"]
    testapp.put_json(f"/api/cart/update/{item_id}/", {"quantity": 1}, headers=headers, status=400)
    testapp.put_json(f"/api/cart/update/{item_id}/", {"quantity": 0}, headers=headers, status=200)


def test_another_users_item_answers_404(testapp, cart, make_user, auth_headers):
    other = auth_headers(make_user())
    item_id = cart["items"][0]["id"]
    testapp.put_json(f"/api/cart/update/{item_id}/", {"quantity": 1}, headers=other, status=404)
    testapp.delete(f"/api/cart/remove/{item_id}/", headers=other, status=404)


def test_an_unknown_or_malformed_item_id_answers_404_or_400(testapp, headers, cart):
    testapp.put_json("/api/cart/update/999999/", {"quantity": 1}, headers=headers, status=404)
    testapp.delete("/api/cart/remove/999999/", headers=headers, status=404)
    testapp.delete("/api/cart/remove/abc/", headers=headers, status=400)


def test_removing_an_item_answers_the_cart(testapp, headers, cart):
    answer = testapp.delete(f"/api/cart/remove/{cart['items'][0]['id']}/", headers=headers).json
    assert len(answer["items"]) == 1 and answer["subtotal"] == "5.00"


def test_emptying_the_cart_keeps_the_cart(testapp, headers, cart):
    answer = testapp.delete("/api/cart/", headers=headers).json
    assert answer["id"] == cart["id"] and answer["items"] == [] and answer["subtotal"] == "0.00"
