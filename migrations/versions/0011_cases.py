"""Cases: complaints about a delivery, their history, carriers' statements, case-number counter

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-04 06:10:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_number_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_serial', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_case_number_counters'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('link_nonce', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('contact_channel', sa.String(length=10), nullable=False),
    sa.Column('contact_address', sa.String(length=320), nullable=False),
    sa.Column('contact_confirmed_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('contact_secret_hash', sa.String(length=64), nullable=True),
    sa.Column('contact_secret_expires_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('contact_failures', sa.Integer(), nullable=False),
    sa.Column('filed_from', sa.String(length=20), nullable=True),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('statutory_due_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('escalated_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_response_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('letter_pdf', sa.LargeBinary(), nullable=True),
    sa.Column('updated_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("contact_channel IN ('sms', 'email')", name=op.f('ck_cases_contact_channel')),
    sa.CheckConstraint("decision IS NULL OR decision IN ('upheld', 'partly_upheld', 'rejected')", name=op.f('ck_cases_decision')),
    sa.CheckConstraint("kind IN ('no_notice_found', 'was_home', 'repeat_notice_missing', 'wrong_pickup_point', 'other')", name=op.f('ck_cases_kind')),
    sa.CheckConstraint("language IN ('pl', 'en')", name=op.f('ck_cases_language')),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'awaiting_carrier', 'escalated', 'decided')", name=op.f('ck_cases_status')),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f('fk_cases_assigned_to_id_users')),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_cases_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_cases_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_cases_token_hash'))
    )
    op.create_index(op.f('ix_cases_contact_secret_hash'), 'cases', ['contact_secret_hash'], unique=False)
    op.create_index(op.f('ix_cases_item_id'), 'cases', ['item_id'], unique=False)
    op.create_index('ix_cases_queue', 'cases', ['status', 'due_at'], unique=False)

    op.create_table('carrier_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('carrier_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('requested_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_carrier_statements_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['carrier_id'], ['carriers.id'], name=op.f('fk_carrier_statements_carrier_id_carriers')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_carrier_statements_case_id_cases')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_carrier_statements_device_id_devices')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_carrier_statements_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carrier_statements'))
    )
    op.create_index(op.f('ix_carrier_statements_case_id'), 'carrier_statements', ['case_id'], unique=False)
    op.create_index('ix_carrier_statements_open', 'carrier_statements', ['carrier_id', 'answered_at'], unique=False)

    op.create_table('case_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('actor', sa.String(length=20), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("actor IN ('recipient', 'staff', 'carrier', 'system')", name=op.f('ck_case_entries_actor')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_entries_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_entries_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_entries'))
    )
    op.create_index(op.f('ix_case_entries_case_id'), 'case_entries', ['case_id'], unique=False)



def downgrade():
    op.drop_index('ix_case_entries_case_id', table_name='case_entries')

    op.drop_table('case_entries')
    op.drop_index('ix_carrier_statements_open', table_name='carrier_statements')
    op.drop_index('ix_carrier_statements_case_id', table_name='carrier_statements')

    op.drop_table('carrier_statements')
    op.drop_index('ix_cases_queue', table_name='cases')
    op.drop_index('ix_cases_item_id', table_name='cases')
    op.drop_index('ix_cases_contact_secret_hash', table_name='cases')

    op.drop_table('cases')
    op.drop_table('case_number_counters')
