"""The payouts services (docs/api.md › Marketplace money): thin views over the domain modules."""
from __future__ import annotations

from cornice import Service

from core import audit
from core.errors import AgoraError
from core.money import to_minor
from core.openapi import responds
from core.pagination import paginate
from core.validation import In, validate
from plugins.payouts import commissions, ledger, payouts, report, serialize
from plugins.payouts.schemas import (
    AdjustmentIn,
    CommissionRuleIn,
    CommissionRuleOut,
    CommissionRulePath,
    CommissionRuleQuery,
    LedgerQuery,
    ManagerPayoutQuery,
    MarketplaceReportOut,
    MarketplaceReportQuery,
    MarkFailedIn,
    MarkPaidIn,
    PayoutAccountOut,
    PayoutBalanceOut,
    PayoutLedgerEntryOut,
    PayoutOut,
    PayoutPath,
    PayoutRunOut,
    VendorPath,
    VendorPayoutQuery,
)
from plugins.payouts.settings import onboarding_urls
from plugins.payouts.vendors import approved_vendor, vendor_by_id, vendor_id_by_slug

balance_svc = Service("payouts_vendor_balance", "/api/vendor/balance/", description="The vendor's balance")
ledger_svc = Service("payouts_vendor_ledger", "/api/vendor/ledger/", description="The vendor's ledger entries")
vendor_payouts_svc = Service("payouts_vendor_payouts", "/api/vendor/payouts/", description="The vendor's payouts")
account_svc = Service("payouts_vendor_account", "/api/vendor/payout-account/",
                      description="Create or reuse the vendor's payout account (Stripe Connect)")
rules_svc = Service("payouts_commission_rules", "/api/manager/commissions/", description="Commission rules")
rule_svc = Service("payouts_commission_rule", "/api/manager/commissions/{id}/", description="One commission rule")
run_svc = Service("payouts_run", "/api/manager/payouts/run/", description="Pay every vendor that is due")
manager_payouts_svc = Service("payouts_manager_payouts", "/api/manager/payouts/", description="All payouts")
mark_paid_svc = Service("payouts_mark_paid", "/api/manager/payouts/{id}/mark-paid/",
                        description="Record a manual payout as paid")
mark_failed_svc = Service("payouts_mark_failed", "/api/manager/payouts/{id}/mark-failed/",
                          description="Record a manual payout as failed (its amount returns to the balance)")
adjustment_svc = Service("payouts_adjustment", "/api/manager/vendors/{id}/adjustments/",
                         description="Add a signed correction to a vendor's ledger")
report_svc = Service("payouts_marketplace_report", "/api/manager/marketplace/report/",
                     description="Sales, commissions, refunds and payouts over a date range")

SERVICES = [balance_svc, ledger_svc, vendor_payouts_svc, account_svc, rules_svc, rule_svc, run_svc,
            manager_payouts_svc, mark_paid_svc, mark_failed_svc, adjustment_svc, report_svc]


def _notify(request) -> payouts.Notify:
    """The payouts hooks, fired in this request's transaction."""
    return payouts.Notify(request.hooks, request.settings, request)


def _currency(request) -> str:
    return request.settings["agora.currency"]


# ------------------------------------------------------------------ the vendor's side
@balance_svc.get(permission="vendor")
@responds(200, PayoutBalanceOut)
def get_balance(request):
    """The caller's balance (approved vendors).

    ``pending`` sales are still on hold, ``available`` can be paid out, ``paid_out`` counts payouts
    that have not failed; all are sums of the ledger's entries."""
    vendor = approved_vendor(request.db, request.user.id)
    return serialize.balance_json(ledger.balances(request.db, vendor.id), _currency(request))


@ledger_svc.get(schema=In(querystring=LedgerQuery), validators=(validate,), permission="vendor")
@responds(200, PayoutLedgerEntryOut, paginated=True)
def list_ledger(request):
    """Newest first; ``?kind=`` narrows to one kind of entry."""
    vendor = approved_vendor(request.db, request.user.id)
    kind = request.validated["querystring"].get("kind")
    return paginate(request, ledger.count_entries(request.db, vendor.id, kind),
                    lambda offset, limit: ledger.page_of_entries(request.db, vendor.id, kind, offset, limit),
                    lambda rows: [serialize.entry_json(entry, claimed) for entry, claimed in rows])


