"""The orders subsystem's background work: deleting expired stock reservations.

``agora CONFIG worker`` runs :func:`reservation_sweeper` in its own thread next to the plugins'
tasks.  Expired rows already hold nothing (every availability query ignores them); deleting
them keeps the table small and refreshes ``products.in_stock`` of the products they kept shown
as sold out (see :mod:`core.orders.reservations`).
"""
from __future__ import annotations

import logging

from core.orders import reservations

log = logging.getLogger("agora.orders")

INTERVAL = 30.0  # seconds between two sweeps


def sweep_once(session_factory) -> int:
    """Delete the expired reservations in one committed transaction; how many went."""
    with session_factory() as db, db.begin():
        return reservations.sweep_expired(db)


def reservation_sweeper(session_factory, stop, interval: float = INTERVAL) -> None:
    """Loop until ``stop`` is set: sweep, then wait ``interval`` seconds."""
    while not stop.is_set():
        try:
            count = sweep_once(session_factory)
            if count:
                log.info("orders: deleted %s expired stock reservations", count)
        except Exception:  # the database may be briefly away: log and try again next round
            log.exception("orders: reservation sweep failed")
        stop.wait(interval)


def worker_tasks(settings) -> list:
    """Core's tasks for ``agora CONFIG worker`` (the plugins add theirs through a hook)."""
    from sqlalchemy.orm import sessionmaker

    from core.db import engine_from_settings

    session_factory = sessionmaker(bind=engine_from_settings(settings), expire_on_commit=False)

    def stock_reservation_sweeper(stop):
        reservation_sweeper(session_factory, stop)

    return [stock_reservation_sweeper]
