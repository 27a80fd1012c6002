"""payments: intents of guest checkouts (no user; the guest cart's key and the buyer's email)

Revision ID: payments_0002
Revises: payments_0001
Create Date: 2026-12-01 13:36:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'payments_0002'
down_revision = 'payments_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment_intents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guest_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_payment_intents_guest_key'), ['guest_key'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_payment_intents_guest_key_key'),
                                          ['guest_key', 'idempotency_key'])


def downgrade():
    op.execute("DELETE FROM payment_intents WHERE user_id IS NULL")
    with op.batch_alter_table('payment_intents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_payment_intents_guest_key_key'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_payment_intents_guest_key'))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('email')
        batch_op.drop_column('guest_key')
