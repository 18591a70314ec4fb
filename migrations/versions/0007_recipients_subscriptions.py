"""recipients: subscribers, their contacts, claim codes and history

Revision ID: 0007
Revises: 0001
Create Date: 2026-11-23 16:10:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0001'
branch_labels = None
depends_on = None

UTC = app.models.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table('subscribers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('principal_id', sa.Integer(), nullable=True),
    sa.Column('delegate_role', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('address_line1', sa.String(length=200), nullable=True),
    sa.Column('address_line2', sa.String(length=200), nullable=True),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('address_key', sa.String(length=400), nullable=True),
    sa.Column('address_verified_at', UTC, nullable=True),
    sa.Column('address_verified_by', sa.String(length=20), nullable=True),
    sa.Column('letter_requested_at', UTC, nullable=True),
    sa.Column('claim_failures', sa.Integer(), nullable=False),
    sa.Column('claim_locked_until', UTC, nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('quiet_start', sa.String(length=5), nullable=False),
    sa.Column('quiet_end', sa.String(length=5), nullable=False),
    sa.Column('timezone', sa.String(length=50), nullable=False),
    sa.Column('link_nonce', sa.String(length=32), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.Column('deleted_at', UTC, nullable=True),
    sa.CheckConstraint("status IN ('pending', 'active', 'deleted')", name=op.f('ck_subscribers_status')),
    sa.CheckConstraint("language IN ('pl', 'en')", name=op.f('ck_subscribers_language')),
    sa.CheckConstraint("delegate_role IS NULL OR delegate_role IN ('family', 'attorney', 'other')",
                       name=op.f('ck_subscribers_delegate_role')),
    sa.CheckConstraint('principal_id IS NULL OR principal_id <> id', name=op.f('ck_subscribers_not_own_delegate')),
    sa.ForeignKeyConstraint(['principal_id'], ['subscribers.id'], name=op.f('fk_subscribers_principal_id_subscribers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscribers'))
    )
    op.create_index(op.f('ix_subscribers_principal_id'), 'subscribers', ['principal_id'], unique=False)
    op.create_index(op.f('ix_subscribers_address_key'), 'subscribers', ['address_key'], unique=False)

    op.create_table('subscriber_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('confirmed_at', UTC, nullable=True),
    sa.Column('secret_hash', sa.String(length=64), nullable=True),
    sa.Column('secret_expires_at', UTC, nullable=True),
    sa.Column('secrets_sent', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', UTC, nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.CheckConstraint("channel IN ('sms', 'email')", name=op.f('ck_subscriber_contacts_channel')),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE',
                            name=op.f('fk_subscriber_contacts_subscriber_id_subscribers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriber_contacts')),
    sa.UniqueConstraint('subscriber_id', 'channel', 'address', name='uq_subscriber_contacts_address')
    )
    op.create_index(op.f('ix_subscriber_contacts_subscriber_id'), 'subscriber_contacts', ['subscriber_id'], unique=False)
    op.create_index(op.f('ix_subscriber_contacts_address'), 'subscriber_contacts', ['address'], unique=False)
    op.create_index(op.f('ix_subscriber_contacts_secret_hash'), 'subscriber_contacts', ['secret_hash'], unique=False)

    op.create_table('claim_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('address_key', sa.String(length=400), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', UTC, nullable=False),
    sa.Column('expires_at', UTC, nullable=False),
    sa.Column('letter_due_at', UTC, nullable=True),
    sa.Column('letter_sent_at', UTC, nullable=True),
    sa.Column('used_at', UTC, nullable=True),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('notice', 'letter')", name=op.f('ck_claim_codes_kind')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_claim_codes_item_id_items')),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='SET NULL',
                            name=op.f('fk_claim_codes_subscriber_id_subscribers')),
    sa.ForeignKeyConstraint(['used_by_id'], ['subscribers.id'], ondelete='SET NULL',
                            name=op.f('fk_claim_codes_used_by_id_subscribers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_claim_codes_code_hash'))
    )
    op.create_index(op.f('ix_claim_codes_address_key'), 'claim_codes', ['address_key'], unique=False)
    op.create_index(op.f('ix_claim_codes_item_id'), 'claim_codes', ['item_id'], unique=False)

    op.create_table('recipient_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('occurred_at', UTC, nullable=False),
    sa.Column('actor', sa.String(length=20), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE',
                            name=op.f('fk_recipient_events_subscriber_id_subscribers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipient_events'))
    )
    op.create_index(op.f('ix_recipient_events_subscriber_id'), 'recipient_events', ['subscriber_id'], unique=False)


def downgrade():
    op.drop_table('recipient_events')
    op.drop_table('claim_codes')
    op.drop_table('subscriber_contacts')
    op.drop_table('subscribers')