@vendor_payouts_svc.get(schema=In(querystring=VendorPayoutQuery), validators=(validate,), permission="vendor")
@responds(200, PayoutOut, paginated=True)
def list_vendor_payouts(request):
    """The caller's payouts, newest first (approved vendors).

    ``?status=`` narrows them to pending, paid or failed payouts."""
    vendor = approved_vendor(request.db, request.user.id)
    status = request.validated["querystring"].get("status")
    return paginate(request, payouts.count_payouts(request.db, vendor.id, status),
                    lambda offset, limit: payouts.page_of_payouts(request.db, vendor.id, status, offset, limit),
                    lambda rows: [serialize.payout_json(p) for p in rows])


@account_svc.post(permission="vendor")
@responds(200, PayoutAccountOut)
@responds(400, description="The manual provider has no payout accounts")
@responds(502, description="Stripe could not be reached; retry")
def connect_account(request):
    """Create or reuse the caller's Stripe Connect account and an onboarding link.

    Only with the ``stripe`` payout provider; with ``manual`` it is a 400."""
    vendor = approved_vendor(request.db, request.user.id)
    back, refresh = onboarding_urls(request.settings)
    account = payouts.connect_account(request.db, request.payout_provider, vendor, request.user.email, back, refresh)
    audit.record_request(request, "payout.account_connected", ("vendor", vendor.id), {"account_id": account["account_id"]})
    return account


# ------------------------------------------------------------------ commission rules
@rules_svc.get(schema=In(querystring=CommissionRuleQuery), validators=(validate,), permission="manage")
@responds(200, CommissionRuleOut, paginated=True)
def list_rules(request):
    """List the commission rules (managers).

    The most specific rule wins: vendor + category, then vendor, then category, then the
    ``agora.payouts.commission_rate`` default."""
    return paginate(request, commissions.count_rules(request.db),
                    lambda offset, limit: commissions.page_of_rules(request.db, offset, limit),
                    lambda rows: [serialize.rule_json(*row) for row in rows])


@rules_svc.post(schema=In(body=CommissionRuleIn), validators=(validate,), permission="manage")
@responds(201, CommissionRuleOut)
@responds(409, description="A rule for this vendor + category exists")
def create_rule(request):
    """Create a commission rule (managers).

    A second rule for the same vendor + category is a 409; a rate outside [0, 1] is a 400."""
    body = request.validated["body"]
    rule = commissions.create_rule(request.db, body["vendor"], body["category"], body["rate"])
    audit.record_request(request, "commission_rule.created", ("commission_rule", rule.id), {"vendor": body["vendor"],
                         "category": body["category"], "rate": body["rate"]})
    request.response.status = 201
    return serialize.rule_json(rule, body["vendor"], body["category"])


@rule_svc.delete(schema=In(path=CommissionRulePath), validators=(validate,), permission="manage")
@responds(204, None)
def delete_rule(request):
    """Delete a commission rule (managers).

    Rates already snapshotted on paid order lines are not changed."""
    commissions.delete_rule(request.db, request.validated["path"]["id"])
    audit.record_request(request, "commission_rule.deleted", ("commission_rule", request.validated["path"]["id"]))
    response = request.response
    response.status = 204
    response.content_type = None  # a 204 carries no body, so no Content-Type either
    return response


# ------------------------------------------------------------------ payouts (managers)
@run_svc.post(permission="manage")
@responds(201, PayoutRunOut, description="The payouts made by this run")
@responds(200, PayoutRunOut, description="Nothing was due: `payouts` is empty")
def run_payouts(request):
    """Pay every vendor that is due (managers).

    Creates at most one payout per approved vendor whose available balance reaches
    ``agora.payouts.minimum``, claiming exactly the entries it pays; 200 with an empty list when
    nothing is due."""
    def commit():  # the claims are committed before any money is sent (see plugins.payouts.payouts)
        request.tm.commit()
        request.tm.begin()

    done = payouts.run(request.db, request.settings, request.payout_provider, commit, _notify(request))
    audit.record_request(request, "payout.run", ("payout_run", None), serialize.run_changes(done))
    request.response.status = 201 if done else 200
    return {"payouts": serialize.payouts_with_vendors(request.db, done)}


