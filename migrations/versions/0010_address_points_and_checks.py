"""Address points, item locations, checks on attempts and printed paper notices

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'address_points',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('match_key', sa.String(length=400), nullable=False),
        sa.Column('match_key_no_postal', sa.String(length=400), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('register_id', sa.String(length=100), nullable=True),
        sa.Column('teryt', sa.String(length=7), nullable=True),
        sa.Column('simc', sa.String(length=7), nullable=True),
        sa.Column('ulic', sa.String(length=5), nullable=True),
        sa.Column('city', sa.String(length=100), nullable=False),
        sa.Column('street', sa.String(length=200), nullable=True),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('postal_code', sa.String(length=10), nullable=True),
        sa.Column('latitude', sa.Float(), nullable=False),
        sa.Column('longitude', sa.Float(), nullable=False),
        sa.Column('imported_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('latitude >= -90 AND latitude <= 90', name=op.f('ck_address_points_latitude')),
        sa.CheckConstraint('longitude >= -180 AND longitude <= 180', name=op.f('ck_address_points_longitude')),
        sa.CheckConstraint("source IN ('prg', 'csv')", name=op.f('ck_address_points_source')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_address_points')),
        sa.UniqueConstraint('match_key', name=op.f('uq_address_points_match_key')),
    )
    with op.batch_alter_table('address_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_address_points_match_key_no_postal'), ['match_key_no_postal'], unique=False)

    op.create_table(
        'item_locations',
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('latitude', sa.Float(), nullable=True),
        sa.Column('longitude', sa.Float(), nullable=True),
        sa.Column('quality', sa.String(length=20), nullable=False),
        sa.Column('address_point_id', sa.Integer(), nullable=True),
        sa.Column('located_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('latitude IS NULL OR (latitude >= -90 AND latitude <= 90)', name=op.f('ck_item_locations_latitude')),
        sa.CheckConstraint('longitude IS NULL OR (longitude >= -180 AND longitude <= 180)', name=op.f('ck_item_locations_longitude')),
        sa.CheckConstraint("quality IN ('given', 'exact', 'no_postal_code', 'unmatched')", name=op.f('ck_item_locations_quality')),
        sa.ForeignKeyConstraint(['address_point_id'], ['address_points.id'], name=op.f('fk_item_locations_address_point_id_address_points')),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_locations_item_id_items')),
        sa.PrimaryKeyConstraint('item_id', name=op.f('pk_item_locations')),
    )

    op.create_table(
        'attempt_checks',
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('checked_at', UTCDateTime(), nullable=False),
        sa.Column('distance_m', sa.Float(), nullable=True),
        sa.Column('results', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_checks_attempt_id_attempts')),
        sa.PrimaryKeyConstraint('attempt_id', name=op.f('pk_attempt_checks')),
    )

    op.create_table(
        'paper_notice_prints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('device_id', sa.Integer(), nullable=True),
        sa.Column('printed_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_paper_notice_prints_attempt_id_attempts')),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_paper_notice_prints_device_id_devices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_notice_prints')),
    )
    with op.batch_alter_table('paper_notice_prints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_notice_prints_attempt_id'), ['attempt_id'], unique=False)


def downgrade():
    with op.batch_alter_table('paper_notice_prints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_notice_prints_attempt_id'))
    op.drop_table('paper_notice_prints')
    op.drop_table('attempt_checks')
    op.drop_table('item_locations')
    with op.batch_alter_table('address_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_address_points_match_key_no_postal'))
    op.drop_table('address_points')
