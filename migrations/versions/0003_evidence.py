"""transparency log, signed tree heads and proof versions

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 15:45:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('log_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_log_state'))
    )
    op.create_table('log_entries',
    sa.Column('index', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('canonical', sa.Text(), nullable=False),
    sa.Column('leaf_hash', sa.String(length=64), nullable=False),
    sa.Column('opening', sa.JSON(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['item_events.id'], name=op.f('fk_log_entries_event_id_item_events')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_log_entries_item_id_items')),
    sa.PrimaryKeyConstraint('index', name=op.f('pk_log_entries')),
    sa.UniqueConstraint('event_id', name=op.f('uq_log_entries_event_id'))
    )
    op.create_index(op.f('ix_log_entries_item_id'), 'log_entries', ['item_id'], unique=False)
    op.create_table('log_nodes',
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('index', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('level', 'index', name=op.f('pk_log_nodes'))
    )
    op.create_table('log_tree_heads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('root_hash', sa.String(length=64), nullable=False),
    sa.Column('timestamp_ms', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_log_tree_heads'))
    )
    op.create_index(op.f('ix_log_tree_heads_tree_size'), 'log_tree_heads', ['tree_size'], unique=False)
    op.create_table('proof_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('variant', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('last_entry_index', sa.BigInteger(), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("variant IN ('sender', 'public')", name=op.f('ck_proof_versions_variant')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_proof_versions_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proof_versions')),
    sa.UniqueConstraint('item_id', 'variant', 'version', name='uq_proof_versions_item_variant_version')
    )
    op.create_index(op.f('ix_proof_versions_item_id'), 'proof_versions', ['item_id'], unique=False)
    op.create_index(op.f('ix_proof_versions_sha256'), 'proof_versions', ['sha256'], unique=False)
    for table in APPEND_ONLY:
        create_append_only_guard(table)


APPEND_ONLY = ("log_entries", "log_nodes", "log_tree_heads")


def create_append_only_guard(table: str) -> None:
    """The database refuses UPDATE and DELETE on the log (as on ``attempts`` in 0001)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE OR REPLACE FUNCTION awizo_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION awizo_refuse_change()")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END")


def downgrade():
    op.drop_index(op.f('ix_proof_versions_sha256'), table_name='proof_versions')
    op.drop_index(op.f('ix_proof_versions_item_id'), table_name='proof_versions')
    op.drop_table('proof_versions')
    op.drop_index(op.f('ix_log_tree_heads_tree_size'), table_name='log_tree_heads')
    op.drop_table('log_tree_heads')
    op.drop_table('log_nodes')
    op.drop_index(op.f('ix_log_entries_item_id'), table_name='log_entries')
    op.drop_table('log_entries')
    op.drop_table('log_state')