@manager_payouts_svc.get(schema=In(querystring=ManagerPayoutQuery), validators=(validate,), permission="manage")
@responds(200, PayoutOut, paginated=True)
def list_payouts(request):
    """Newest first; ``?status=`` and ``?vendor=`` (slug; an unknown one lists nothing)."""
    query = request.validated["querystring"]
    vendor_id = None
    if "vendor" in query:
        vendor_id = vendor_id_by_slug(request.db, query["vendor"]) or 0
    status = query.get("status")
    return paginate(request, payouts.count_payouts(request.db, vendor_id, status),
                    lambda offset, limit: payouts.page_of_payouts(request.db, vendor_id, status, offset, limit),
                    lambda rows: serialize.payouts_with_vendors(request.db, rows))


@mark_paid_svc.post(schema=In(path=PayoutPath, body=MarkPaidIn), validators=(validate,), permission="manage")
@responds(200, PayoutOut)
@responds(409, description="The payout is not a pending manual payout")
def mark_paid(request):
    """Record a manual payout as paid, with its bank reference (managers).

    Only a pending payout of the ``manual`` provider; otherwise a 409."""
    payout = payouts.mark_paid(request.db, request.validated["path"]["id"], request.validated["body"]["reference"],
                               _notify(request))
    audit.record_request(request, "payout.marked_paid", ("payout", payout.id), {"status": {"old": "pending",
                         "new": payout.status}, "reference": payout.reference})
    return serialize.payouts_with_vendors(request.db, [payout])[0]


@mark_failed_svc.post(schema=In(path=PayoutPath, body=MarkFailedIn), validators=(validate,), permission="manage")
@responds(200, PayoutOut)
@responds(409, description="The payout is not a pending manual payout")
def mark_failed(request):
    """Record a manual payout as failed (managers).

    Its amount returns to the vendor's balance through a ``payout_reversal`` entry."""
    payout = payouts.mark_failed(request.db, request.validated["path"]["id"], request.validated["body"]["reason"],
                                 _notify(request))
    audit.record_request(request, "payout.marked_failed", ("payout", payout.id), {"status": {"old": "pending",
                         "new": payout.status}, "reason": payout.failure_reason})
    return serialize.payouts_with_vendors(request.db, [payout])[0]


@adjustment_svc.post(schema=In(path=VendorPath, body=AdjustmentIn), validators=(validate,), permission="manage")
@responds(201, PayoutLedgerEntryOut)
def add_adjustment(request):
    """Add a signed correction to a vendor's ledger, with a note (managers).

    Available at once; it may make the balance negative."""
    vendor = vendor_by_id(request.db, request.validated["path"]["id"])
    body = request.validated["body"]
    try:
        amount = to_minor(body["amount"], _currency(request))
    except ValueError as exc:
        raise AgoraError(400, f"Not a valid amount: {exc}.", name="amount") from None
    entry = ledger.add_adjustment(request.db, vendor.id, amount, body["note"], request.user.id, _currency(request))
    audit.record_request(request, "payout.adjustment_added", ("vendor", vendor.id), {"entry_id": entry.id, "amount": amount,
                         "currency": _currency(request), "note": body["note"]})
    request.response.status = 201
    return serialize.entry_json(entry, None)


@report_svc.get(schema=In(querystring=MarketplaceReportQuery), validators=(validate,), permission="manage")
@responds(200, MarketplaceReportOut)
def marketplace_report(request):
    """The marketplace figures over a date range (managers).

    Gross sales, commissions, refunds, adjustments, vendor earnings, payouts paid and pending, and
    the platform's revenue, for orders paid from ``from`` to ``to`` (inclusive)."""
    query = request.validated["querystring"]
    figures = report.marketplace_report(request.db, query.get("start"), query.get("end"))
    return serialize.report_json(figures, _currency(request))
