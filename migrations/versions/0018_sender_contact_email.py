"""A sender's contact e-mail: where deemed service, returns and complaints are told

Revision ID: 0018
Revises: 0016, 0017
Create Date: 2026-12-04 07:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = ('0016', '0017')
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both databases (nullable, no default): no table rebuild on SQLite.
    op.add_column('senders', sa.Column('contact_email', sa.String(length=320), nullable=True))


def downgrade():
    with op.batch_alter_table('senders', schema=None) as batch_op:
        batch_op.drop_column('contact_email')
