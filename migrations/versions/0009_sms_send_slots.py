"""SMS send slots: the sender number's rate shared by every worker process

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 17:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sms_send_slots',
        sa.Column('sender_number', sa.String(length=32), nullable=False),
        sa.Column('next_at_us', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('sender_number', name=op.f('pk_sms_send_slots')),
    )


def downgrade():
    op.drop_table('sms_send_slots')
