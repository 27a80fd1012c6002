"""stock reservations: units held for a payment intent until checkout, cancel or expiry

See core/orders/reservations.py.

Revision ID: 0012_stock_reservations
Revises: 0012_returns
Create Date: 2026-12-01 13:40:00
"""
import sqlalchemy as sa
from alembic import op

import core.db  # noqa: F401  (custom column types)

revision = '0012_stock_reservations'
down_revision = '0012_returns'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stock_reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('size_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('payment_reference', sa.String(length=120), nullable=False),
    sa.Column('owner', sa.String(length=80), nullable=False),
    sa.Column('expires_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_reservations_quantity_positive')),
    sa.ForeignKeyConstraint(['size_id'], ['sizes.id'], name=op.f('fk_stock_reservations_size_id_sizes'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_reservations'))
    )
    with op.batch_alter_table('stock_reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_reservations_size_id'), ['size_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_reservations_payment_reference'), ['payment_reference'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_stock_reservations_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_reservations_expires_at'), ['expires_at'], unique=False)


def downgrade():
    op.drop_table('stock_reservations')
