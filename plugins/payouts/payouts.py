"""Payout runs, and what happens to a payout afterwards (paid, failed).

A run pays every approved vendor whose *available* balance (entries no payout has claimed,
past their hold) reaches ``agora.payouts.minimum``.  For each such vendor, in vendor id order:

1. lock the vendor's row (``SELECT … FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` serializes
   writers already) — a second run at the same moment waits here;
2. re-read the unclaimed available entries *under the lock*: a run that waited sees what the
   first one committed and finds nothing left;
3. write the payout, one ``payout_items`` row per entry it pays, and the ``payout`` entry
   (− the amount) in the ledger.

``payout_items.entry_id`` is unique, so even code that skipped the lock could not claim an
entry twice: the second insert fails and its transaction rolls back.  Entries are never
written to: the claim is the join row.

Sending: the claims are committed *before* the provider is called (``commit``), so money is
never sent for a payout that could still roll back; each payout is then sent on its own and
its outcome recorded (``paid`` with the provider's reference, or ``failed`` + a
``payout_reversal`` entry giving the amount back to the balance, which the next run pays).
The Transfer's idempotency key is the payout id: sending one payout twice moves money once.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select

from core.catalog.models import Vendor
from core.db import utcnow
from core.errors import AgoraError, not_found
from plugins.payouts import settings as payout_settings
from plugins.payouts.ledger import unclaimed
from plugins.payouts.models import CLAIMABLE, LedgerEntry, Payout, PayoutAccount, PayoutItem
from plugins.payouts.providers import PayoutFailed


def _available_entries(now: datetime):
    return and_(PayoutItem.id.is_(None), LedgerEntry.kind.in_(CLAIMABLE), LedgerEntry.available_at <= now)


def due_vendor_ids(db, minimum: int, now: datetime, need_account: bool = False) -> list[int]:
    """Approved vendors whose available balance is at least ``minimum`` (without locks: a hint
    for which rows to lock, re-checked under each lock)."""
    query = (select(LedgerEntry.vendor_id).select_from(LedgerEntry).outerjoin(PayoutItem, unclaimed())
             .join(Vendor, Vendor.id == LedgerEntry.vendor_id)
             .where(_available_entries(now), Vendor.status == "approved")
             .group_by(LedgerEntry.vendor_id).having(func.sum(LedgerEntry.amount) >= max(minimum, 1))
             .order_by(LedgerEntry.vendor_id))
    if need_account:
        query = query.where(select(PayoutAccount.id).where(PayoutAccount.vendor_id == LedgerEntry.vendor_id).exists())
    return list(db.execute(query).scalars())


def claim(db, vendor_id: int, minimum: int, now: datetime, currency: str, provider: str) -> Payout | None:
    """Under the vendor's row lock, pay its unclaimed available entries when they reach ``minimum``."""
    db.execute(select(Vendor.id).where(Vendor.id == vendor_id).with_for_update()).scalar_one()
    rows = db.execute(select(LedgerEntry.id, LedgerEntry.amount).outerjoin(PayoutItem, unclaimed())
                      .where(LedgerEntry.vendor_id == vendor_id, _available_entries(now))
                      .order_by(LedgerEntry.id)).all()
    amount = sum(row.amount for row in rows)
    if not rows or amount < max(minimum, 1):
        return None
    payout = Payout(vendor_id=vendor_id, amount=amount, currency=currency, status="pending", provider=provider,
                    created_at=now)
    db.add(payout)
    db.flush()
    db.add_all([PayoutItem(payout_id=payout.id, entry_id=row.id) for row in rows])
    db.add(LedgerEntry(vendor_id=vendor_id, kind="payout", amount=-amount, commission=0, currency=currency,
                       payout_id=payout.id, available_at=now, created_at=now,
                       note=f"Payout {payout.id} ({len(rows)} entries)"))
    db.flush()
    return payout


def claim_due(db, settings, provider, now: datetime | None = None) -> list[Payout]:
    """Claim a payout for every vendor that is due (see the module docstring); nothing is sent."""
    now = now or utcnow()
    minimum = payout_settings.minimum_minor(settings)
    payouts = []
    for vendor_id in due_vendor_ids(db, minimum, now, provider.needs_account()):
        payout = claim(db, vendor_id, minimum, now, settings["agora.currency"], provider.name)
        if payout is not None:
            payouts.append(payout)
    return payouts


def account_of(db, vendor_id: int) -> PayoutAccount | None:
    return db.execute(select(PayoutAccount).where(PayoutAccount.vendor_id == vendor_id)).scalar_one_or_none()


class Notify:
    """Fires the payouts plugin's hooks (``plugins.payouts.hookspecs``) for one context: a web
    request, or the CLI (``request`` None).  ``hooks`` None fires nothing (domain tests)."""

    def __init__(self, hooks=None, settings=None, request=None):
        self.hooks, self.settings, self.request = hooks, settings, request

    def _fire(self, name: str, db, payout: Payout, **extra) -> None:
        if self.hooks is None:
            return
        vendor = db.get(Vendor, payout.vendor_id)
        getattr(self.hooks, name)(request=self.request, db=db, settings=self.settings, payout=payout,
                                  vendor=vendor, **extra)

    def created(self, db, payout: Payout) -> None:
        self._fire("agora_payout_created", db, payout)

    def paid(self, db, payout: Payout) -> None:
        self._fire("agora_payout_paid", db, payout)

    def failed(self, db, payout: Payout, reason: str) -> None:
        self._fire("agora_payout_failed", db, payout, reason=reason)


