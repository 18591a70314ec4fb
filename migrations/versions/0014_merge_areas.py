"""Merge the branches that grew side by side: address points and checks, cases, outbox leases,
vocabulary checks

Revision ID: 0014
Revises: 0010, 0011, 0012, 0013
Create Date: 2026-12-04 07:20:00.000000

"""
revision = '0014'
down_revision = ('0010', '0011', '0012', '0013')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
