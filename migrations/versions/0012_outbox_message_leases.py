"""Outbox: one lease per message, a stable send key, and the "possibly sent twice" flag

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-04 06:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import app.models.types

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('in_flight_since', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('send_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('possibly_duplicate', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    # Messages queued before this revision: a key that is stable and unique per row.
    op.execute("UPDATE outbox_messages SET send_key = 'legacy' || CAST(id AS VARCHAR(20)) WHERE send_key IS NULL")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('send_key', existing_type=sa.String(length=32), nullable=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('possibly_duplicate')
        batch_op.drop_column('send_key')
        batch_op.drop_column('in_flight_since')
        batch_op.drop_column('lease_owner')
