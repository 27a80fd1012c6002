"""product full-text search: PostgreSQL tsvector + GIN, SQLite FTS5 kept by triggers

PostgreSQL: ``products.search_vector`` is a STORED generated column, so every write path
(vendors, demo data, raw SQL) keeps it true without application code; the GIN index serves
``@@``.  SQLite: ``products_fts`` is an external-content FTS5 table over products' name and
description, synchronised by triggers.  Note: a later batch migration that *recreates* the
``products`` table on SQLite drops these triggers; such a migration must recreate them
(call :func:`sqlite_triggers` below again).

The column is not declared on the model (it is read only through ``core.catalog.search``).

Revision ID: 0003_product_search
Revises: 0002_catalog
"""
from alembic import op

revision = "0003_product_search"
down_revision = "0002_catalog"
branch_labels = None
depends_on = None

PG_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')"
)

SQLITE_TRIGGERS = [
    """CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
         INSERT INTO products_fts(rowid, name, description) VALUES (new.id, new.name, new.description);
       END""",
    """CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
         INSERT INTO products_fts(products_fts, rowid, name, description)
         VALUES ('delete', old.id, old.name, old.description);
       END""",
    """CREATE TRIGGER products_fts_update AFTER UPDATE OF name, description ON products BEGIN
         INSERT INTO products_fts(products_fts, rowid, name, description)
         VALUES ('delete', old.id, old.name, old.description);
         INSERT INTO products_fts(rowid, name, description) VALUES (new.id, new.name, new.description);
       END""",
]


def sqlite_triggers():
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_VECTOR}) STORED")
        op.execute("CREATE INDEX ix_products_search_vector ON products USING gin (search_vector)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE products_fts USING fts5("
        "name, description, content='products', content_rowid='id', tokenize='porter unicode61')"
    )
    sqlite_triggers()
    op.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_products_search_vector")
        op.execute("ALTER TABLE products DROP COLUMN IF EXISTS search_vector")
        return
    for name in ("products_fts_insert", "products_fts_delete", "products_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS products_fts")
