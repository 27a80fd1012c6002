"""``POST /api/payments/webhook/stripe/``: Stripe events, signature-verified, each processed once.

The event handling lives in :mod:`plugins.payments.events`.
"""
from __future__ import annotations

from cornice import Service

from core.openapi import responds, takes_body, takes_header
from plugins.payments import events
from plugins.payments.schemas import WebhookOut

webhook_svc = Service("payments_webhook_stripe", "/api/payments/webhook/stripe/",
                      description="Stripe webhook endpoint (signature verified)")


@webhook_svc.post()
@responds(200, WebhookOut, description="The event is processed (or was already)")
@responds(400, description="The Stripe-Signature header is missing or invalid")
@responds(404, description="Stripe is not the payment provider of this shop")
@takes_header("Stripe-Signature", "Stripe's signature of the body (see Stripe's webhook documentation)", required=True)
@takes_body("application/json", {"type": "object", "description": "A Stripe event object"})
def stripe_webhook(request):
    """Receive a Stripe event (called by Stripe, not by clients).

    The ``Stripe-Signature`` header is verified; each event id is processed once (a replay answers
    200 with ``duplicate: true``).  404 when Stripe is not this shop's payment provider."""
    first = events.receive(request.db, request.payment_provider, request.body,
                           request.headers.get("Stripe-Signature"), request=request)
    return {"received": True} if first else {"received": True, "duplicate": True}
