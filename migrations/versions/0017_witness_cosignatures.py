"""Witness cosignatures of the transparency log's checkpoints (C2SP tlog-witness) and their
RFC 3161 time-stamps

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-04 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = '0017'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('log_cosignatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('witness', sa.String(length=200), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('root_hash', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('cosigned_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_log_cosignatures'))
    )
    op.create_index(op.f('ix_log_cosignatures_witness'), 'log_cosignatures', ['witness'], unique=False)
    op.create_table('log_checkpoint_timestamps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tree_head_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tree_head_id'], ['log_tree_heads.id'],
                            name=op.f('fk_log_checkpoint_timestamps_tree_head_id_log_tree_heads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_log_checkpoint_timestamps')),
    sa.UniqueConstraint('tree_head_id', name=op.f('uq_log_checkpoint_timestamps_tree_head_id'))
    )


def downgrade():
    op.drop_table('log_checkpoint_timestamps')
    op.drop_index(op.f('ix_log_cosignatures_witness'), table_name='log_cosignatures')
    op.drop_table('log_cosignatures')
