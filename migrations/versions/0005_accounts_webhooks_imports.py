"""accounts, invitations, webhook endpoints and deliveries, import reports

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-23 16:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = '0005'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('disabled_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('staff', 'sender_admin', 'sender_clerk')", name=op.f('ck_users_role')),
    sa.CheckConstraint("(role = 'staff' AND sender_id IS NULL) OR (role <> 'staff' AND sender_id IS NOT NULL)",
                       name=op.f('ck_users_role_sender')),
    sa.ForeignKeyConstraint(['sender_id'], ['senders.id'], name=op.f('fk_users_sender_id_senders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_index(op.f('ix_users_sender_id'), 'users', ['sender_id'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('sender_admin', 'sender_clerk')", name=op.f('ck_invitations_role')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['sender_id'], ['senders.id'], name=op.f('fk_invitations_sender_id_senders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    op.create_index(op.f('ix_invitations_sender_id'), 'invitations', ['sender_id'], unique=False)

    op.create_table('webhook_endpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('event_types', sa.JSON(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['sender_id'], ['senders.id'], name=op.f('fk_webhook_endpoints_sender_id_senders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints'))
    )
    op.create_index(op.f('ix_webhook_endpoints_sender_id'), 'webhook_endpoints', ['sender_id'], unique=False)

    op.create_table('webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=60), nullable=False),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_webhook_deliveries_endpoint_id_webhook_endpoints')),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_webhook_deliveries_outbox_message_id_outbox_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    sa.UniqueConstraint('endpoint_id', 'event_id', name='uq_webhook_deliveries_endpoint_event'),
    sa.UniqueConstraint('outbox_message_id', name=op.f('uq_webhook_deliveries_outbox_message_id'))
    )
    op.create_index(op.f('ix_webhook_deliveries_endpoint_id'), 'webhook_deliveries', ['endpoint_id'], unique=False)

    op.create_table('import_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('rejected_rows', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('imported', 'rejected')", name=op.f('ck_import_reports_status')),
    sa.ForeignKeyConstraint(['sender_id'], ['senders.id'], name=op.f('fk_import_reports_sender_id_senders')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_reports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_reports'))
    )
    op.create_index(op.f('ix_import_reports_sender_id'), 'import_reports', ['sender_id'], unique=False)


def downgrade():
    for table in ('import_reports', 'webhook_deliveries', 'webhook_endpoints',
                  'invitations', 'users'):
        op.drop_table(table)
