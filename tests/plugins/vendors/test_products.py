"""Vendor product management (docs/api.md › Vendors › /api/vendor/products/)."""
from __future__ import annotations

from sqlalchemy import select

from core.catalog.models import Product, Size, Variant
from tests.plugins.vendors.conftest import body


def errors_of(answer) -> dict:
    return {e["name"]: e["description"] for e in answer.json["errors"]}


def test_creating_a_product_with_variants_sizes_and_images_answers_its_detail(created_product):
    product = created_product
    assert product["is_active"] is True
    assert product["slug"] == "linen-shirt"
    assert (product["price"], product["currency"]) == ("49.90", "USD")
    assert product["category"] == {"slug": "shirts", "name": "Shirts"}
    assert product["vendor"]["name"] == "Blue Loom"
    white, navy = product["variants"]
    assert (white["price"], navy["price"]) == ("49.90", "54.90")
    assert [(s["label"], s["stock"]) for s in white["sizes"]] == [("S", 3), ("M", 5)]
    assert white["images"][0]["url"] == "https://cdn.example.com/white.jpg"
    assert product["in_stock"] is True and product["image"] == "https://cdn.example.com/white.jpg"


def test_missing_skus_are_generated_and_unique(created_product):
    skus = [v["sku"] for v in created_product["variants"]]
    skus += [s["sku"] for v in created_product["variants"] for s in v["sizes"]]
    assert skus[:2] == ["LINEN-SHIRT-WHITE", "LINEN-SHIRT-NAVY"]
    assert "LINEN-SHIRT-WHITE-S" in skus
    assert len(set(skus)) == len(skus)


def test_a_second_product_with_the_same_name_gets_its_own_slug_and_skus(testapp, vendor_headers, created_product):
    second = testapp.post_json("/api/vendor/products/", body(), headers=vendor_headers, status=201).json
    assert second["slug"] == "linen-shirt-2"
    assert second["variants"][0]["sku"] == "LINEN-SHIRT-2-WHITE"


def test_a_bad_nested_field_is_named_by_its_path(testapp, vendor_headers, category):
    data = body()
    data["variants"][1]["sizes"][0]["stock"] = -1
    data["variants"][0]["sizes"][1]["stock"] = "many"
    answer = testapp.post_json("/api/vendor/products/", data, headers=vendor_headers, status=400)
    assert set(errors_of(answer)) == {"variants.1.sizes.0.stock", "variants.0.sizes.1.stock"}


def test_a_new_variant_or_size_must_be_complete(testapp, vendor_headers, category):
    data = body(variants=[{"sizes": [{"label": "S"}]}])
    answer = testapp.post_json("/api/vendor/products/", data, headers=vendor_headers, status=400)
    assert {"variants.0.name", "variants.0.sizes.0.stock"} <= set(errors_of(answer))


def test_required_product_fields_are_reported(testapp, vendor_headers, category):
    answer = testapp.post_json("/api/vendor/products/", {}, headers=vendor_headers, status=400)
    assert {"name", "category", "price", "variants"} <= set(errors_of(answer))


def test_another_currency_than_the_shops_is_refused(testapp, vendor_headers, category):
    answer = testapp.post_json("/api/vendor/products/", body(currency="EUR"), headers=vendor_headers, status=400)
    assert "USD" in errors_of(answer)["currency"]
    testapp.post_json("/api/vendor/products/", body(currency="usd"), headers=vendor_headers, status=201)


def test_amounts_with_too_many_decimals_are_refused(testapp, vendor_headers, category):
    data = body(price="10.999")
    data["variants"][1]["price"] = "1.001"
    answer = testapp.post_json("/api/vendor/products/", data, headers=vendor_headers, status=400)
    assert set(errors_of(answer)) == {"price", "variants.1.price"}
    answer = testapp.post_json("/api/vendor/products/", body(price="99999999999"), headers=vendor_headers, status=400)
    assert "at most 21474836.47" in errors_of(answer)["price"]


def test_an_unknown_category_is_refused(testapp, vendor_headers, category):
    answer = testapp.post_json("/api/vendor/products/", body(category="hats"), headers=vendor_headers, status=400)
    assert "category" in errors_of(answer)


