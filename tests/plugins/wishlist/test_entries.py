"""Add, list and remove wishlist entries (docs/api.md › Wishlist)."""
from __future__ import annotations

import pytest


def add(testapp, headers, product_id, status=201):
    return testapp.post_json("/api/wishlist/add/", {"product_id": product_id}, headers=headers, status=status).json


def test_wishlist_needs_a_token(testapp):
    testapp.get("/api/wishlist/", status=401)
    testapp.post_json("/api/wishlist/add/", {"product_id": 1}, status=401)
    testapp.delete("/api/wishlist/remove/1/", status=401)
    testapp.post_json("/api/wishlist/bulk-add/", {"product_ids": [1]}, status=401)
    testapp.post_json("/api/wishlist/bulk-remove/", {"ids": [1]}, status=401)
    testapp.post_json("/api/wishlist/1/move-to-cart/", {"size_id": 1}, status=401)


def test_adding_answers_201_with_the_entry(testapp, headers, make_product):
    product = make_product(price=1999)
    entry = add(testapp, headers, product.id)
    assert entry["product"]["id"] == product.id and entry["product"]["price"] == "19.99"
    assert entry["available"] is True and entry["added_at"]


def test_adding_again_answers_200_and_adds_nothing(testapp, headers, make_product):
    product = make_product()
    first = add(testapp, headers, product.id)
    again = add(testapp, headers, product.id, status=200)
    assert again["id"] == first["id"]
    assert testapp.get("/api/wishlist/", headers=headers).json["count"] == 1


def test_an_unknown_product_answers_404(testapp, headers):
    assert add(testapp, headers, 999_999, status=404)["errors"][0]["name"] == "product_id"


@pytest.mark.parametrize("body", [{}, {"product_id": "x"}, {"product_id": 1.5}, {"product_id": 0}])
def test_a_bad_body_answers_400(testapp, headers, body):
    testapp.post_json("/api/wishlist/add/", body, headers=headers, status=400)


def test_a_product_not_sold_cannot_be_added(testapp, headers, make_product, make_vendor):
    add(testapp, headers, make_product(is_active=False).id, status=400)
    add(testapp, headers, make_product(vendor=make_vendor("suspended")).id, status=400)


def test_the_list_is_paginated_newest_first(testapp, headers, make_product):
    ids = [add(testapp, headers, make_product().id)["id"] for _ in range(3)]
    page = testapp.get("/api/wishlist/?page_size=2", headers=headers).json
    assert page["count"] == 3 and page["previous"] is None and "page=2" in page["next"]
    assert [e["id"] for e in page["results"]] == ids[::-1][:2]
    last = testapp.get("/api/wishlist/?page_size=2&page=2", headers=headers).json
    assert [e["id"] for e in last["results"]] == [ids[0]] and last["next"] is None
    testapp.get("/api/wishlist/?page=3&page_size=2", headers=headers, status=404)
    testapp.get("/api/wishlist/?page_size=0", headers=headers, status=400)


def test_an_empty_wishlist_is_an_empty_first_page(testapp, headers):
    assert testapp.get("/api/wishlist/", headers=headers).json == {
        "count": 0, "next": None, "previous": None, "results": []}


def test_products_no_longer_sold_stay_listed_as_unavailable(testapp, headers, make_product, db):
    product = make_product()
    add(testapp, headers, product.id)
    product.is_active = False
    db.flush()
    [entry] = testapp.get("/api/wishlist/", headers=headers).json["results"]
    assert entry["product"]["id"] == product.id and entry["available"] is False


def test_removing_answers_204(testapp, headers, make_product):
    entry = add(testapp, headers, make_product().id)
    testapp.delete(f"/api/wishlist/remove/{entry['id']}/", headers=headers, status=204)
    assert testapp.get("/api/wishlist/", headers=headers).json["count"] == 0


def test_another_users_entry_answers_404(testapp, headers, make_product, make_user, auth_headers):
    entry = add(testapp, headers, make_product().id)
    testapp.delete(f"/api/wishlist/remove/{entry['id']}/", headers=auth_headers(make_user()), status=404)
    testapp.delete("/api/wishlist/remove/999999/", headers=headers, status=404)
    assert testapp.get("/api/wishlist/", headers=headers).json["count"] == 1


def test_the_wishlist_is_capped(app_with, customer, make_product):
    from core.testing import bearer

    app = app_with(["wishlist"], {"agora.wishlist.max_items": "2"})
    headers = bearer(app, customer)
    first, second, third = (make_product().id for _ in range(3))
    for pid in (first, second):
        app.post_json("/api/wishlist/add/", {"product_id": pid}, headers=headers, status=201)
    answer = app.post_json("/api/wishlist/add/", {"product_id": third}, headers=headers, status=400).json
    assert "full" in answer["errors"][0]["description"]
    app.post_json("/api/wishlist/add/", {"product_id": first}, headers=headers, status=200)  # still idempotent
    bulk = app.post_json("/api/wishlist/bulk-add/", {"product_ids": [third]}, headers=headers).json
    assert bulk == {"added": [], "skipped": [{"product_id": third, "reason": "wishlist_full"}]}


def test_the_default_cap_is_500(loaded):
    from plugins.wishlist.settings import max_items

    assert max_items(loaded[0]) == 500
