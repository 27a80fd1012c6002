"""guest orders: user_id nullable, the buyer's email and a hashed order token

See core/orders/guests.py.

Revision ID: 0013_guest_orders
Revises: 0012_stock_reservations
Create Date: 2026-12-01 13:35:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_guest_orders'
down_revision = '0012_stock_reservations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('order_token_hash', sa.String(length=64), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_orders_email'), ['email'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_orders_order_token_hash'), ['order_token_hash'])


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_orders_order_token_hash'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_orders_email'))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('order_token_hash')
        batch_op.drop_column('email')
