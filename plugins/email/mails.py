"""Which event mails whom, with what (README.md › Order mails): the logic behind the email
plugin's hooks, which each call one function here.  Every function writes outbox rows in the
caller's transaction (:func:`plugins.email.outbox.send_later`); ``request`` is the hooks' context.
"""
from __future__ import annotations

import logging
from types import SimpleNamespace

from plugins.email import contexts
from plugins.email.config import EmailConfig
from plugins.email.outbox import send_later

log = logging.getLogger("agora.email")


def vendor_owner(request, vendor):
    from core.accounts.models import User

    return request.db.get(User, vendor.user_id) if getattr(vendor, "user_id", None) else None


def vendor_approved(request, vendor):
    owner = vendor_owner(request, vendor)
    if owner is not None:
        send_later(request, "vendor_approved", owner.email, {**contexts.person(owner), "vendor_name": vendor.name})


def vendor_rejected(request, vendor, reason):
    owner = vendor_owner(request, vendor)
    if owner is not None:
        send_later(request, "vendor_rejected", owner.email,
                   {**contexts.person(owner), "vendor_name": vendor.name, "reason": reason or ""})


# --------------------------------------------------------------------------- orders
# Which order events mail whom (README.md › Order mails): the confirmation goes out once, when
# the order is placed (also for orders placed already paid); ``agora_order_paid`` and
# ``agora_order_status_changed`` send nothing.
def customer_of(request, order):
    from core.accounts.models import User

    user_id = getattr(order, "user_id", None)
    if user_id is None and getattr(order, "email", None):  # a guest order: its email, no account
        return SimpleNamespace(email=order.email, first_name="")
    return request.db.get(User, user_id) if user_id is not None else None


def mail_customer(request, order, kind: str, lines=None, **extra) -> None:
    customer = customer_of(request, order)
    if customer is None:
        log.warning("email: order %s has no customer with an address; no %s mail", getattr(order, "id", "?"), kind)
        return
    if lines is None:
        lines = contexts.order_lines(order)
    send_later(request, kind, customer.email,
               {**contexts.person(customer), "order": contexts.order_context(order, lines), **extra})


def order_placed(request, order):
    """The customer's confirmation, and to each vendor a mail with only its own lines."""
    from core.catalog.models import Vendor

    lines = contexts.order_lines(order)
    # A guest order's confirmation links to the order by its token (shown only now, see
    # core.orders.guests); an account's links to the order page by number.
    token = getattr(order, "order_token", None)
    mail_customer(request, order, "order_confirmation", lines, **({"order_token": token} if token else {}))
    currency = contexts.currency_of(order)
    for vendor_id, items in contexts.lines_by_vendor(lines).items():
        vendor = request.db.get(Vendor, vendor_id)
        owner = vendor_owner(request, vendor) if vendor is not None else None
        if owner is None:
            log.warning("email: vendor %s of order %s has no owner; no new-order mail", vendor_id,
                        getattr(order, "number", "?"))
            continue
        total = sum(int(getattr(item, "line_total", 0) or 0) for item in items)
        send_later(request, "vendor_new_order", owner.email, {
            **contexts.person(owner), "vendor_name": vendor.name,
            "order": contexts.vendor_order_context(order, items), "vendor_total": contexts.money(total, currency)})


def order_shipped(request, order, vendor, lines, tracking_number, carrier):
    """The customer learns which lines left, with the tracking number and carrier."""
    mail_customer(request, order, "order_shipped", None if lines is None else list(lines),
                   vendor_name=str(getattr(vendor, "name", "") or ""),
                   tracking_number=tracking_number or "", carrier=carrier or "")


def order_cancelled(request, order):
    mail_customer(request, order, "order_cancelled")


def order_refunded(request, order, amount):
    mail_customer(request, order, "order_refunded", amount=contexts.money(amount, contexts.currency_of(order)))


# --------------------------------------------------------------------------- returns
# The customer is mailed at the request and at the decision; the refund mail is
# ``order_refunded`` (``agora_order_refunded``, fired by the receipt).  Each vendor with lines in
# a new return is mailed about it, with only its own lines.
def _return_lines(request, order, return_) -> dict:
    from sqlalchemy import select

    from core.orders.models import OrderItem

    ids = [item.order_item_id for item in return_.items]
    return {line.id: line for line in request.db.execute(select(OrderItem).where(OrderItem.id.in_(ids))).scalars()}


def return_requested(request, return_, order):
    from core.catalog.models import Vendor

    lines = _return_lines(request, order, return_)
    currency = contexts.currency_of(order)
    returned = contexts.return_context(return_, lines, currency)
    mail_customer(request, order, "return_requested", [lines[i.order_item_id] for i in return_.items],
                   return_=returned)
    by_vendor: dict = {}
    for item in returned["items"]:
        if item.get("vendor_id") is not None:
            by_vendor.setdefault(item["vendor_id"], []).append(item)
    for vendor_id, items in by_vendor.items():
        vendor = request.db.get(Vendor, vendor_id)
        owner = vendor_owner(request, vendor) if vendor is not None else None
        if owner is None:
            continue
        send_later(request, "vendor_new_return", owner.email, {
            **contexts.person(owner), "vendor_name": vendor.name,
            "order": contexts.vendor_order_context(order, []), "return_": {**returned, "items": items}})


def return_status_changed(request, return_, order, new_status, note):
    if new_status not in ("approved", "rejected"):
        return  # refunded: the order_refunded mail of agora_order_refunded says it
    lines = _return_lines(request, order, return_)
    mail_customer(request, order, f"return_{new_status}", [lines[i.order_item_id] for i in return_.items],
                   return_=contexts.return_context(return_, lines, contexts.currency_of(order)), reason=note or "")


def payout_paid(request, db, settings, payout, vendor):
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
