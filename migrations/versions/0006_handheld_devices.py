"""handheld devices: enrolled public keys, enrolment codes, per-attempt device evidence

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-23 15:45:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


revision = '0006'
down_revision = '0001'
branch_labels = None
depends_on = None

EVIDENCE = 'attempt_device_evidence'


def upgrade():
    # Plain add_column (no batch rebuild) keeps every other branch's work on `devices` intact.
    op.add_column('devices', sa.Column('public_key', sa.Text(), nullable=True))
    op.add_column('devices', sa.Column('key_fingerprint', sa.String(length=64), nullable=True))
    op.add_column('devices', sa.Column('enrolled_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column('devices', sa.Column('last_sequence', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_devices_key_fingerprint'), 'devices', ['key_fingerprint'], unique=True)

    op.create_table('device_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carrier_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=320), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['carrier_id'], ['carriers.id'], name=op.f('fk_device_enrolments_carrier_id_carriers')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_device_enrolments_device_id_devices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_enrolments')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_device_enrolments_code_hash'))
    )
    op.create_index(op.f('ix_device_enrolments_carrier_id'), 'device_enrolments', ['carrier_id'], unique=False)

    op.create_table(EVIDENCE,
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('signature', sa.String(length=100), nullable=True),
    sa.Column('key_fingerprint', sa.String(length=64), nullable=True),
    sa.Column('canonical_sha256', sa.String(length=64), nullable=True),
    sa.Column('device_sent_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('clock_skew_s', sa.Float(), nullable=True),
    sa.Column('no_fix', sa.Boolean(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('sequence IS NULL OR sequence >= 1', name=op.f('ck_attempt_device_evidence_sequence_positive')),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_device_evidence_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_attempt_device_evidence_device_id_devices')),
    sa.PrimaryKeyConstraint('attempt_id', name=op.f('pk_attempt_device_evidence'))
    )
    op.create_index(op.f('ix_attempt_device_evidence_device_id'), EVIDENCE, ['device_id'], unique=False)
    _append_only(EVIDENCE)


def _append_only(table):
    """Evidence is never changed: the database refuses UPDATE and DELETE (as for `attempts`)."""
    if op.get_bind().dialect.name == "postgresql":
        # awizo_refuse_change() is created by 0001.
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION awizo_refuse_change()")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {EVIDENCE}_append_only ON {EVIDENCE}")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {EVIDENCE}_no_{action}")
    op.drop_index(op.f('ix_attempt_device_evidence_device_id'), table_name=EVIDENCE)
    op.drop_table(EVIDENCE)
    op.drop_index(op.f('ix_device_enrolments_carrier_id'), table_name='device_enrolments')
    op.drop_table('device_enrolments')
    op.drop_index(op.f('ix_devices_key_fingerprint'), table_name='devices')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('last_sequence')
        batch_op.drop_column('enrolled_at')
        batch_op.drop_column('key_fingerprint')
        batch_op.drop_column('public_key')
