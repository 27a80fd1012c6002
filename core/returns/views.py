"""The returns services (docs/api.md › Returns and partial refunds): thin views over the domain.

Each view reads its validated input, makes one call into ``lifecycle`` (request, decide),
``receipt`` (receive) or ``access`` (lists), and serializes the result.
"""
from __future__ import annotations

from cornice import Service

from core import audit
from core.openapi import responds
from core.pagination import paginate
from core.returns import access, lifecycle, receipt
from core.returns.schemas import (
    DecisionIn,
    OrderIdPath,
    ReceiveIn,
    RejectIn,
    ReturnIdPath,
    ReturnIn,
    ReturnListQuery,
    ReturnOut,
)
from core.returns.serialize import returns_json
from core.validation import In, validate

order_returns_svc = Service("order_returns", "/api/orders/{id:\\d+}/returns/", description="Return part of an order")
returns_svc = Service("returns", "/api/returns/", description="Returns")
return_svc = Service("return", "/api/returns/{id:\\d+}/", description="One return")
approve_svc = Service("return_approve", "/api/returns/{id:\\d+}/approve/", description="Approve a return")
reject_svc = Service("return_reject", "/api/returns/{id:\\d+}/reject/", description="Reject a return")
receive_svc = Service("return_receive", "/api/returns/{id:\\d+}/receive/", description="Receive and refund a return")

SERVICES = [order_returns_svc, returns_svc, return_svc, approve_svc, reject_svc, receive_svc]

DECIDERS = "Only the vendor of every line of the return, or a manager (a return with lines of two sellers is " \
           "decided by a manager)"


def _one(request, return_id: int) -> dict:
    return returns_json(request.db, [return_id])[0]


@order_returns_svc.post(schema=In(path=OrderIdPath, body=ReturnIn), validators=(validate,), permission="authenticated")
@responds(201, ReturnOut)
@responds(403, description="Staff cannot request a return for a customer")
@responds(409, description="The order is not shipped or delivered, was not paid, or its return window closed")
def request_return(request):
    """Ask to return some units of an order (its customer).

    The order must be shipped or delivered, within ``agora.returns.window_days`` of that. Each
    item names a line and a quantity: more than bought minus what other returns (not rejected)
    already name is a 400 on ``items.N.quantity``. The answer shows the refund the return will
    make."""
    body = request.validated["body"]
    created = lifecycle.request_return(request, request.db, request.settings, request.user,
                                       request.validated["path"]["id"], body["items"], body["note"])
    request.response.status = 201
    return _one(request, created.id)


@returns_svc.get(schema=In(querystring=ReturnListQuery), validators=(validate,), permission="authenticated")
@responds(200, ReturnOut, paginated=True)
def list_returns(request):
    """List returns, newest first.

    A customer sees their own, a vendor those with its lines, managers and admins all; ``status``
    filters."""
    query = request.validated["querystring"]
    where = access.list_filters(request.db, request.user, query.get("status"))
    return paginate(request, access.count(request.db, where),
                    lambda offset, limit: access.page_ids(request.db, where, offset, limit),
                    lambda ids: returns_json(request.db, list(ids)))


@return_svc.get(schema=In(path=ReturnIdPath), validators=(validate,), permission="authenticated")
@responds(200, ReturnOut)
def get_return(request):
    """Read one return.

    Its customer, the vendor of one of its lines, or staff; anyone else is answered 404."""
    found = access.visible_return(request.db, request.user, request.validated["path"]["id"])
    return _one(request, found.id)


@approve_svc.post(schema=In(path=ReturnIdPath, body=DecisionIn), validators=(validate,), permission="authenticated")
@responds(200, ReturnOut)
@responds(403, description=DECIDERS)
@responds(409, description="The return is not requested any more")
def approve_return(request):
    """Approve a requested return.

    The customer is told to send the parcel.  Only the vendor of every line of the return, or a
    manager (a return with lines of two sellers is decided by a manager)."""
    decided = lifecycle.decide(request, request.db, request.user, request.validated["path"]["id"], "approved",
                               request.validated["body"]["note"])
    audit.record_request(request, "return.approved", ("return", decided.id),
                         {"status": {"old": "requested", "new": decided.status}, "note": request.validated["body"]["note"]})
    return _one(request, decided.id)


@reject_svc.post(schema=In(path=ReturnIdPath, body=RejectIn), validators=(validate,), permission="authenticated")
@responds(200, ReturnOut)
@responds(403, description=DECIDERS)
@responds(409, description="The return is not requested any more")
def reject_return(request):
    """Reject a requested return with a reason.

    The customer is told why; the units can be named by another return.  Only the vendor of every
    line of the return, or a manager (a return with lines of two sellers is decided by a manager)."""
    decided = lifecycle.decide(request, request.db, request.user, request.validated["path"]["id"], "rejected",
                               request.validated["body"]["reason"])
    audit.record_request(request, "return.rejected", ("return", decided.id),
                         {"status": {"old": "requested", "new": decided.status}, "reason": request.validated["body"]["reason"]})
    return _one(request, decided.id)


@receive_svc.post(schema=In(path=ReturnIdPath, body=ReceiveIn), validators=(validate,), permission="authenticated")
@responds(200, ReturnOut)
@responds(403, description=DECIDERS)
@responds(409, description="The return is not approved (requested, rejected, or already refunded), or the "
                           "order's payment has nothing left to refund")
@responds(502, description="The payment provider refused or is unavailable: the return stays approved with "
                           "`last_error`; receive it again to retry (never refunded twice)")
def receive_return(request):
    """Receive an approved return: restock if asked, refund, mark it refunded.

    The refund of that amount goes through the payment provider (the return id as its
    idempotency key), then the order's ``payment.refunded`` and ``payment.status`` change and
    ``agora_order_refunded`` tells plugins.  Only the vendor of every line of the return, or a
    manager."""
    try:
        received = receipt.receive(request, request.db, request.user, request.validated["path"]["id"],
                                   request.validated["body"]["restock"])
    except receipt.RefundFailed:
        request.commit_anyway = True  # keep the failed attempt on the return (nothing else was written)
        raise
    audit.record_request(request, "return.refunded", ("return", received.id),
                         {"status": {"old": "approved", "new": received.status}, "refund_amount": received.refund_amount,
                          "restock": request.validated["body"]["restock"]})
    return _one(request, received.id)
