"""Indexes that keep scans flat as attempts grow; the senders' webhook endpoints version

Revision ID: 0022_scan_indexes
Revises: 0018
Create Date: 2026-12-04 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0022_scan_indexes'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both databases (NOT NULL with a constant default: no table rebuild).
    op.add_column('senders', sa.Column('webhooks_version', sa.Integer(), server_default='0', nullable=False))
    op.create_index('ix_attempts_carrier_occurred', 'attempts', ['carrier_id', 'occurred_at'])
    op.create_index('ix_idempotency_device_request', 'idempotency_keys', ['device_id', 'request_hash'])
    op.create_index('ix_attempt_device_evidence_device_sequence', 'attempt_device_evidence', ['device_id', 'sequence'])


def downgrade():
    op.drop_index('ix_attempt_device_evidence_device_sequence', table_name='attempt_device_evidence')
    op.drop_index('ix_idempotency_device_request', table_name='idempotency_keys')
    op.drop_index('ix_attempts_carrier_occurred', table_name='attempts')
    with op.batch_alter_table('senders', schema=None) as batch_op:
        batch_op.drop_column('webhooks_version')
