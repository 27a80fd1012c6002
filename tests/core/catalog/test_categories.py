"""The category tree (public) and its management (managers and admins)."""
from __future__ import annotations

import pytest

from core.catalog.models import Category


@pytest.fixture
def tree(make_category):
    clothes = make_category("Clothes")
    shirts = make_category("Shirts", parent=clothes)
    make_category("Oxford", parent=shirts)
    make_category("Hidden", parent=clothes, active=False)
    make_category("Accessories")
    return clothes


def test_tree_nests_active_categories(testapp, tree):
    roots = testapp.get("/api/categories/").json
    assert [r["slug"] for r in roots] == ["accessories", "clothes"]
    clothes = roots[1]
    assert clothes["parent"] is None and [c["slug"] for c in clothes["children"]] == ["shirts"]
    shirts = clothes["children"][0]
    assert shirts["parent"] == "clothes" and shirts["children"][0]["slug"] == "oxford"


def test_one_category_with_its_sub_tree(testapp, tree):
    answer = testapp.get("/api/categories/shirts/").json
    assert answer["name"] == "Shirts" and answer["parent"] == "clothes"
    assert [c["slug"] for c in answer["children"]] == ["oxford"]


def test_unknown_or_inactive_category_is_404(testapp, tree):
    testapp.get("/api/categories/nope/", status=404)
    testapp.get("/api/categories/hidden/", status=404)


def test_manager_creates_a_category_with_a_generated_unique_slug(testapp, manager, auth_headers, tree):
    headers = auth_headers(manager)
    first = testapp.post_json("/api/categories/", {"name": "Café Crème", "parent": "clothes"},
                              headers=headers, status=201).json
    assert first["slug"] == "cafe-creme" and first["parent"] == "clothes" and first["children"] == []
    second = testapp.post_json("/api/categories/", {"name": "Café crème"}, headers=headers, status=201).json
    assert second["slug"] == "cafe-creme-2" and second["parent"] is None


def test_create_refuses_a_taken_slug_an_unknown_parent_and_a_blank_name(testapp, admin, auth_headers, tree):
    headers = auth_headers(admin)
    for body, name in [({"name": "X", "slug": "shirts"}, "slug"), ({"name": "X", "parent": "nope"}, "parent"),
                       ({"name": "  "}, "name"), ({"name": "X", "slug": "Not A Slug"}, "slug")]:
        error = testapp.post_json("/api/categories/", body, headers=headers, status=400).json
        assert error["errors"][0]["name"] == name


def test_rename_keeps_the_slug_and_move_changes_the_parent(testapp, manager, auth_headers, tree):
    headers = auth_headers(manager)
    renamed = testapp.patch_json("/api/categories/shirts/", {"name": "Shirts & Blouses"}, headers=headers).json
    assert renamed["slug"] == "shirts" and renamed["name"] == "Shirts & Blouses"
    moved = testapp.patch_json("/api/categories/shirts/", {"parent": "accessories"}, headers=headers).json
    assert moved["parent"] == "accessories"
    root = testapp.put_json("/api/categories/shirts/", {"name": "Shirts"}, headers=headers).json
    assert root["parent"] is None and root["slug"] == "shirts"


@pytest.mark.parametrize("new_parent", ["clothes", "shirts", "oxford"])
def test_a_move_below_itself_is_refused(testapp, manager, auth_headers, tree, new_parent):
    error = testapp.patch_json("/api/categories/clothes/", {"parent": new_parent},
                               headers=auth_headers(manager), status=400).json
    assert error["errors"][0]["name"] == "parent"


def test_delete_deactivates_and_hides_the_sub_tree(testapp, db, manager, auth_headers, tree):
    testapp.delete("/api/categories/shirts/", headers=auth_headers(manager), status=204)
    assert db.query(Category).filter_by(slug="shirts").one().is_active is False
    testapp.get("/api/categories/shirts/", status=404)
    testapp.get("/api/categories/oxford/", status=404)
    reactivated = testapp.patch_json("/api/categories/shirts/", {"is_active": True},
                                     headers=auth_headers(manager)).json
    assert reactivated["is_active"] is True


def test_unknown_category_is_404_for_managers_too(testapp, manager, auth_headers):
    testapp.patch_json("/api/categories/nope/", {"name": "X"}, headers=auth_headers(manager), status=404)


@pytest.mark.parametrize("method, path, body", [
    ("post_json", "/api/categories/", {"name": "New"}),
    ("put_json", "/api/categories/shirts/", {"name": "New"}),
    ("patch_json", "/api/categories/shirts/", {"name": "New"}),
    ("delete", "/api/categories/shirts/", None),
])
def test_category_writes_need_a_manager(testapp, customer, auth_headers, tree, method, path, body):
    call = getattr(testapp, method)
    args = (path, body) if body is not None else (path,)
    assert call(*args, status=401).json["errors"][0]["location"] == "header"
    call(*args, headers=auth_headers(customer), status=403)