SILENT = Notify()


def send(db, provider, payout: Payout, notify: Notify = SILENT) -> Payout:
    """Hand one pending payout to the provider and record what it said (see the module docstring)."""
    account = account_of(db, payout.vendor_id)
    try:
        reference = provider.send(payout, account.account_id if account else None)
    except PayoutFailed as exc:
        fail(db, payout, str(exc), notify)
        return payout
    if reference is not None:
        payout.status, payout.reference, payout.paid_at = "paid", reference, utcnow()
        db.flush()
        notify.paid(db, payout)
    return payout


def run(db, settings, provider, commit, notify: Notify = SILENT) -> list[Payout]:
    """A whole run: claim, ``commit()`` the claims, send each payout, and return them all.

    ``commit`` ends the claiming transaction and starts the next one (the request's transaction
    manager in a view, ``db.commit`` in the CLI)."""
    payouts = claim_due(db, settings, provider)
    ids = [p.id for p in payouts]
    if not ids:
        return []
    for payout in payouts:
        notify.created(db, payout)
    commit()
    out = []
    for payout_id in ids:
        payout = db.get(Payout, payout_id)
        out.append(send(db, provider, payout, notify) if payout.status == "pending" else payout)
    return out


# ------------------------------------------------------------------ after a run
def _locked(db, payout_id: int) -> Payout:
    payout = db.execute(select(Payout).where(Payout.id == payout_id).with_for_update()
                        .execution_options(populate_existing=True)).scalar_one_or_none()
    if payout is None:
        raise not_found("No such payout.", name="id")
    return payout


def _must_be_pending_manual(payout: Payout, action: str) -> None:
    if payout.status != "pending":
        raise AgoraError(409, f"Payout {payout.id} is {payout.status} already; it cannot be {action}.", name="status")
    if payout.provider != "manual":
        raise AgoraError(409, f"Payout {payout.id} is settled by {payout.provider}, not by hand.", name="provider")


def mark_paid(db, payout_id: int, reference: str, notify: Notify = SILENT) -> Payout:
    """The shop sent the money itself (manual provider): ``paid`` with its bank reference."""
    payout = _locked(db, payout_id)
    _must_be_pending_manual(payout, "marked paid")
    payout.status, payout.reference, payout.paid_at = "paid", reference, utcnow()
    db.flush()
    notify.paid(db, payout)
    return payout


def mark_failed(db, payout_id: int, reason: str, notify: Notify = SILENT) -> Payout:
    """The shop could not pay (manual provider): ``failed``, and the amount goes back to the balance."""
    payout = _locked(db, payout_id)
    _must_be_pending_manual(payout, "marked failed")
    fail(db, payout, reason, notify)
    return payout


def fail(db, payout: Payout, reason: str, notify: Notify = SILENT) -> None:
    """``failed`` plus a ``payout_reversal`` entry (+amount, available at once, claimable again).
    The unique (payout_id, kind) key makes a second reversal of one payout impossible."""
    now = utcnow()
    payout.status, payout.failure_reason = "failed", reason
    db.add(LedgerEntry(vendor_id=payout.vendor_id, kind="payout_reversal", amount=payout.amount, commission=0,
                       currency=payout.currency, payout_id=payout.id, available_at=now, created_at=now,
                       note=f"Payout {payout.id} failed: {reason}"[:1000]))
    db.flush()
    notify.failed(db, payout, reason)


# ------------------------------------------------------------------ listing
def _filters(vendor_id: int | None, status: str | None) -> list:
    where = []
    if vendor_id is not None:
        where.append(Payout.vendor_id == vendor_id)
    if status:
        where.append(Payout.status == status)
    return where


def count_payouts(db, vendor_id: int | None = None, status: str | None = None) -> int:
    return db.execute(select(func.count(Payout.id)).where(*_filters(vendor_id, status))).scalar_one()


def page_of_payouts(db, vendor_id: int | None, status: str | None, offset: int, limit: int) -> list[Payout]:
    return list(db.execute(select(Payout).where(*_filters(vendor_id, status))
                           .order_by(Payout.created_at.desc(), Payout.id.desc()).offset(offset).limit(limit)).scalars())


# ------------------------------------------------------------------ payout accounts
def connect_account(db, provider, vendor, email: str, return_url: str, refresh_url: str) -> dict:
    """Create or reuse the vendor's account at the provider, with a fresh onboarding link."""
    account = account_of(db, vendor.id)
    account_id, url = provider.onboard(vendor=vendor, email=email, account_id=account.account_id if account else None,
                                       return_url=return_url, refresh_url=refresh_url)
    if account is None:
        db.add(PayoutAccount(vendor_id=vendor.id, provider=provider.name, account_id=account_id))
        db.flush()  # a concurrent twin got the same account (idempotency key): unique vendor_id → 409
    return {"account_id": account_id, "onboarding_url": url}
