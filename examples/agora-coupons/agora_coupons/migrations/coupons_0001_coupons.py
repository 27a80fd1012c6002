"""coupons: coupons, the code applied to each shopper's cart, and the orders that used one

Revision ID: coupons_0001
Revises:
Create Date: 2026-12-01 10:00:00
"""
import sqlalchemy as sa
from alembic import op

import core.db  # noqa: F401  (custom column types)

revision = 'coupons_0001'
down_revision = None
branch_labels = ('coupons',)
depends_on = None


def upgrade():
    op.create_table('coupons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('minimum_subtotal', sa.Integer(), nullable=False),
    sa.Column('valid_from', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('valid_until', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('usage_limit', sa.Integer(), nullable=True),
    sa.Column('per_customer_limit', sa.Integer(), nullable=True),
    sa.Column('times_used', sa.Integer(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('vendors', sa.JSON(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('percent', 'fixed')", name=op.f('ck_coupons_kind')),
    sa.CheckConstraint("value > 0 AND (kind = 'fixed' OR value <= 10000)", name=op.f('ck_coupons_value')),
    sa.CheckConstraint('times_used >= 0', name=op.f('ck_coupons_times_used')),
    sa.CheckConstraint('usage_limit IS NULL OR times_used <= usage_limit', name=op.f('ck_coupons_within_limit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupons')),
    sa.UniqueConstraint('code', name=op.f('uq_coupons_code')),
    info={'owner': 'coupons'}
    )
    op.create_table('coupon_applications',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('coupon_id', sa.Integer(), nullable=False),
    sa.Column('applied_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coupon_id'], ['coupons.id'], name=op.f('fk_coupon_applications_coupon_id_coupons'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_coupon_applications_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_coupon_applications')),
    info={'owner': 'coupons'}
    )
    with op.batch_alter_table('coupon_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupon_applications_coupon_id'), ['coupon_id'], unique=False)
    op.create_table('coupon_usages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coupon_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('used_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coupon_id'], ['coupons.id'], name=op.f('fk_coupon_usages_coupon_id_coupons'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_coupon_usages_order_id_orders'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_coupon_usages_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon_usages')),
    sa.UniqueConstraint('order_id', name=op.f('uq_coupon_usages_order_id')),
    info={'owner': 'coupons'}
    )
    with op.batch_alter_table('coupon_usages', schema=None) as batch_op:
        batch_op.create_index('ix_coupon_usages_coupon_user', ['coupon_id', 'user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('coupon_usages', schema=None) as batch_op:
        batch_op.drop_index('ix_coupon_usages_coupon_user')
    op.drop_table('coupon_usages')
    with op.batch_alter_table('coupon_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coupon_applications_coupon_id'))
    op.drop_table('coupon_applications')
    op.drop_table('coupons')
