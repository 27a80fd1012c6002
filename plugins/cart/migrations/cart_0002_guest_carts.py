"""cart: guest carts (no user; a hashed token and an expiry instead)

Revision ID: cart_0002
Revises: cart_0001
Create Date: 2026-12-01 13:30:00
"""
import sqlalchemy as sa
from alembic import op

import core.db  # noqa: F401  (custom column types)

revision = 'cart_0002'
down_revision = 'cart_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('carts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('expires_at', core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_carts_token_hash'), ['token_hash'])
        batch_op.create_index(batch_op.f('ix_carts_expires_at'), ['expires_at'], unique=False)
        batch_op.create_check_constraint(batch_op.f('ck_carts_one_owner'),
                                         '(user_id IS NULL) <> (token_hash IS NULL)')


def downgrade():
    op.execute("DELETE FROM carts WHERE user_id IS NULL")
    with op.batch_alter_table('carts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_carts_one_owner'), type_='check')
        batch_op.drop_index(batch_op.f('ix_carts_expires_at'))
        batch_op.drop_constraint(batch_op.f('uq_carts_token_hash'), type_='unique')
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('expires_at')
        batch_op.drop_column('token_hash')
