"""returns: returns, their items and status history (core/returns)

Revision ID: 0012_returns
Revises: 0011_catalog_version
Create Date: 2026-12-01 10:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

import core.db  # noqa: F401  (custom column types)

revision = '0012_returns'
down_revision = '0011_catalog_version'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('refund_amount', sa.Integer(), nullable=False),
    sa.Column('restocked', sa.Boolean(), nullable=False),
    sa.Column('refund_reference', sa.String(length=120), nullable=True),
    sa.Column('refund_attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('refund_amount >= 0', name=op.f('ck_returns_refund_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_returns_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_returns_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_returns'))
    )
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_returns_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_user_id'), ['user_id'], unique=False)

    op.create_table('return_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('order_item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_return_items_quantity_positive')),
    sa.ForeignKeyConstraint(['order_item_id'], ['order_items.id'],
                            name=op.f('fk_return_items_order_item_id_order_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['return_id'], ['returns.id'], name=op.f('fk_return_items_return_id_returns'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_items'))
    )
    with op.batch_alter_table('return_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_items_order_item_id'), ['order_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_items_return_id'), ['return_id'], unique=False)

    op.create_table('return_status_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_return_status_history_actor_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['return_id'], ['returns.id'], name=op.f('fk_return_status_history_return_id_returns'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_status_history'))
    )
    with op.batch_alter_table('return_status_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_status_history_return_id'), ['return_id'], unique=False)


def downgrade():
    op.drop_table('return_status_history')
    op.drop_table('return_items')
    op.drop_table('returns')
