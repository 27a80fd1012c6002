"""The email plugin: transactional mails through an outbox, a broker and a worker.

Enable it with ``agora.plugins = ... email``.  Account, vendor and order hooks write an
outbox row in the event's own transaction (:mod:`plugins.email.outbox`); after the commit
the row id is published through kombu; ``agora CONFIG worker`` consumes, renders
(:mod:`plugins.email.render`) and sends (:mod:`plugins.email.backends`), with retries and a
relay for rows the broker never got (:mod:`plugins.email.worker`).  See README.md.
"""
from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

from core.hooks import hookimpl
from core.plugins import PluginError
from plugins.email import config as email_settings
from plugins.email import contexts, models, publisher  # noqa: F401  (models: the outbox table)
from plugins.email.config import DEFAULTS, EmailConfig
from plugins.email.outbox import send_later

requires = ()
agora_version = ">=0.1,<1"
TABLES = models.TABLES

log = logging.getLogger("agora.email")


# --------------------------------------------------------------------------- wiring
@hookimpl
def agora_settings_defaults():
    return dict(DEFAULTS)


@hookimpl
def agora_includeme(config, settings):
    try:
        email_config = EmailConfig.from_settings(settings)
    except ValueError as exc:
        raise PluginError(f"plugin 'email': {exc}") from None
    email_settings.install(config.registry, email_config, publisher.BrokerHealth(email_config))


@hookimpl
def agora_migration_locations():
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def agora_health(request):
    return {"broker": email_settings.broker_health_of(request.registry).status()}


@hookimpl
def agora_worker_tasks(settings):
    """The queue consumer and the relay, sharing one engine and one mailer."""
    from sqlalchemy.orm import sessionmaker

    from core.db import engine_from_settings
    from plugins.email import worker
    from plugins.email.backends import backend_for

    config = EmailConfig.from_settings(settings)
    mailer = worker.Mailer(config, backend_for(config))
    session_factory = sessionmaker(bind=engine_from_settings(settings), expire_on_commit=False)

    def email_consumer(stop):
        worker.consume(session_factory, mailer, stop)

    def email_relay(stop):
        worker.relay(session_factory, config, stop)

    return [email_consumer, email_relay]


# --------------------------------------------------------------------------- accounts
@hookimpl
def agora_user_registered(request, user, token):
    send_later(request, "verify_email", user.email, {**contexts.person(user), "token": token})


@hookimpl
def agora_email_verified(request, user):
    send_later(request, "welcome", user.email, contexts.person(user))


@hookimpl
def agora_password_reset_requested(request, user, token):
    send_later(request, "password_reset", user.email, {**contexts.person(user), "token": token})


@hookimpl
def agora_password_changed(request, user):
    send_later(request, "password_changed", user.email, contexts.person(user))


# --------------------------------------------------------------------------- vendors
def _vendor_owner(request, vendor):
    from core.accounts.models import User

    return request.db.get(User, vendor.user_id) if getattr(vendor, "user_id", None) else None


@hookimpl(optionalhook=True)  # a vendors hook: runs only when that plugin is enabled
def agora_vendor_approved(request, vendor):
    owner = _vendor_owner(request, vendor)
    if owner is not None:
        send_later(request, "vendor_approved", owner.email, {**contexts.person(owner), "vendor_name": vendor.name})


@hookimpl(optionalhook=True)  # a vendors hook: runs only when that plugin is enabled
def agora_vendor_rejected(request, vendor, reason):
    owner = _vendor_owner(request, vendor)
    if owner is not None:
        send_later(request, "vendor_rejected", owner.email,
                   {**contexts.person(owner), "vendor_name": vendor.name, "reason": reason or ""})


# --------------------------------------------------------------------------- orders
# Which order events mail whom (README.md › Order mails): the confirmation goes out once, when
# the order is placed (also for orders placed already paid); ``agora_order_paid`` and
# ``agora_order_status_changed`` send nothing.
def _customer(request, order):
    from core.accounts.models import User

    user_id = getattr(order, "user_id", None)
    if user_id is None and getattr(order, "email", None):  # a guest order: its email, no account
        return SimpleNamespace(email=order.email, first_name="")
    return request.db.get(User, user_id) if user_id is not None else None


def _mail_customer(request, order, kind: str, lines=None, **extra) -> None:
    customer = _customer(request, order)
    if customer is None:
        log.warning("email: order %s has no customer with an address; no %s mail", getattr(order, "id", "?"), kind)
        return
    if lines is None:
        lines = contexts.order_lines(order)
    send_later(request, kind, customer.email,
               {**contexts.person(customer), "order": contexts.order_context(order, lines), **extra})


