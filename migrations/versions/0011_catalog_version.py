"""catalog version counter (see core/catalog/version.py): one row, bumped by catalog writes

Revision ID: 0011_catalog_version
Revises: 0010_orders
Create Date: 2026-11-26 14:18:26.312175
"""
import sqlalchemy as sa
from alembic import op

import core.db  # noqa: F401  (custom column types)

revision = '0011_catalog_version'
down_revision = '0010_orders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalog_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_version'))
    )
    op.execute("INSERT INTO catalog_version (id, version) VALUES (1, 0)")


def downgrade():
    op.drop_table('catalog_version')

