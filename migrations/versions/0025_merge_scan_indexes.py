"""Merge the branches that grew side by side: scan and growth indexes

Revision ID: 0025
Revises: 0024, 0022_scan_indexes
Create Date: 2026-12-04 10:45:00.000000

"""
revision = '0025'
down_revision = ('0024', '0022_scan_indexes')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
