"""Merge the branches that grew side by side: the pickup-point register and recipient actions

Revision ID: 0026
Revises: 0025, 0019_pickup_points_actions
Create Date: 2026-12-04 10:45:00.000000

"""
revision = '0026'
down_revision = ('0025', '0019_pickup_points_actions')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
