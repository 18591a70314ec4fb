"""Merge the branches that grew side by side: scan corrections, letter digests and stamped
proof versions

Revision ID: 0024
Revises: 0020, 0021_content_and_stamps
Create Date: 2026-12-04 10:30:00.000000

"""
revision = '0024'
down_revision = ('0020', '0021_content_and_stamps')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
