"""Models and migrations agree: no pending autogenerate operation after `migrate`."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.db import Base

# Full-text search lives in the migration only (a PostgreSQL generated tsvector column with its
# GIN index; an FTS5 table with triggers on SQLite): see migrations/versions/0003_product_search.py.
SEARCH_ONLY = {"search_vector", "ix_products_search_vector"}


def _include(obj, name, type_, reflected, compare_to):
    if type_ == "table" and reflected and compare_to is None:
        return False  # version tables, the SQLite FTS5 tables
    if name in SEARCH_ONLY:
        return False
    if type_ == "index" and name == "uq_users_email_lower":
        return False  # expression index: not reflected the same way on every backend
    return True


def test_models_and_migrations_agree(engine, db_kind):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _include, "compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], diff
