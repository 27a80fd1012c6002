"""The two payment providers: ``stripe`` (the real SDK) and ``manual`` (offline payment).

Both implement ``core.orders.payment.PaymentProvider``.  Intents are recorded in
``payment_intents`` in the request's transaction; an ``Idempotency-Key`` is stored with the
intent (unique per user), so a replayed request answers the first answer — localstripe
ignores the header, and real Stripe only dedupes for 24 h.

A guest checkout has no user: core passes ``guest={"key", "email"}`` (``key`` = the SHA-256 of
the guest cart's token), and the intent belongs to that key instead of a user id.
"""
from __future__ import annotations

import logging
import secrets

import stripe
from pyramid_retry import mark_error_retryable
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.orders.payment import Authorization, PaymentError
from plugins.payments.models import PaymentIntentRecord

log = logging.getLogger("agora.payments")


def _answer(record: PaymentIntentRecord) -> dict:
    return {"payment_intent_id": record.reference, "client_secret": record.client_secret,
            "amount": record.amount, "currency": record.currency, "provider": record.provider}


class BaseProvider:
    name = "base"

    def _replay(self, db, user, key, guest=None):
        if key is None:
            return None
        owner = (PaymentIntentRecord.user_id == user.id if user is not None
                 else PaymentIntentRecord.guest_key == guest["key"])
        return db.execute(select(PaymentIntentRecord).where(
            owner, PaymentIntentRecord.idempotency_key == key)).scalar_one_or_none()

    def _reserve(self, db, *, user, amount, currency, lines, shipping_address, key, guest=None,
                 reference: str | None = None) -> PaymentIntentRecord:
        """Insert the intent's row (``reference``: a placeholder until the provider names it)."""
        record = PaymentIntentRecord(
            provider=self.name, reference=reference or f"pending_{secrets.token_hex(12)}",
            user_id=user.id if user is not None else None, guest_key=guest["key"] if guest else None,
            email=guest["email"] if guest else None, amount=amount,
            currency=currency, lines=lines, shipping_address=shipping_address, idempotency_key=key)
        db.add(record)
        try:
            db.flush()  # a concurrent request with the same key waits here, then retries and replays
        except IntegrityError as exc:
            mark_error_retryable(exc)
            raise
        return record

    def record(self, db, reference: str) -> PaymentIntentRecord | None:
        """The intent's row, looked up once per session (checkout asks for it twice)."""
        cache = db.info.setdefault("agora.payment_intents", {})
        found = cache.get(reference)
        if found is None or found not in db:
            found = db.execute(select(PaymentIntentRecord).where(
                PaymentIntentRecord.reference == reference, PaymentIntentRecord.provider == self.name)
            ).scalar_one_or_none()
            if found is not None:
                cache[reference] = found
        return found

    def _owned(self, request, user, reference, guest=None) -> PaymentIntentRecord:
        record = self.record(request.db, reference)
        owns = record is not None and (record.user_id == user.id if user is not None else
                                       guest is not None and record.user_id is None and record.guest_key == guest["key"])
        if not owns:
            raise PaymentError("No such payment intent.", status=404)
        if record.status in ("cancelled", "failed"):
            raise PaymentError(f"This payment intent is {record.status}; start the payment again.", status=409)
        return record

    def _authorization(self, record: PaymentIntentRecord, **flags) -> Authorization:
        return Authorization(reference=record.reference, amount=record.amount, currency=record.currency,
                             user_id=record.user_id, lines=list(record.lines),
                             shipping_address=dict(record.shipping_address), email=record.email,
                             guest_key=record.guest_key, **flags)

    def intent_owner(self, request, *, reference):
        record = self.record(request.db, reference)
        if record is None:
            return None
        return {"user_id": record.user_id, "guest_key": getattr(record, "guest_key", None)}

    def attach_order(self, request, *, reference, order_id):
        record = self.record(request.db, reference)
        if record is not None:
            record.order_id = order_id
            record.status = "used"


class ManualProvider(BaseProvider):
    """Offline payment (bank transfer, cash on delivery): no network at all.

    The order is placed in ``pending_payment``; a manager marks it paid through
    ``POST /api/orders/{id}/status/``.  Refunds are made offline too."""

    name = "manual"

    def create_intent(self, request, *, user, amount, currency, lines, shipping_address, idempotency_key,
                      guest=None):
        replay = self._replay(request.db, user, idempotency_key, guest)
        if replay is not None:
            return _answer(replay)
        record = self._reserve(request.db, user=user, amount=amount, currency=currency, lines=lines,
                               shipping_address=shipping_address, key=idempotency_key, guest=guest,
                               reference=f"manual_{secrets.token_hex(12)}")
        return _answer(record)

    def authorization(self, request, *, user, reference, guest=None):
        return self._authorization(self._owned(request, user, reference, guest), pending=True)

    def capture(self, request, *, reference, amount):
        return None

    def release(self, request, *, reference):
        record = self.record(request.db, reference)
        if record is not None and record.order_id is None:
            record.status = "cancelled"

    def refund(self, request, *, reference, amount):
        return False  # made offline; a manager records it by moving the order to refunded

    def refund_partial(self, request, *, reference, amount, idempotency_key):
        return None  # a return's refund is made offline by the shop; Agora records it


