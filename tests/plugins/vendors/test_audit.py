"""The vendors plugin's staff writes are in the audit log (core.audit): managers' decisions on
vendors, and a vendor's product, variant/size/stock and image writes and shipments."""
from __future__ import annotations

import json

from core.orders.models import Order
from core.testing import ADDRESS, AS_CLIENT, audit_trail, audited, sizes_of
from tests.plugins.vendors.conftest import body, image_bytes

ENV = AS_CLIENT["environ"]


def _h(headers: dict) -> dict:
    return {**headers, **AS_CLIENT["headers"]}


def test_approve_reject_and_suspend_are_recorded_with_the_status_move(testapp, db, manager, auth_headers,
                                                                     make_vendor):
    headers = _h(auth_headers(manager))
    pending, other = make_vendor("pending"), make_vendor("pending")
    testapp.post(f"/api/manager/vendors/{pending.id}/approve/", headers=headers, extra_environ=ENV)
    audited(db, "vendor.approved", actor=manager, target=("vendor", pending.id),
            changes={"status": {"old": "pending", "new": "approved"}})
    testapp.post_json(f"/api/manager/vendors/{pending.id}/suspend/", {"reason": "chargebacks"}, headers=headers,
                      extra_environ=ENV)
    audited(db, "vendor.suspended", actor=manager, target=("vendor", pending.id),
            changes={"status": {"old": "approved", "new": "suspended"}, "reason": "chargebacks"})
    testapp.post_json(f"/api/manager/vendors/{other.id}/reject/", {"reason": "no shop"}, headers=headers,
                      extra_environ=ENV)
    audited(db, "vendor.rejected", actor=manager, target=("vendor", other.id),
            changes={"status": {"old": "pending", "new": "rejected"}})


def test_product_create_update_and_deactivate_are_recorded(testapp, db, vendor, vendor_headers, category):
    headers = _h(vendor_headers)
    made = testapp.post_json("/api/vendor/products/", body(), headers=headers, extra_environ=ENV, status=201).json
    row = audited(db, "product.created", actor=vendor.user, target=("product", made["id"]),
                  changes={"name": "Linen Shirt", "price": 4990, "is_active": True})
    assert [v["name"] for v in row.changes["variants"]] == ["White", "Navy"]
    url = f"/api/vendor/products/{made['id']}/"
    testapp.patch_json(url, {"name": "Linen Shirt II", "price": "44.90"}, headers=headers, extra_environ=ENV)
    row = audited(db, "product.updated", actor=vendor.user, target=("product", made["id"]),
                  changes={"name": {"old": "Linen Shirt", "new": "Linen Shirt II"}, "price": {"old": 4990, "new": 4490}})
    assert "variants" not in row.changes and "description" not in row.changes
    testapp.delete(url, headers=headers, extra_environ=ENV, status=204)
    audited(db, "product.deactivated", actor=vendor.user, target=("product", made["id"]),
            changes={"is_active": {"old": True, "new": False}})


def test_variant_size_and_stock_writes_are_recorded_with_the_product(testapp, db, vendor, vendor_headers,
                                                                      created_product):
    variants = [{"name": "White", "sizes": [{"label": "S", "stock": 9}]}]
    testapp.patch_json(f"/api/vendor/products/{created_product['id']}/", {"variants": variants},
                       headers=_h(vendor_headers), extra_environ=ENV)
    row = audited(db, "product.updated", actor=vendor.user, target=("product", created_product["id"]))
    assert row.changes["variants"] == variants


def test_image_upload_and_removal_are_recorded(testapp, db, vendor, vendor_headers, created_product):
    variant = created_product["variants"][0]
    url = f"/api/vendor/products/{created_product['id']}/variants/{variant['id']}/images/"
    image = testapp.post(url, {"alt": "front"}, upload_files=[("file", "p.png", image_bytes())],
                         headers=_h(vendor_headers), extra_environ=ENV, status=201).json
    audited(db, "product.image_added", actor=vendor.user, target=("image", image["id"]),
            changes={"product_id": created_product["id"], "variant_id": variant["id"], "url": image["url"],
                     "alt": "front"})
    testapp.delete(f"{url}{image['id']}/", headers=_h(vendor_headers), extra_environ=ENV, status=204)
    audited(db, "product.image_removed", actor=vendor.user, target=("image", image["id"]),
            changes={"variant_id": variant["id"]})


def test_a_shipment_is_recorded(testapp, db, vendor, vendor_headers, customer, auth_headers, manager,
                               make_product):
    size = sizes_of(db, make_product(vendor=vendor, stock=5))[0]
    buyer = auth_headers(customer)
    testapp.post_json("/api/cart/add/", {"size_id": size.id, "quantity": 1}, headers=buyer, status=201)
    intent = testapp.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                               headers=buyer).json["payment_intent_id"]
    order = testapp.post_json("/api/orders/checkout/", {"payment_intent_id": intent, "shipping_address": ADDRESS},
                              headers=buyer, status=201).json
    testapp.post_json(f"/api/orders/{order['id']}/status/", {"status": "paid"}, headers=auth_headers(manager))
    testapp.post_json(f"/api/vendor/orders/{order['id']}/ship/", {"tracking_number": "TRK123", "carrier": "DHL"},
                      headers=_h(vendor_headers), extra_environ=ENV)
    audited(db, "order.shipped", actor=vendor.user, target=("order", order["id"]),
            changes={"lines": [order["items"][0]["id"]], "tracking_number": "TRK123", "carrier": "DHL",
                     "status": {"old": "paid", "new": "shipped"}})
    assert db.get(Order, order["id"]).status == "shipped"


def test_a_refused_product_write_leaves_no_row(testapp, db, vendor_headers, created_product):
    testapp.patch_json(f"/api/vendor/products/{created_product['id']}/", {"category": "no-such-category"},
                       headers=vendor_headers, status=400)
    assert audit_trail(db, "product.updated") == []
    assert "password" not in json.dumps([r.changes for r in audit_trail(db)])
