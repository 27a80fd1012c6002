"""Vendor onboarding services: apply, profile, and the managers' list and decisions.

Each decision fires its hook (``agora_vendor_approved`` …) inside the deciding transaction, so
the email plugin's outbox row commits or rolls back with the decision.
"""
from __future__ import annotations

from cornice import Service

from core.errors import not_found
from core.openapi import responds
from core.pagination import paginate
from core.validation import In, validate
from plugins.vendors import onboarding
from plugins.vendors.access import validate_optional_body
from plugins.vendors.schemas import ApplyIn, ReasonIn, VendorListQuery, VendorOut, VendorPath

apply_svc = Service("vendor_apply", "/api/vendor/apply/", description="Apply to become a vendor")
profile_svc = Service("vendor_profile", "/api/vendor/profile/", description="The caller's vendor profile")
list_svc = Service("manager_vendors", "/api/manager/vendors/", description="Vendors and applications")
decision_svcs = {
    action: Service(f"manager_vendor_{action}", f"/api/manager/vendors/{{id}}/{action}/",
                    description=f"{action.capitalize()} a vendor")
    for action in onboarding.TRANSITIONS
}
SERVICES = [apply_svc, profile_svc, list_svc, *decision_svcs.values()]



@apply_svc.post(schema=In(body=ApplyIn), validators=(validate,), permission="authenticated")
@responds(201, VendorOut)
@responds(409, description="The caller has already applied")
def apply_view(request):
    """Apply to become a vendor.

    The application waits for a manager's decision; applying twice is a 409."""
    body = request.validated["body"]
    vendor = onboarding.apply(request.db, request.user, body["store_name"], body["description"])
    request.hooks.agora_vendor_applied(request=request, vendor=vendor)
    request.response.status = 201
    return onboarding.vendor_json(vendor)


@profile_svc.get(permission="authenticated")
@responds(200, VendorOut)
@responds(404, description="The caller has not applied to become a vendor")
def profile_view(request):
    """Read the caller's vendor profile (any status).

    404 when the caller has not applied."""
    vendor = onboarding.vendor_of(request.db, request.user.id)
    if vendor is None:
        raise not_found("You have no vendor profile; apply at /api/vendor/apply/.")
    return onboarding.vendor_json(vendor)


@list_svc.get(schema=In(querystring=VendorListQuery), validators=(validate,), permission="manage")
@responds(200, VendorOut, paginated=True)
def list_view(request):
    """List vendors and applications (managers), oldest first; ``?status=`` narrows it."""
    status = request.validated["querystring"].get("status")
    return paginate(request, onboarding.count_vendors(request.db, status),
                    lambda offset, limit: onboarding.page_of_vendors(request.db, status, offset, limit),
                    lambda rows: [onboarding.vendor_json(v) for v in rows])


def _decide(request, action: str):
    reason = request.validated.get("body", {}).get("reason", "")
    vendor = onboarding.decide(request.db, onboarding.vendor_by_id(request.db, request.validated["path"]["id"]),
                               action, reason)
    onboarding.announce_decision(request, vendor, action, reason)
    return onboarding.vendor_json(vendor)


@decision_svcs["approve"].post(schema=In(path=VendorPath), validators=(validate,), permission="manage")
@responds(200, VendorOut)
@responds(409, description="The vendor's status does not allow this decision")
def approve_view(request):
    """Approve a vendor application (managers).

    An approved vendor can sell; a decision its status does not allow is a 409."""
    return _decide(request, "approve")


@decision_svcs["reject"].post(schema=In(path=VendorPath, body=ReasonIn),
                              validators=(validate_optional_body,), permission="manage")
@responds(200, VendorOut)
@responds(409, description="The vendor's status does not allow this decision")
def reject_view(request):
    """Reject a vendor application (managers), with an optional reason."""
    return _decide(request, "reject")


@decision_svcs["suspend"].post(schema=In(path=VendorPath, body=ReasonIn),
                               validators=(validate_optional_body,), permission="manage")
@responds(200, VendorOut)
@responds(409, description="The vendor's status does not allow this decision")
def suspend_view(request):
    """Suspend a vendor (managers), with an optional reason.

    Its products stop being sold."""
    return _decide(request, "suspend")
