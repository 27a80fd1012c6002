"""POST /api/wishlist/bulk-add/ and /bulk-remove/."""
from __future__ import annotations

import pytest

from plugins.wishlist.settings import MAX_BULK


def test_bulk_add_reports_what_was_added_and_skipped(testapp, headers, make_product):
    kept, new, gone = make_product().id, make_product().id, make_product(is_active=False).id
    testapp.post_json("/api/wishlist/add/", {"product_id": kept}, headers=headers)
    answer = testapp.post_json("/api/wishlist/bulk-add/",
                               {"product_ids": [kept, new, 999_999, gone, new]}, headers=headers).json
    assert answer == {"added": [new], "skipped": [
        {"product_id": kept, "reason": "already_in_wishlist"},
        {"product_id": 999_999, "reason": "not_found"},
        {"product_id": gone, "reason": "not_sold"},
    ]}
    assert testapp.get("/api/wishlist/", headers=headers).json["count"] == 2


@pytest.mark.parametrize("ids", [[], list(range(1, MAX_BULK + 2)), ["a"], [0], None, "1"])
def test_bulk_bodies_out_of_bounds_answer_400(testapp, headers, ids):
    testapp.post_json("/api/wishlist/bulk-add/", {"product_ids": ids}, headers=headers, status=400)
    testapp.post_json("/api/wishlist/bulk-remove/", {"ids": ids}, headers=headers, status=400)


def test_bulk_remove_counts_only_the_callers_entries(testapp, headers, make_product, make_user, auth_headers):
    mine = [testapp.post_json("/api/wishlist/add/", {"product_id": make_product().id},
                              headers=headers).json["id"] for _ in range(3)]
    other = auth_headers(make_user())
    theirs = testapp.post_json("/api/wishlist/add/", {"product_id": make_product().id}, headers=other).json["id"]
    answer = testapp.post_json("/api/wishlist/bulk-remove/", {"ids": mine[:2] + [theirs, 999_999]},
                               headers=headers).json
    assert answer == {"removed": 2}
    assert testapp.get("/api/wishlist/", headers=headers).json["count"] == 1
    assert testapp.get("/api/wishlist/", headers=other).json["count"] == 1
