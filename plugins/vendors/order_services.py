"""Vendor order services (docs/api.md › Vendors): the orders holding the vendor's lines, and shipping.

Only approved vendors get in (permission ``vendor``, then :func:`approved_vendor`); an order
without the vendor's lines is answered 404 like one that does not exist.  The logic lives in
:mod:`plugins.vendors.orders`; shipping fires ``agora_order_shipped`` and, when it completes
the order, ``agora_order_status_changed`` — both inside the shipping transaction.
"""
from __future__ import annotations

from cornice import Service
from marshmallow import Schema, fields
from marshmallow import validate as mm

from core import audit
from core.catalog.models import Vendor
from core.errors import AgoraError
from core.openapi import responds
from core.orders.schemas import OrderItemOut
from core.pagination import PageQuery, paginate
from core.validation import BaseSchema, In, TrimmedString, validate
from plugins.vendors import onboarding, orders
from plugins.vendors.schemas import Id
from plugins.vendors.services import validate_optional_body

orders_svc = Service("vendor_orders", "/api/vendor/orders/", description="Orders holding the vendor's lines")
ship_svc = Service("vendor_order_ship", "/api/vendor/orders/{order_id}/ship/",
                   description="Mark the vendor's lines of an order shipped")
SERVICES = [orders_svc, ship_svc]


# ------------------------------------------------------------------ schemas
class VendorOrderListQuery(PageQuery):
    status = fields.String(validate=mm.OneOf(orders.FULFILLMENT_STATUSES), metadata={
        "description": "Only lines (and orders holding lines) in this fulfilment status"})


class VendorOrderPath(BaseSchema):
    order_id = Id(required=True, metadata={"description": "The order id"})


class ShipIn(BaseSchema):
    tracking_number = TrimmedString(allow_none=True, validate=mm.Length(max=120))
    carrier = TrimmedString(allow_none=True, validate=mm.Length(max=60))


class VendorOrderLineOut(OrderItemOut):
    """The customer's order line, as a vendor sees its own (no vendor field: it is the caller)."""

    # Added by other plugins through agora_vendor_order_lines (the payouts plugin, on paid lines).
    commission = fields.String(
        metadata={"description": "the platform's commission (paid lines; payouts plugin)", "optional": True})
    vendor_net = fields.String(metadata={"description": "what the vendor earns (paid lines; payouts plugin)", "optional": True})
    commission_rate = fields.String(metadata={"description": "the rate snapshotted when paid (payouts plugin)", "optional": True})

    class Meta:
        exclude = ("vendor",)


class ShipToOut(Schema):
    name = fields.String()
    line1 = fields.String()
    line2 = fields.String()
    city = fields.String()
    state = fields.String()
    postal_code = fields.String()
    country = fields.String()


class VendorOrderOut(Schema):
    order_id = fields.Integer()
    number = fields.String()
    status = fields.String()
    created_at = fields.DateTime()
    currency = fields.String()
    shipping_address = fields.Nested(ShipToOut)
    lines = fields.List(fields.Nested(VendorOrderLineOut))
    vendor_total = fields.String()


# ------------------------------------------------------------------ views
def approved_vendor(request) -> Vendor:
    vendor = onboarding.vendor_of(request.db, request.user.id)
    if vendor is None or vendor.status != "approved":
        state = "you have not applied" if vendor is None else f"your vendor account is {vendor.status}"
        raise AgoraError(403, f"Only approved vendors see and ship orders; {state}.", location="header")
    return vendor


@orders_svc.get(schema=In(querystring=VendorOrderListQuery), validators=(validate,), permission="vendor")
@responds(200, VendorOrderOut, paginated=True)
def list_orders(request):
    """List the orders holding the vendor's lines, newest first (approved vendors).

    ``?status=`` (a fulfilment status) narrows both the orders and their lines.  Other plugins add
    fields to the lines through ``agora_vendor_order_lines`` (payouts: ``commission``, ``vendor_net``)."""
    vendor = approved_vendor(request)
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
    vendor = approved_vendor(request)
    body = request.validated["body"]
    tracking_number, carrier = body.get("tracking_number") or None, body.get("carrier") or None
    shipment = orders.ship(request.db, vendor, request.validated["path"]["order_id"], tracking_number, carrier)
    order = shipment.order
    audit.record_request(request, "order.shipped", ("order", order.id), {"lines": [line.id for line in shipment.lines],
                         "tracking_number": tracking_number, "carrier": carrier, "status": {"old": shipment.old_status,
                         "new": order.status}})
    hook = request.hooks
    hook.agora_order_shipped(request=request, order=order, vendor=vendor, lines=shipment.lines,
                             tracking_number=tracking_number, carrier=carrier)
    if shipment.order_shipped:
        hook.agora_order_status_changed(request=request, order=order, old_status=shipment.old_status,
                                        new_status="shipped", note=shipment.note)
    return orders.vendor_order_json(order, shipment.vendor_lines)
