"""GET /api/products/{slug}/: active variants, sizes and images; 404 for what is not public."""
from __future__ import annotations


def test_detail_shows_active_variants_with_active_sizes_and_images(testapp, db, make_category, make_product):
    product = make_product(category=make_category("Shoes"), name="Runner", slug="runner", price=8000,
                           description="Fast.", variants=[{"name": "Red", "price": 7500, "sizes": {"S": 0, "M": 3}, "images": 2},
                                                         {"name": "Blue", "sizes": {"S": 1}},
                                                         {"name": "Retired", "active": False}])
    answer = testapp.get("/api/products/runner/").json
    assert answer["id"] == product.id and answer["description"] == "Fast." and answer["price"] == "75.00"
    assert answer["category"] == {"slug": "shoes", "name": "Shoes"} and answer["vendor"] is None
    assert [v["name"] for v in answer["variants"]] == ["Red", "Blue"]
    red, blue = answer["variants"]
    assert red["price"] == "75.00" and blue["price"] == "80.00"
    assert [(s["stock"], s["in_stock"]) for s in red["sizes"]] == [(0, False), (3, True)]
    assert [set(i) for i in red["images"]] == [{"id", "url", "alt"}] * 2
    assert answer["created_at"].endswith("+00:00") and answer["updated_at"]


def test_retired_sizes_are_not_shown(testapp, db, make_category, make_product):
    from core.catalog.models import Size

    make_product(category=make_category("Hats"), name="Beanie", slug="beanie", sizes={"S": 1, "M": 2})
    size = db.query(Size).filter(Size.stock == 2).one()
    size.is_active = False
    db.flush()
    sizes = testapp.get("/api/products/beanie/").json["variants"][0]["sizes"]
    assert [s["stock"] for s in sizes] == [1]


def test_unknown_inactive_or_hidden_products_are_404(testapp, make_category, make_product):
    live = make_category("Live")
    make_product(category=live, name="Old", slug="old", is_active=False)
    make_product(category=make_category("Closed", active=False), name="Orphan", slug="orphan")
    for slug in ("nothing-here", "old", "orphan"):
        error = testapp.get(f"/api/products/{slug}/", status=404).json
        assert error["status"] == "error" and error["errors"][0]["location"] == "path"
