"""Merge the branches that grew side by side: Ukrainian as a language

Revision ID: 0027
Revises: 0026, 0019_uk
Create Date: 2026-12-04 10:30:00.000000

"""
revision = '0027'
down_revision = ('0026', '0019_uk')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