class StripeProvider(BaseProvider):
    """Stripe PaymentIntents with manual capture (authorize at checkout, capture after commit)."""

    name = "stripe"

    def __init__(self, api_key: str, webhook_secret: str, api_base: str | None = None):
        options = {"max_network_retries": 2}
        if api_base:
            options["base_addresses"] = {"api": api_base}
        self.client = stripe.StripeClient(api_key, **options)
        self.webhook_secret = webhook_secret

    def _call(self, what: str, fn, *args, **kw):
        try:
            return fn(*args, **kw)
        except stripe.CardError as exc:
            raise PaymentError(f"The card was declined: {exc.user_message or exc}", status=402) from None
        except stripe.InvalidRequestError as exc:
            raise PaymentError(f"Stripe refused to {what}: {exc.user_message or exc}", status=409) from None
        except stripe.StripeError as exc:
            log.warning("stripe %s failed: %s", what, exc)
            raise PaymentError(f"The payment service is unavailable ({what}); please retry.", status=502) from None

    def create_intent(self, request, *, user, amount, currency, lines, shipping_address, idempotency_key,
                      guest=None):
        replay = self._replay(request.db, user, idempotency_key, guest)
        if replay is not None:
            return _answer(replay)
        record = self._reserve(request.db, user=user, amount=amount, currency=currency, lines=lines,
                               shipping_address=shipping_address, key=idempotency_key, guest=guest)
        buyer = str(user.id) if user is not None else f"guest-{guest['key'][:16]}"
        options = {"idempotency_key": f"agora-{buyer}-{idempotency_key}"} if idempotency_key else None
        intent = self._call("create the payment", self.client.v1.payment_intents.create, params={
            "amount": amount, "currency": currency.lower(), "capture_method": "manual",
            "payment_method_types": ["card"], "metadata": ({"agora_user_id": str(user.id)} if user is not None
                         else {"agora_guest": "1"}),
        }, options=options)
        record.reference, record.client_secret = intent.id, intent.client_secret
        return _answer(record)

    def retrieve(self, reference: str):
        return self._call("read the payment", self.client.v1.payment_intents.retrieve, reference)

    def authorization(self, request, *, user, reference, guest=None):
        record = self._owned(request, user, reference, guest)
        return self.verify(record, self.retrieve(reference))

    def verify(self, record: PaymentIntentRecord, intent) -> Authorization:
        """The intent must be authorized for exactly the amount and currency we priced."""
        if intent.status != "requires_capture":
            raise PaymentError(f"The payment is not authorized (Stripe status: {intent.status}).", status=402)
        capturable = getattr(intent, "amount_capturable", None) or intent.amount
        if intent.amount != record.amount or capturable < record.amount or \
                intent.currency.upper() != record.currency.upper():
            raise PaymentError("The authorized amount does not match the order total.", status=409)
        return self._authorization(record)

    def capture(self, request, *, reference, amount):
        self._call("capture the payment", self.client.v1.payment_intents.capture, reference,
                   params={"amount_to_capture": amount})

    def release(self, request, *, reference):
        intent = self.retrieve(reference)
        if intent.status in ("requires_payment_method", "requires_capture", "requires_confirmation",
                             "requires_action"):
            self._call("release the payment", self.client.v1.payment_intents.cancel, reference)
        record = self.record(request.db, reference)
        if record is not None and record.order_id is None:
            record.status = "cancelled"

    def refund(self, request, *, reference, amount):
        refund = self._call("refund the payment", self.client.v1.refunds.create,
                            params={"payment_intent": reference, "amount": amount})
        return refund.status == "succeeded"

    def refund_partial(self, request, *, reference, amount, idempotency_key):
        """A Refund of ``amount`` on the PaymentIntent; the key makes a retry return the first one."""
        refund = self._call("refund the payment", self.client.v1.refunds.create,
                            params={"payment_intent": reference, "amount": amount,
                                    "metadata": {"agora_refund_key": idempotency_key}},
                            options={"idempotency_key": idempotency_key})
        return refund.id
