"""The payouts plugin's own hooks (added to the plugin manager with the plugin).

A payout changes state in two kinds of context: a manager's request (run, mark paid or failed)
and ``agora CONFIG payouts run`` from cron, which has no request.  So these hooks receive the
session (``db``, in the transaction of the change) and the settings; ``request`` is the web
request or None.  Plugins that must also start without ``payouts`` implement them with
``@hookimpl(optionalhook=True)`` (email sends the "payout sent" mail; webhooks emits
``payout.created`` / ``payout.paid`` / ``payout.failed``).
"""
from __future__ import annotations

from core.hooks import hookspec


@hookspec
def agora_payout_created(request, db, settings, payout, vendor):
    """A run created ``payout`` for ``vendor`` (status ``pending``).  In the claiming transaction."""


@hookspec
def agora_payout_paid(request, db, settings, payout, vendor):
    """``payout`` is paid (a Stripe transfer went through, or a manager marked it paid with its
    reference).  In that transaction."""


@hookspec
def agora_payout_failed(request, db, settings, payout, vendor, reason):
    """``payout`` failed; its amount is back on the vendor's balance (a ``payout_reversal``).
    In that transaction."""
