"""suppressions: opted-out and blocked contacts; recipients' quiet hours on outbox messages

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('suppressions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lifted_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lifted_by', sa.String(length=40), nullable=True),
    sa.CheckConstraint("channel IN ('sms', 'email')", name=op.f('ck_suppressions_channel')),
    sa.CheckConstraint("reason IN ('stop', 'unsubscribe', 'permanent_error', 'bounce', 'request')", name=op.f('ck_suppressions_reason')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppressions'))
    )
    op.create_index('ix_suppressions_address', 'suppressions', ['address'], unique=False)
    op.create_index('uq_suppressions_active', 'suppressions', ['channel', 'address'], unique=True,
                    sqlite_where=sa.text('lifted_at IS NULL'), postgresql_where=sa.text('lifted_at IS NULL'))
    op.add_column('outbox_messages', sa.Column('quiet_hours', sa.String(length=20), nullable=True))
    op.add_column('outbox_messages', sa.Column('time_zone', sa.String(length=50), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('quiet_hours')
    op.drop_index('uq_suppressions_active', table_name='suppressions')
    op.drop_index('ix_suppressions_address', table_name='suppressions')
    op.drop_table('suppressions')
