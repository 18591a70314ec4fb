"""Merge the branches that grew side by side: Ukrainian as a language

Revision ID: 0026
Revises: 0025, 0019_uk
Create Date: 2026-12-04 10:30:00.000000

"""
revision = '0026'
down_revision = ('0025', '0019_uk')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
