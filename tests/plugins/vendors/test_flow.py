"""From application to a published product, and the visibility rule of the public catalog."""
from __future__ import annotations

from tests.plugins.vendors.conftest import body, image_bytes


def test_a_vendor_goes_from_application_to_a_published_product_with_an_uploaded_image(
        testapp, customer, manager, auth_headers, category, vendor_events):
    seller = auth_headers(customer)
    application = testapp.post_json("/api/vendor/apply/", {"store_name": "North Knits"}, headers=seller,
                                    status=201).json
    testapp.post_json("/api/vendor/products/", body(), headers=seller, status=403)  # not approved yet
    testapp.post(f"/api/manager/vendors/{application['id']}/approve/", headers=auth_headers(manager), status=200)

    product = testapp.post_json("/api/vendor/products/", body(name="Wool Scarf"), headers=seller, status=201).json
    variant = product["variants"][0]
    image = testapp.post(f"/api/vendor/products/{product['id']}/variants/{variant['id']}/images/",
                         {"alt": "Scarf"}, upload_files=[("file", "scarf.jpg", image_bytes("JPEG"))],
                         headers=seller, status=201).json

    public = testapp.get(f"/api/products/{product['slug']}/").json
    assert public["vendor"] == {"slug": "north-knits", "name": "North Knits"}
    assert [(s["label"], s["stock"]) for s in public["variants"][0]["sizes"]] == [("S", 3), ("M", 5)]
    assert image["url"] in [i["url"] for i in public["variants"][0]["images"]]
    listed = testapp.get("/api/products/?vendor=north-knits").json
    assert [p["slug"] for p in listed["results"]] == [product["slug"]]
    assert vendor_events.names() == ["applied", "approved"]


def test_a_suspended_vendors_products_disappear_from_the_public_catalog(
        testapp, vendor, manager, auth_headers, created_product):
    url = f"/api/products/{created_product['slug']}/"
    testapp.get(url, status=200)
    testapp.post_json(f"/api/manager/vendors/{vendor.id}/suspend/", {"reason": "Complaints"},
                      headers=auth_headers(manager), status=200)
    testapp.get(url, status=404)
    assert testapp.get("/api/products/").json["count"] == 0


def test_products_of_pending_vendors_are_invisible(testapp, make_vendor, make_product, category):
    make_product(vendor=make_vendor("pending"), category=category, name="Hidden", slug="hidden", price=100)
    testapp.get("/api/products/hidden/", status=404)


def test_products_without_a_vendor_stay_visible(testapp, make_product, category):
    make_product(category=category, name="House brand", slug="house-brand", price=100)
    assert testapp.get("/api/products/house-brand/").json["vendor"] is None


def test_a_deactivated_product_leaves_the_public_catalog(testapp, vendor_headers, created_product):
    testapp.delete(f"/api/vendor/products/{created_product['id']}/", headers=vendor_headers, status=204)
    testapp.get(f"/api/products/{created_product['slug']}/", status=404)


def test_the_openapi_document_describes_the_vendor_services(testapp):
    paths = testapp.get("/api/openapi.json").json["paths"]
    for path in ("/api/vendor/apply/", "/api/vendor/profile/", "/api/vendor/products/",
                 "/api/vendor/products/{id}/", "/api/vendor/products/{id}/variants/{variant_id}/images/",
                 "/api/manager/vendors/", "/api/manager/vendors/{id}/approve/"):
        assert path in paths
    assert set(paths["/api/vendor/products/{id}/"]) == {"get", "put", "patch", "delete"}