@hookimpl
def agora_order_placed(request, order):
    """The customer's confirmation, and to each vendor a mail with only its own lines."""
    from core.catalog.models import Vendor

    lines = contexts.order_lines(order)
    # A guest order's confirmation links to the order by its token (shown only now, see
    # core.orders.guests); an account's links to the order page by number.
    token = getattr(order, "order_token", None)
    _mail_customer(request, order, "order_confirmation", lines, **({"order_token": token} if token else {}))
    currency = contexts.currency_of(order)
    for vendor_id, items in contexts.lines_by_vendor(lines).items():
        vendor = request.db.get(Vendor, vendor_id)
        owner = _vendor_owner(request, vendor) if vendor is not None else None
        if owner is None:
            log.warning("email: vendor %s of order %s has no owner; no new-order mail", vendor_id,
                        getattr(order, "number", "?"))
            continue
        total = sum(int(getattr(item, "line_total", 0) or 0) for item in items)
        send_later(request, "vendor_new_order", owner.email, {
            **contexts.person(owner), "vendor_name": vendor.name,
            "order": contexts.vendor_order_context(order, items), "vendor_total": contexts.money(total, currency)})


@hookimpl
def agora_order_shipped(request, order, vendor, lines, tracking_number, carrier):
    """The customer learns which lines left, with the tracking number and carrier."""
    _mail_customer(request, order, "order_shipped", None if lines is None else list(lines),
                   vendor_name=str(getattr(vendor, "name", "") or ""),
                   tracking_number=tracking_number or "", carrier=carrier or "")


@hookimpl
def agora_order_cancelled(request, order):
    _mail_customer(request, order, "order_cancelled")


@hookimpl
def agora_order_refunded(request, order, amount):
    _mail_customer(request, order, "order_refunded", amount=contexts.money(amount, contexts.currency_of(order)))


# --------------------------------------------------------------------------- returns
# The customer is mailed at the request and at the decision; the refund mail is
# ``order_refunded`` (``agora_order_refunded``, fired by the receipt).  Each vendor with lines in
# a new return is mailed about it, with only its own lines.
def _return_lines(request, order, return_) -> dict:
    from sqlalchemy import select

    from core.orders.models import OrderItem

    ids = [item.order_item_id for item in return_.items]
    return {line.id: line for line in request.db.execute(select(OrderItem).where(OrderItem.id.in_(ids))).scalars()}


@hookimpl
def agora_return_requested(request, return_, order):
    from core.catalog.models import Vendor

    lines = _return_lines(request, order, return_)
    currency = contexts.currency_of(order)
    returned = contexts.return_context(return_, lines, currency)
    _mail_customer(request, order, "return_requested", [lines[i.order_item_id] for i in return_.items],
                   return_=returned)
    by_vendor: dict = {}
    for item in returned["items"]:
        if item.get("vendor_id") is not None:
            by_vendor.setdefault(item["vendor_id"], []).append(item)
    for vendor_id, items in by_vendor.items():
        vendor = request.db.get(Vendor, vendor_id)
        owner = _vendor_owner(request, vendor) if vendor is not None else None
        if owner is None:
            continue
        send_later(request, "vendor_new_return", owner.email, {
            **contexts.person(owner), "vendor_name": vendor.name,
            "order": contexts.vendor_order_context(order, []), "return_": {**returned, "items": items}})


@hookimpl
def agora_return_status_changed(request, return_, order, new_status, note):
    if new_status not in ("approved", "rejected"):
        return  # refunded: the order_refunded mail of agora_order_refunded says it
    lines = _return_lines(request, order, return_)
    _mail_customer(request, order, f"return_{new_status}", [lines[i.order_item_id] for i in return_.items],
                   return_=contexts.return_context(return_, lines, contexts.currency_of(order)), reason=note or "")


@hookimpl(optionalhook=True)  # a payouts hook: runs only when that plugin is enabled
def agora_payout_paid(request, db, settings, payout, vendor):
    """The "payout sent" mail to the vendor's owner.  From a request it is published after that
    transaction commits; from ``agora CONFIG payouts run`` (no request) the worker's relay
    publishes the committed row."""
    from core.accounts.models import User
    from core.money import format_minor
    from plugins.email.outbox import enqueue

    owner = db.get(User, vendor.user_id) if vendor is not None and vendor.user_id else None
    if owner is None:
        return
    context = {**contexts.person(owner), "vendor_name": vendor.name, "reference": payout.reference or "",
               "amount": format_minor(payout.amount, payout.currency), "currency": payout.currency}
    if request is not None:
        send_later(request, "payout_sent", owner.email, context)
        return
    enqueue(db, EmailConfig.from_settings(settings), "payout_sent", owner.email, context)
