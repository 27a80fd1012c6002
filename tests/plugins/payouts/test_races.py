"""Two (three) payout runs at once on PostgreSQL with real commits never pay an entry twice.

Each round gives every vendor new available entries, then fires three ``POST
/api/manager/payouts/run/`` at the same moment; every vendor must end with exactly one new
payout for exactly its balance, every entry claimed once.  Twenty rounds in a loop."""
from __future__ import annotations

import pytest
import webtest
from sqlalchemy import func, select

from core.testing import TEST_PASSWORD, all_at_once, committed_session, new_user, new_vendor, scratch_database
from plugins.payouts.ledger import add_adjustment, balances
from plugins.payouts.models import LedgerEntry, Payout, PayoutItem

pytestmark = pytest.mark.postgresql_only

ROUNDS = 20
RUNS_AT_ONCE = 3


@pytest.fixture(scope="module")
def race_db(enabled_plugins, db_kind):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL only")
    with scratch_database(enabled_plugins, {"agora.db.pool_size": "10", "agora.db.max_overflow": "10",
                                            "agora.payouts.hold_days": "0"}) as (url, app):
        yield url, app


def setup_shop(url, app, vendor_count: int = 4):
    with committed_session(url) as db, db.begin():
        email = new_user(db, "manager").email
        vendor_ids = [new_vendor(db, name=f"Racer {n}").id for n in range(vendor_count)]
    token = webtest.TestApp(app).post_json("/api/auth/login/", {"email": email, "password": TEST_PASSWORD}).json
    return vendor_ids, {"Authorization": f"Bearer {token['access']}"}


def test_concurrent_runs_never_pay_an_entry_twice(race_db):
    url, app = race_db
    vendor_ids, headers = setup_shop(url, app)
    outcomes = []
    for round_number in range(ROUNDS):
        with committed_session(url) as db, db.begin():
            for index, vendor_id in enumerate(vendor_ids):
                for cents in (1500, 2750 + index, -300):  # a refund-like negative is netted too
                    add_adjustment(db, vendor_id, cents, f"round {round_number}", None, "USD")
            due = {v: balances(db, v)["available"] for v in vendor_ids}

        def run():
            response = webtest.TestApp(app).post("/api/manager/payouts/run/", headers=headers, expect_errors=True)
            return response.status_int, response.json

        results = all_at_once([run] * RUNS_AT_ONCE)
        assert all(status in (200, 201) for status, _ in results), results
        paid = [p for _, body in results for p in body["payouts"]]
        assert sorted(p["vendor"]["id"] for p in paid) == sorted(vendor_ids), results
        assert {p["vendor"]["id"]: int(p["amount"].replace(".", "")) for p in paid} == due
        with committed_session(url) as db:
            claims = db.execute(select(func.count(PayoutItem.id), func.count(func.distinct(PayoutItem.entry_id)))).one()
            assert claims[0] == claims[1]
            claimable = db.execute(select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == "adjustment")).scalar_one()
            assert claims[0] == claimable  # every entry paid, none twice
            assert all(balances(db, v)["available"] == 0 for v in vendor_ids)
            assert db.execute(select(func.count(Payout.id))).scalar_one() == len(vendor_ids) * (round_number + 1)
        outcomes.append(sorted(status for status, _ in results))
    assert len(outcomes) == ROUNDS
    print(f"payout race: {ROUNDS}/{ROUNDS} rounds of {RUNS_AT_ONCE} concurrent runs, each entry paid once; "
          f"answers per round {outcomes[0]}")