def test_a_taken_slug_is_refused(testapp, vendor_headers, created_product):
    answer = testapp.post_json("/api/vendor/products/", body(slug="linen-shirt"), headers=vendor_headers, status=400)
    assert "slug" in errors_of(answer)
    testapp.post_json("/api/vendor/products/", body(slug="Not A Slug"), headers=vendor_headers, status=400)


def test_a_duplicate_sku_in_the_body_is_refused(testapp, vendor_headers, category):
    data = body()
    data["variants"][0]["sku"] = "SHIRT-1"
    data["variants"][1]["sizes"][0]["sku"] = "SHIRT-1"
    answer = testapp.post_json("/api/vendor/products/", data, headers=vendor_headers, status=400)
    assert set(errors_of(answer)) == {"variants.1.sizes.0.sku"}


def test_a_sku_used_by_another_of_the_vendors_products_is_refused(testapp, vendor_headers, created_product):
    data = body()
    data["variants"][0]["sku"] = created_product["variants"][1]["sizes"][0]["sku"]
    answer = testapp.post_json("/api/vendor/products/", data, headers=vendor_headers, status=400)
    assert "already used" in errors_of(answer)["variants.0.sku"]


def test_skus_are_unique_per_vendor_not_across_vendors(testapp, make_vendor, auth_headers, category):
    data = body()
    data["variants"][0]["sku"] = "SAME-SKU"
    for _ in range(2):
        testapp.post_json("/api/vendor/products/", data, headers=auth_headers(make_vendor().user), status=201)


def test_customers_and_vendors_that_are_not_approved_may_not_manage_products(
        testapp, customer, make_vendor, auth_headers, category):
    testapp.post_json("/api/vendor/products/", body(), status=401)
    testapp.get("/api/vendor/products/", headers=auth_headers(customer), status=403)
    testapp.post_json("/api/vendor/products/", body(), headers=auth_headers(customer), status=403)
    for status in ("pending", "rejected", "suspended"):
        headers = auth_headers(make_vendor(status).user)
        testapp.post_json("/api/vendor/products/", body(), headers=headers, status=403)


def test_a_vendor_whose_account_is_not_approved_is_refused_even_with_the_vendor_role(
        testapp, db, vendor, vendor_headers, category):
    vendor.status = "suspended"
    db.flush()
    answer = testapp.get("/api/vendor/products/", headers=vendor_headers, status=403)
    assert "suspended" in answer.json["errors"][0]["description"]


def test_the_list_shows_only_the_vendors_own_products_active_or_not(
        testapp, make_vendor, auth_headers, vendor_headers, created_product):
    other = make_vendor()
    testapp.post_json("/api/vendor/products/", body(name="Other"), headers=auth_headers(other.user), status=201)
    testapp.delete(f"/api/vendor/products/{created_product['id']}/", headers=vendor_headers, status=204)
    answer = testapp.get("/api/vendor/products/", headers=vendor_headers).json
    assert answer["count"] == 1
    assert [(p["id"], p["is_active"]) for p in answer["results"]] == [(created_product["id"], False)]
    testapp.get("/api/vendor/products/?page=2", headers=vendor_headers, status=404)


def test_another_vendors_product_is_not_found(testapp, make_vendor, auth_headers, created_product):
    headers = auth_headers(make_vendor().user)
    url = f"/api/vendor/products/{created_product['id']}/"
    testapp.get(url, headers=headers, status=404)
    testapp.put_json(url, body(), headers=headers, status=404)
    testapp.patch_json(url, {"name": "Mine now"}, headers=headers, status=404)
    testapp.delete(url, headers=headers, status=404)


def test_unknown_and_malformed_product_ids(testapp, vendor_headers, category):
    testapp.get("/api/vendor/products/999999/", headers=vendor_headers, status=404)
    testapp.get("/api/vendor/products/abc/", headers=vendor_headers, status=400)
    testapp.get("/api/vendor/products/99999999999999/", headers=vendor_headers, status=400)


def test_get_answers_the_vendors_product(testapp, vendor_headers, created_product):
    answer = testapp.get(f"/api/vendor/products/{created_product['id']}/", headers=vendor_headers).json
    assert answer == created_product


