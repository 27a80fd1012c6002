"""How a payout reaches the vendor: ``manual`` (the shop pays offline) or ``stripe`` (Connect).

A provider has a ``name``, ``send(payout, account_id)`` and ``onboard(...)``:

* ``send`` returns the provider's reference when the money moved (the payout is then
  ``paid``), ``None`` when a person has to confirm it later (``manual``: it stays ``pending``
  until a manager marks it paid), and raises :class:`PayoutFailed` with a reason the manager
  can read when it did not (the payout is then ``failed`` and reversed in the ledger).
* ``onboard`` creates (or reuses) the vendor's account at the provider and answers
  ``(account_id, onboarding_url)``; the manual provider has none to make (400).

The Stripe provider uses the real Stripe SDK against ``STRIPE_API_KEY`` (and ``STRIPE_API_BASE``
only for a local stand-in; localstripe has no Connect objects, so the tests run a small
stand-in of the four endpoints used: ``tests/plugins/payouts/connect_standin.py``).
"""
from __future__ import annotations

import logging

import stripe

from core.errors import AgoraError
from core.plugins import PluginError
from plugins.payouts import settings as payout_settings

log = logging.getLogger("agora.payouts")


class PayoutFailed(Exception):
    """The provider refused or failed the payout; the message is the reason kept on it."""


class ManualPayouts:
    """The shop pays by bank transfer itself and records the reference (mark-paid)."""

    name = "manual"

    def send(self, payout, account_id: str | None) -> str | None:
        return None

    def needs_account(self) -> bool:
        return False

    def onboard(self, *, vendor, email, account_id, return_url, refresh_url):
        raise AgoraError(400, "Payouts are made by the shop itself (manual provider): there is no payout "
                              "account to connect.", name="provider")


class StripeConnectPayouts:
    """Stripe Connect: an Express connected account per vendor, a Transfer per payout."""

    name = "stripe"

    def __init__(self, api_key: str, api_base: str | None = None):
        options = {"max_network_retries": 2}
        if api_base:
            options["base_addresses"] = {"api": api_base}
        self.client = stripe.StripeClient(api_key, **options)

    def needs_account(self) -> bool:
        return True

    def onboard(self, *, vendor, email, account_id, return_url, refresh_url):
        """Create the Express account once (idempotency key per vendor, so two clicks at once make
        one account), then a fresh single-use onboarding link."""
        try:
            if account_id is None:
                account = self.client.v1.accounts.create(
                    params={"type": "express", "email": email, "metadata": {"agora_vendor_id": str(vendor.id)},
                            "capabilities": {"transfers": {"requested": True}}},
                    options={"idempotency_key": f"agora-vendor-account-{vendor.id}"})
                account_id = account.id
            link = self.client.v1.account_links.create(params={
                "account": account_id, "type": "account_onboarding",
                "return_url": return_url, "refresh_url": refresh_url})
        except stripe.StripeError as exc:
            log.warning("stripe connect onboarding of vendor %s failed: %s", vendor.id, exc)
            raise AgoraError(502, "Stripe could not create the payout account; please retry.",
                             name="provider") from None
        return account_id, link.url

    def send(self, payout, account_id: str | None) -> str | None:
        """A Transfer to the connected account; the payout id is the idempotency key, so a retried
        send of the same payout never moves the money twice."""
        if not account_id:
            raise PayoutFailed("The vendor has no connected Stripe account.")
        try:
            transfer = self.client.v1.transfers.create(
                params={"amount": payout.amount, "currency": payout.currency.lower(), "destination": account_id,
                        "metadata": {"agora_payout_id": str(payout.id)}, "transfer_group": f"payout-{payout.id}"},
                options={"idempotency_key": f"agora-payout-{payout.id}"})
        except stripe.StripeError as exc:
            log.warning("stripe transfer for payout %s failed: %s", payout.id, exc)
            raise PayoutFailed(f"Stripe refused the transfer: {exc.user_message or exc}"[:500]) from None
        return transfer.id


def provider_from_settings(settings):
    """The provider named by ``agora.payouts.provider``; a stripe provider without its key stops start-up."""
    if payout_settings.provider_name(settings) == "manual":
        return ManualPayouts()
    api_key = settings[payout_settings.STRIPE_API_KEY]
    if not api_key:
        raise PluginError("plugin 'payouts': agora.payouts.provider = stripe needs STRIPE_API_KEY")
    return StripeConnectPayouts(api_key, settings[payout_settings.STRIPE_API_BASE] or None)
