"""``INSERT ... ON CONFLICT`` for the two databases Agora runs on.

PostgreSQL and SQLite (≥ 3.24) both support it with the same SQLAlchemy API
(``on_conflict_do_update`` / ``on_conflict_do_nothing``); only the dialect's ``insert``
differs, so pick it from the session's bind.
"""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite


def insert(db, model):
    """The dialect-specific ``insert(model)`` for the database behind ``db``."""
    dialect = db.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)