def test_put_replaces_retires_left_out_variants_and_keeps_stock_of_kept_sizes(
        testapp, db, vendor_headers, created_product):
    white, navy = created_product["variants"]
    small, medium = white["sizes"]
    data = body(name="Linen Shirt II", description="", price="45.00", variants=[
        {"id": white["id"], "name": "Ivory",
         "sizes": [{"id": medium["id"], "label": "M"}, {"label": "L", "stock": 7}]},
        {"name": "Black", "sizes": [{"label": "S", "stock": 1}]},
    ])
    answer = testapp.put_json(f"/api/vendor/products/{created_product['id']}/", data, headers=vendor_headers).json
    assert (answer["name"], answer["description"], answer["price"]) == ("Linen Shirt II", "", "45.00")
    assert answer["slug"] == "linen-shirt"  # URLs stay stable
    assert [v["name"] for v in answer["variants"]] == ["Ivory", "Black"]
    ivory = answer["variants"][0]
    assert ivory["id"] == white["id"] and ivory["sku"] == white["sku"]
    assert [(s["id"], s["stock"]) for s in ivory["sizes"]][0] == (medium["id"], 5)
    assert [s["label"] for s in ivory["sizes"]] == ["M", "L"]
    assert ivory["images"] == white["images"]  # images not named: unchanged
    # Retired rows stay in the database for order history.
    assert db.scalar(select(Variant.is_active).where(Variant.id == navy["id"])) is False
    assert db.scalar(select(Size.is_active).where(Size.id == small["id"])) is False


def test_patch_changes_only_what_it_names(testapp, vendor_headers, created_product):
    url = f"/api/vendor/products/{created_product['id']}/"
    answer = testapp.patch_json(url, {"name": "Renamed"}, headers=vendor_headers).json
    assert answer["name"] == "Renamed"
    assert answer["variants"] == created_product["variants"]
    assert answer["description"] == created_product["description"]


def test_patch_adds_a_size_and_updates_stock_without_losing_the_others(testapp, vendor_headers, created_product):
    white, navy = created_product["variants"]
    variants = [
        {"id": white["id"], "sizes": [{"id": s["id"]} for s in white["sizes"]] + [{"label": "XL", "stock": 2}]},
        {"id": navy["id"], "price": None, "sizes": [{"id": navy["sizes"][0]["id"], "stock": 9}]},
    ]
    answer = testapp.patch_json(f"/api/vendor/products/{created_product['id']}/", {"variants": variants},
                                headers=vendor_headers).json
    white_after, navy_after = answer["variants"]
    assert [(s["label"], s["stock"]) for s in white_after["sizes"]] == [("S", 3), ("M", 5), ("XL", 2)]
    assert navy_after["sizes"][0]["stock"] == 9
    assert navy_after["price"] == "49.90"  # override removed: the product price applies


def test_ids_of_rows_of_another_product_are_refused(testapp, vendor_headers, created_product):
    other = testapp.post_json("/api/vendor/products/", body(), headers=vendor_headers, status=201).json
    foreign = other["variants"][0]
    variants = [{"id": foreign["id"]},
                {"id": created_product["variants"][0]["id"], "sizes": [{"id": foreign["sizes"][0]["id"]}]}]
    answer = testapp.patch_json(f"/api/vendor/products/{created_product['id']}/", {"variants": variants},
                                headers=vendor_headers, status=400)
    assert set(errors_of(answer)) == {"variants.0.id", "variants.1.sizes.0.id"}


def test_put_needs_the_whole_product(testapp, vendor_headers, created_product):
    answer = testapp.put_json(f"/api/vendor/products/{created_product['id']}/", {"name": "Only a name"},
                              headers=vendor_headers, status=400)
    assert {"category", "price", "variants"} <= set(errors_of(answer))


def test_delete_deactivates_the_product_and_keeps_its_rows(testapp, db, vendor_headers, created_product):
    url = f"/api/vendor/products/{created_product['id']}/"
    testapp.delete(url, headers=vendor_headers, status=204)
    assert db.scalar(select(Product.is_active).where(Product.id == created_product["id"])) is False
    assert db.scalar(select(Variant.id).where(Variant.product_id == created_product["id"]).limit(1))
    assert testapp.get(url, headers=vendor_headers).json["is_active"] is False
    assert testapp.patch_json(url, {"is_active": True}, headers=vendor_headers).json["is_active"] is True
