"""The outbox's due index also in id order, so a worker's reservation reads only the rows it takes

Revision ID: 0029_outbox_due_order
Revises: 0028_outbox_lz4
Create Date: 2026-12-05 12:30:00.000000

"""
from alembic import op

revision = '0029_outbox_due_order'
down_revision = '0028_outbox_lz4'
branch_labels = None
depends_on = None

# A worker reserves the oldest due messages in (next_attempt_at, id) order. With the index on
# (status, next_attempt_at) alone, PostgreSQL had to sort every due message for each batch, and
# a sweep enqueues thousands with one next_attempt_at: at a backlog of 100,000 messages one
# reservation of 16 took 60 ms. With the id in the index the reservation reads its 16 rows.


def upgrade():
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.drop_index('ix_outbox_due')
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.drop_index('ix_outbox_due')
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)
