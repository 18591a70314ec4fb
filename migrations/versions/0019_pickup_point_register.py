"""The pickup-point register: opening hours per weekday, holidays closed, active

Revision ID: 0019_pickup_point_register
Revises: 0018
Create Date: 2026-12-04 09:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

import app.models.types

revision = '0019_pickup_point_register'
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


def downgrade():
    with op.batch_alter_table('pickup_points', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('active')
        batch_op.drop_column('holidays_closed')
        batch_op.drop_column('hours')
