"""The vendors plugin's own hook specifications (added to the plugin manager with the plugin).

Other plugins implement them to learn about vendor onboarding; a plugin that must also run
without the vendors plugin marks its implementations ``@hookimpl(optionalhook=True)``.
"""
from __future__ import annotations

from core.hooks import hookspec


@hookspec
def agora_vendor_applied(request, vendor):
    """A user applied to become a vendor.  In the application's transaction."""


@hookspec
def agora_vendor_approved(request, vendor):
    """A manager approved a vendor application.  In the approval transaction."""


@hookspec
def agora_vendor_rejected(request, vendor, reason):
    """A manager rejected a vendor application.  In the rejection transaction."""


@hookspec
def agora_vendor_suspended(request, vendor, reason):
    """A manager suspended a vendor; its products disappear from the public catalog."""


@hookspec
def agora_vendor_order_lines(request, vendor, lines):
    """Return extra fields for a vendor's order lines: ``{order_item_id: {field: value}}``.

    Called by ``GET /api/vendor/orders/`` once per page with every ``OrderItem`` on it (so an
    implementation answers with one query, not one per line); the answers of all plugins are
    merged into the lines' JSON.  Read-only, in the request's transaction.  The payouts plugin
    adds ``commission`` and ``vendor_net`` to the lines of paid orders."""
