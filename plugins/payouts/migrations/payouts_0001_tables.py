"""payouts: commission rules, line snapshots, the append-only ledger, payouts and their claims

``payout_items.entry_id`` is unique: that is what keeps two payout runs from paying one ledger
entry twice.  A trigger (PostgreSQL and SQLite) refuses any UPDATE or DELETE of a ledger entry,
so the ledger stays append-only even for code that bypasses the ORM's guard.

Revision ID: payouts_0001
Revises:
Create Date: 2026-12-01 10:06:33.099383
"""
import sqlalchemy as sa
from alembic import op

import core.db  # noqa: F401  (custom column types)

revision = 'payouts_0001'
down_revision = None
branch_labels = ('payouts',)
depends_on = None


def upgrade():
    op.create_table('payout_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('account_id', sa.String(length=120), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_payout_accounts_vendor_id_vendors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_accounts')),
    sa.UniqueConstraint('vendor_id', name=op.f('uq_payout_accounts_vendor_id')),
    info={'owner': 'payouts'}
    )
    op.create_table('payout_commission_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('rate_ppm', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rate_ppm >= 0 AND rate_ppm <= 1000000', name=op.f('ck_payout_commission_rules_rate_in_range')),
    sa.CheckConstraint('vendor_id IS NOT NULL OR category_id IS NOT NULL', name=op.f('ck_payout_commission_rules_has_scope')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_payout_commission_rules_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_payout_commission_rules_vendor_id_vendors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_commission_rules')),
    sa.UniqueConstraint('scope', name=op.f('uq_payout_commission_rules_scope')),
    info={'owner': 'payouts'}
    )
    with op.batch_alter_table('payout_commission_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_commission_rules_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payout_commission_rules_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('payouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'paid', 'failed')", name=op.f('ck_payouts_status')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payouts_amount_positive')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_payouts_vendor_id_vendors'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payouts')),
    info={'owner': 'payouts'}
    )
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payouts_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_payouts_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_payouts_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('payout_ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('commission', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('order_item_id', sa.Integer(), nullable=True),
    sa.Column('payout_id', sa.Integer(), nullable=True),
    sa.Column('available_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('sale', 'refund', 'payout', 'payout_reversal', 'adjustment')", name=op.f('ck_payout_ledger_entries_kind')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_payout_ledger_entries_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_payout_ledger_entries_order_id_orders')),
    sa.ForeignKeyConstraint(['order_item_id'], ['order_items.id'], name=op.f('fk_payout_ledger_entries_order_item_id_order_items')),
    sa.ForeignKeyConstraint(['payout_id'], ['payouts.id'], name=op.f('fk_payout_ledger_entries_payout_id_payouts')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_payout_ledger_entries_vendor_id_vendors'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_ledger_entries')),
    sa.UniqueConstraint('payout_id', 'kind', name='uq_payout_ledger_entries_payout_kind'),
    info={'owner': 'payouts'}
    )
    with op.batch_alter_table('payout_ledger_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_ledger_entries_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_payout_ledger_entries_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payout_ledger_entries_order_item_id'), ['order_item_id'], unique=False)
        batch_op.create_index('ix_payout_ledger_entries_vendor_available', ['vendor_id', 'available_at'], unique=False)

    op.create_table('payout_line_commissions',
    sa.Column('order_item_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('rate_ppm', sa.Integer(), nullable=False),
    sa.Column('line_total', sa.Integer(), nullable=False),
    sa.Column('discount', sa.Integer(), nullable=False),
    sa.Column('commission', sa.Integer(), nullable=False),
    sa.Column('vendor_net', sa.Integer(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('line_total - discount = commission + vendor_net', name=op.f('ck_payout_line_commissions_adds_up')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_payout_line_commissions_order_id_orders')),
    sa.ForeignKeyConstraint(['order_item_id'], ['order_items.id'], name=op.f('fk_payout_line_commissions_order_item_id_order_items')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_payout_line_commissions_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('order_item_id', name=op.f('pk_payout_line_commissions')),
    info={'owner': 'payouts'}
    )
    with op.batch_alter_table('payout_line_commissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_line_commissions_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payout_line_commissions_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('payout_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payout_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['payout_ledger_entries.id'], name=op.f('fk_payout_items_entry_id_payout_ledger_entries')),
    sa.ForeignKeyConstraint(['payout_id'], ['payouts.id'], name=op.f('fk_payout_items_payout_id_payouts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_items')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_payout_items_entry_id')),
    info={'owner': 'payouts'}
    )
    with op.batch_alter_table('payout_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_items_payout_id'), ['payout_id'], unique=False)

    _append_only_trigger()


def _append_only_trigger():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION payout_ledger_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'payout_ledger_entries is append-only (% refused)', TG_OP;
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute("CREATE TRIGGER payout_ledger_append_only BEFORE UPDATE OR DELETE ON payout_ledger_entries "
                   "FOR EACH ROW EXECUTE FUNCTION payout_ledger_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER payout_ledger_no_{event.lower()} BEFORE {event} ON payout_ledger_entries "
                       f"BEGIN SELECT RAISE(ABORT, 'payout_ledger_entries is append-only ({event} refused)'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER payout_ledger_append_only ON payout_ledger_entries")
        op.execute("DROP FUNCTION payout_ledger_append_only()")
    else:
        op.execute("DROP TRIGGER payout_ledger_no_update")
        op.execute("DROP TRIGGER payout_ledger_no_delete")
    with op.batch_alter_table('payout_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_items_payout_id'))

    op.drop_table('payout_items')
    with op.batch_alter_table('payout_line_commissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_line_commissions_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_payout_line_commissions_order_id'))

    op.drop_table('payout_line_commissions')
    with op.batch_alter_table('payout_ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_payout_ledger_entries_vendor_available')
        batch_op.drop_index(batch_op.f('ix_payout_ledger_entries_order_item_id'))
        batch_op.drop_index(batch_op.f('ix_payout_ledger_entries_order_id'))
        batch_op.drop_index(batch_op.f('ix_payout_ledger_entries_created_at'))

    op.drop_table('payout_ledger_entries')
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payouts_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_payouts_status'))
        batch_op.drop_index(batch_op.f('ix_payouts_created_at'))

    op.drop_table('payouts')
    with op.batch_alter_table('payout_commission_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_commission_rules_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_payout_commission_rules_category_id'))

    op.drop_table('payout_commission_rules')
    op.drop_table('payout_accounts')
