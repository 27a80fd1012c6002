"""Stripe's events: verified, each processed once, each type settled through core orders.

Handled: ``payment_intent.amount_capturable_updated`` (authorized; completes a checkout the
browser never finished, from the intent's stored line snapshot, or releases it when that is
no longer possible), ``payment_intent.payment_failed``, ``payment_intent.canceled`` and
``charge.refunded`` (a refund made in the Stripe dashboard).  Other types are acknowledged
and ignored.  A replayed event id changes nothing.

The functions take the session and values; ``request`` is passed on only as the context of
core's settlement and checkout functions, which fire the order hooks with it.
"""
from __future__ import annotations

import logging

import stripe
from sqlalchemy import select

from core.accounts.models import User
from core.db import dialect_insert
from core.errors import AgoraError
from core.orders.api import CANCELLABLE, cancel, complete, find_order, mark_refunded
from core.orders.models import Order
from core.orders.payment import PaymentError
from plugins.payments.models import ProcessedEvent

log = logging.getLogger("agora.payments.webhook")


def receive(db, provider, payload: bytes, signature: str | None, *, request) -> bool:
    """Verify and process one Stripe event; False when its id was processed before.

    404 when Stripe is not this shop's provider, 400 when the signature is missing or invalid."""
    if getattr(provider, "name", None) != "stripe":
        raise AgoraError(404, "Stripe is not the payment provider of this shop.", location="path")
    try:
        event = stripe.Webhook.construct_event(payload, signature, provider.webhook_secret)
    except (stripe.SignatureVerificationError, ValueError):
        raise AgoraError(400, "The webhook signature is missing or invalid.", name="Stripe-Signature",
                         location="header") from None
    if not _first_time(db, event.id, event.type):
        return False
    handler = HANDLERS.get(event.type)
    if handler is not None:
        handler(db, provider, event.data.object, request)
    return True


def _first_time(db, event_id: str, event_type: str) -> bool:
    inserted = db.execute(dialect_insert(db, ProcessedEvent).values(id=event_id, type=event_type)
                          .on_conflict_do_nothing(index_elements=["id"]).returning(ProcessedEvent.id))
    return inserted.first() is not None


def _record(db, provider, intent_id):
    return provider.record(db, intent_id) if intent_id else None


def on_authorized(db, provider, intent, request):
    record = _record(db, provider, intent.id)
    if record is None or record.order_id is not None or record.status != "created":
        return
    if find_order(db, provider.name, record.reference) is not None:
        return
    user = db.get(User, record.user_id) if record.user_id is not None else None  # None: a guest
    try:
        authorization = provider.verify(record, intent)
    except PaymentError as exc:
        log.info("webhook: intent %s not usable: %s", record.reference, exc)
        return
    # The same path as the browser's checkout: place, commit, capture; released when refused.
    if complete(request, provider, user, authorization) is None:
        log.info("webhook could not complete checkout of %s; released", record.reference)


def on_failed(db, provider, intent, request):
    record = _record(db, provider, intent.id)
    if record is not None and record.order_id is None:
        record.status = "failed"


def on_canceled(db, provider, intent, request):
    record = _record(db, provider, intent.id)
    if record is None:
        return
    if record.order_id is None:
        record.status = "cancelled"
        return
    order = db.get(Order, record.order_id)
    if order is not None and order.status in CANCELLABLE and order.payment_status == "authorized":
        order.payment_status = "released"
        cancel(request, order, note="The payment authorization was cancelled at Stripe.")


def on_refunded(db, provider, charge, request):
    charge = charge.to_dict()
    intent_id = charge.get("payment_intent")
    order = db.execute(select(Order).where(
        Order.payment_provider == "stripe", Order.payment_reference == intent_id)).scalar_one_or_none()
    if order is None:
        return
    refunded_now = int(charge.get("amount_refunded") or 0)
    delta = refunded_now - order.amount_refunded
    if delta <= 0:
        return  # an older or repeated refund event: nothing new
    if refunded_now >= order.total and order.status in CANCELLABLE:
        cancel(request, order, note="Refunded at Stripe.", settle=False)
    mark_refunded(request, order, delta, "Refund made at Stripe.")


HANDLERS = {
    "payment_intent.amount_capturable_updated": on_authorized,
    "payment_intent.payment_failed": on_failed,
    "payment_intent.canceled": on_canceled,
    "charge.refunded": on_refunded,
}
