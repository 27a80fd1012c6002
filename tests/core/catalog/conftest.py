"""Catalog fixtures: categories built straight in the test session, and a recorder of SQL statements
(vendors and products: ``core.testing``'s ``make_vendor`` and ``make_product``)."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from core.catalog.models import Category


@pytest.fixture
def make_category(db):
    """``make_category("Shoes", parent=None, active=True)`` → Category (slug from the name)."""

    def make(name: str, parent: Category | None = None, active: bool = True, slug: str | None = None):
        category = Category(name=name, slug=slug or f"{name.lower().replace(' ', '-')}",
                            parent_id=parent.id if parent else None, is_active=active)
        db.add(category)
        db.flush()
        return category

    return make


@pytest.fixture
def statements(engine):
    """A list that records every SQL statement run while the test executes."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)
