"""Vendor order services (docs/api.md › Vendors): the orders holding the vendor's lines, and shipping.

Only approved vendors get in (permission ``vendor``, then :func:`approved_vendor`); an order
without the vendor's lines is answered 404 like one that does not exist.  The logic lives in
:mod:`plugins.vendors.orders`; shipping fires ``agora_order_shipped`` and, when it completes
the order, ``agora_order_status_changed`` — both inside the shipping transaction.
"""
from __future__ import annotations

from cornice import Service

from core.openapi import responds
from core.pagination import paginate
from core.validation import In, validate
from plugins.vendors import orders
from plugins.vendors.access import approved_vendor, validate_optional_body
from plugins.vendors.schemas import ShipIn, VendorOrderListQuery, VendorOrderOut, VendorOrderPath

orders_svc = Service("vendor_orders", "/api/vendor/orders/", description="Orders holding the vendor's lines")
ship_svc = Service("vendor_order_ship", "/api/vendor/orders/{order_id}/ship/",
                   description="Mark the vendor's lines of an order shipped")
SERVICES = [orders_svc, ship_svc]


# ------------------------------------------------------------------ views
@orders_svc.get(schema=In(querystring=VendorOrderListQuery), validators=(validate,), permission="vendor")
@responds(200, VendorOrderOut, paginated=True)
def list_orders(request):
    """List the orders holding the vendor's lines, newest first (approved vendors).

    ``?status=`` (a fulfilment status) narrows both the orders and their lines.  Other plugins add
    fields to the lines through ``agora_vendor_order_lines`` (payouts: ``commission``, ``vendor_net``)."""
    vendor = approved_vendor(request, "see and ship orders")
    status = request.validated["querystring"].get("status")
    return paginate(
        request, orders.count_orders(request.db, vendor.id, status),
        lambda offset, limit: orders.page_of_orders(request.db, vendor.id, status, offset, limit),
        lambda rows: orders.orders_json(
            request.db, vendor.id, status, rows,
            lambda items: request.hooks.agora_vendor_order_lines(request=request, vendor=vendor, lines=items)),
    )


@ship_svc.post(schema=In(path=VendorOrderPath, body=ShipIn), validators=(validate_optional_body,),
               permission="vendor")
@responds(200, VendorOrderOut)
@responds(409, description="The order cannot be shipped now, or nothing of the vendor's is left to ship")
def ship_order(request):
    """Mark the vendor's pending lines of an order shipped (approved vendors).

    With an optional tracking number and carrier; when no line of the order is left to ship, the
    order becomes ``shipped``."""
    vendor = approved_vendor(request, "see and ship orders")
    body = request.validated["body"]
    tracking_number, carrier = body.get("tracking_number") or None, body.get("carrier") or None
    shipment = orders.ship(request.db, vendor, request.validated["path"]["order_id"], tracking_number, carrier)
    orders.announce_shipment(request, vendor, shipment, tracking_number, carrier)
    return orders.vendor_order_json(shipment.order, shipment.vendor_lines)
