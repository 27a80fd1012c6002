"""The email plugin: transactional mails through an outbox, a broker and a worker.

Enable it with ``agora.plugins = ... email``.  Account, vendor and order hooks write an
outbox row in the event's own transaction (:mod:`plugins.email.outbox`); after the commit
the row id is published through kombu; ``agora CONFIG worker`` consumes, renders
(:mod:`plugins.email.render`) and sends (:mod:`plugins.email.backends`), with retries and a
relay for rows the broker never got (:mod:`plugins.email.worker`).  Who is mailed on which
event lives in :mod:`plugins.email.mails`; each hook here is one call.  See README.md.
"""
from __future__ import annotations

from pathlib import Path

from core.hooks import hookimpl
from core.plugins import PluginError
from plugins.email import config as email_settings
from plugins.email import contexts, mails, models, publisher  # noqa: F401  (models: the outbox table)
from plugins.email.config import EmailConfig
from plugins.email.outbox import send_later
from plugins.email.settings import KEYS

requires = ()
agora_version = ">=0.1,<1"
TABLES = models.TABLES

# --------------------------------------------------------------------------- wiring
@hookimpl
def agora_settings_keys():
    return KEYS


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


# --------------------------------------------------------------------------- vendors, orders, returns, payouts
# Each hook is one call into plugins.email.mails, where the rules of who is mailed live.
@hookimpl(optionalhook=True)  # a vendors hook: runs only when that plugin is enabled
def agora_vendor_approved(request, vendor):
    mails.vendor_approved(request, vendor)


@hookimpl(optionalhook=True)  # a vendors hook: runs only when that plugin is enabled
def agora_vendor_rejected(request, vendor, reason):
    mails.vendor_rejected(request, vendor, reason)


@hookimpl
def agora_order_placed(request, order):
    mails.order_placed(request, order)


@hookimpl
def agora_order_shipped(request, order, vendor, lines, tracking_number, carrier):
    mails.order_shipped(request, order, vendor, lines, tracking_number, carrier)


@hookimpl
def agora_order_cancelled(request, order):
    mails.order_cancelled(request, order)


@hookimpl
def agora_order_refunded(request, order, amount):
    mails.order_refunded(request, order, amount)


@hookimpl
def agora_return_requested(request, return_, order):
    mails.return_requested(request, return_, order)


@hookimpl
def agora_return_status_changed(request, return_, order, new_status, note):
    mails.return_status_changed(request, return_, order, new_status, note)


@hookimpl(optionalhook=True)  # a payouts hook: runs only when that plugin is enabled
def agora_payout_paid(request, db, settings, payout, vendor):
    mails.payout_paid(request, db, settings, payout, vendor)
