"""Catalog reads issue a constant, small number of SQL statements (≤ 4, anonymous)."""
from __future__ import annotations

from core.catalog.serialize import product_detail, product_summaries


def count_for(testapp, statements, url) -> int:
    statements.clear()
    testapp.get(url)
    return len(statements)


def test_list_statement_count_does_not_grow_with_page_size(testapp, statements, make_category, make_product,
                                                            make_vendor):
    category = make_category("Bulk")
    vendor = make_vendor()
    for n in range(30):
        make_product(category, f"Item {n}", vendor=vendor if n % 2 else None)
    one = count_for(testapp, statements, "/api/products/?page_size=1")
    many = count_for(testapp, statements, "/api/products/?page_size=100&category=bulk&search=item")
    assert one == many <= 4


def test_detail_statement_count_does_not_grow_with_variants(testapp, statements, make_category, make_product):
    category = make_category("Shoes")
    make_product(category, "Small", slug="small", variants=[{"stocks": [1], "images": 1}])
    make_product(category, "Large", slug="large",
                 variants=[{"stocks": [1, 2, 3, 4, 5, 6], "images": 4} for _ in range(4)])
    small = count_for(testapp, statements, "/api/products/small/")
    large = count_for(testapp, statements, "/api/products/large/")
    assert small == large == 4  # cold: the version, the product, product_detail's two
    small = count_for(testapp, statements, "/api/products/small/")
    large = count_for(testapp, statements, "/api/products/large/")
    assert small == large == 2  # cached per catalog version: the version and the live stock


def test_category_tree_is_two_statements_then_one_when_cached(testapp, statements, make_category):
    root = make_category("Root")
    for n in range(5):
        make_category(f"Child {n}", parent=root)
    assert count_for(testapp, statements, "/api/categories/") == 2  # catalog version + the tree
    assert count_for(testapp, statements, "/api/categories/") == 1  # the version only


def test_serializers_batch_their_loading(db, statements, make_category, make_product):
    category = make_category("Any")
    products = [make_product(category, f"P{n}", variants=[{"stocks": [1, 2]}] * 3) for n in range(10)]
    db.expire_all()
    products = [db.get(type(p), p.id) for p in products]
    statements.clear()
    summaries = product_summaries(db, products)
    assert len(statements) == 1 and [s["id"] for s in summaries] == [p.id for p in products]
    statements.clear()
    detail = product_detail(db, products[0])
    assert len(statements) == 3 and len(detail["variants"]) == 3  # labels, variants with sizes, images
