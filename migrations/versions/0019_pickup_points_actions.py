"""The pickup-point register (opening hours per weekday, holidays closed, active) and recipients' actions

Revision ID: 0019_pickup_points_actions
Revises: 0018
Create Date: 2026-12-04 09:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

import app.models.types

revision = '0019_pickup_points_actions'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs (nullable or with a constant default): no table rebuild on SQLite.
    op.add_column('pickup_points', sa.Column('hours', sa.JSON(), nullable=True))
    op.add_column('pickup_points', sa.Column('holidays_closed', sa.Boolean(), server_default=sa.true(),
                                             nullable=False))
    op.add_column('pickup_points', sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('pickup_points', sa.Column('updated_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
    op.create_table('recipient_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_recipient_actions_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_recipient_actions_item_id_items')),
    sa.ForeignKeyConstraint(['task_id'], ['carrier_tasks.id'], name=op.f('fk_recipient_actions_task_id_carrier_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipient_actions'))
    )
    op.create_index(op.f('ix_recipient_actions_item_id'), 'recipient_actions', ['item_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_recipient_actions_item_id'), table_name='recipient_actions')
    op.drop_table('recipient_actions')
    with op.batch_alter_table('pickup_points', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('active')
        batch_op.drop_column('holidays_closed')
        batch_op.drop_column('hours')
