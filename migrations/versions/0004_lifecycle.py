"""notice lifecycle: item_lifecycles and carrier_tasks

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-23 15:55:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = '0004'
down_revision = '0001'
branch_labels = None
depends_on = None

STAGES = ("awaiting_repeat_notice", "awaiting_reminder", "awaiting_end",
          "deemed_served", "returned", "collected", "stopped")


def upgrade():
    dt = app.models.types.UTCDateTime(timezone=True)
    op.create_table('item_lifecycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('profile', sa.String(length=40), nullable=False),
    sa.Column('stage', sa.String(length=30), nullable=False),
    sa.Column('next_action_at', dt, nullable=True),
    sa.Column('notice_attempt_id', sa.Integer(), nullable=True),
    sa.Column('carrier_id', sa.Integer(), nullable=True),
    sa.Column('pickup_point_id', sa.Integer(), nullable=True),
    sa.Column('notice_at', dt, nullable=False),
    sa.Column('first_notice_until', sa.Date(), nullable=False),
    sa.Column('collect_by', sa.Date(), nullable=False),
    sa.Column('collect_by_at', dt, nullable=False),
    sa.Column('repeat_notice_at', dt, nullable=True),
    sa.Column('reminder_at', dt, nullable=True),
    sa.Column('end_at', dt, nullable=False),
    sa.Column('end_action', sa.String(length=20), nullable=False),
    sa.Column('deemed_served_on', sa.Date(), nullable=True),
    sa.Column('repeat_notice_done_at', dt, nullable=True),
    sa.Column('reminder_done_at', dt, nullable=True),
    sa.Column('ended_at', dt, nullable=True),
    sa.Column('collected_at', dt, nullable=True),
    sa.Column('created_at', dt, nullable=False),
    sa.CheckConstraint("stage IN (" + ", ".join(f"'{s}'" for s in STAGES) + ")",
                       name=op.f('ck_item_lifecycles_stage')),
    sa.CheckConstraint("end_action IN ('deemed_served', 'returned')", name=op.f('ck_item_lifecycles_end_action')),
    sa.ForeignKeyConstraint(['carrier_id'], ['carriers.id'], name=op.f('fk_item_lifecycles_carrier_id_carriers')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_lifecycles_item_id_items')),
    sa.ForeignKeyConstraint(['notice_attempt_id'], ['attempts.id'], name=op.f('fk_item_lifecycles_notice_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['pickup_point_id'], ['pickup_points.id'], name=op.f('fk_item_lifecycles_pickup_point_id_pickup_points')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_lifecycles')),
    sa.UniqueConstraint('item_id', name=op.f('uq_item_lifecycles_item_id'))
    )
    op.create_index('ix_item_lifecycles_due', 'item_lifecycles', ['next_action_at'], unique=False,
                    postgresql_where=sa.text('next_action_at IS NOT NULL'),
                    sqlite_where=sa.text('next_action_at IS NOT NULL'))
    op.create_table('carrier_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('carrier_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('due_at', dt, nullable=False),
    sa.Column('created_at', dt, nullable=False),
    sa.Column('closed_at', dt, nullable=True),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'done', 'cancelled')", name=op.f('ck_carrier_tasks_status')),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_carrier_tasks_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['carrier_id'], ['carriers.id'], name=op.f('fk_carrier_tasks_carrier_id_carriers')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_carrier_tasks_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carrier_tasks')),
    sa.UniqueConstraint('item_id', 'kind', name='uq_carrier_tasks_item_kind')
    )
    op.create_index('ix_carrier_tasks_open', 'carrier_tasks', ['carrier_id', 'status', 'due_at'], unique=False)


def downgrade():
    op.drop_index('ix_carrier_tasks_open', table_name='carrier_tasks')
    op.drop_table('carrier_tasks')
    op.drop_index('ix_item_lifecycles_due', table_name='item_lifecycles')
    op.drop_table('item_lifecycles')
