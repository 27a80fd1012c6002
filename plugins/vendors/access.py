"""What every vendor view starts with: the caller's approved vendor, and optional bodies.

Permission ``vendor`` lets a user with the vendor role in; :func:`approved_vendor` then
refuses (403) a vendor whose application is not approved, naming its state.
"""
from __future__ import annotations

from core.catalog.models import Vendor
from core.errors import AgoraError
from core.validation import In, validate
from plugins.vendors import onboarding


def approved_vendor(request, what: str) -> Vendor:
    """The caller's vendor when approved; 403 "Only approved vendors {what}; …" otherwise."""
    vendor = onboarding.vendor_of(request.db, request.user.id)
    if vendor is None or vendor.status != "approved":
        state = "you have not applied" if vendor is None else f"your vendor account is {vendor.status}"
        raise AgoraError(403, f"Only approved vendors {what}; {state}.", location="header")
    return vendor


def validate_optional_body(request, schema: In | None = None, **kw):
    """Like :func:`core.validation.validate`, but an empty body counts as ``{}``."""
    if request.body:
        return validate(request, schema, **kw)
    validate(request, In(path=schema.path), **kw)
    request.validated["body"] = schema.body().load({})
