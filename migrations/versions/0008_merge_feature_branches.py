"""Merge the feature branches (messaging, evidence, lifecycle, accounts, handheld, recipients)

Revision ID: 0008
Revises: 0002, 0003, 0004, 0005, 0006, 0007
Create Date: 2026-11-23 17:12:05.053846

"""
# revision identifiers, used by Alembic.
revision = '0008'
down_revision = ('0002', '0003', '0004', '0005', '0006', '0007')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
