"""``agora CONFIG payouts run``: what ``POST /api/manager/payouts/run/`` does, from cron."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core import audit
from core.db import engine_from_settings
from core.money import format_minor


def add_commands(subparsers) -> None:
    parser = subparsers.add_parser("payouts", help="marketplace payouts (plugin payouts)")
    actions = parser.add_subparsers(dest="payouts_command", required=True)
    actions.add_parser("run", help="pay every vendor whose available balance reaches the minimum") \
        .set_defaults(func=run_command)


def run_command(args, settings, pm, loaded) -> None:
    from plugins.payouts.payouts import Notify, run
    from plugins.payouts.providers import provider_from_settings
    from plugins.payouts.serialize import run_changes

    engine = engine_from_settings(settings)
    try:
        with Session(engine, expire_on_commit=False) as db:
            done = run(db, settings, provider_from_settings(settings), db.commit, Notify(pm.hook, settings))
            audit.record(db, actor=None, action="payout.run", target=("payout_run", None), changes=run_changes(done))
            db.commit()
            for payout in done:
                print(f"payout {payout.id}: vendor {payout.vendor_id} "
                      f"{format_minor(payout.amount, payout.currency)} {payout.currency} {payout.status}")
            print(f"{len(done)} payout(s)")
    finally:
        engine.dispose()
