"""A sender's commitment to the letter's content (the SHA-256 it registers with the item); whether
a stored proof version is time-stamped

Revision ID: 0021_content_and_stamps
Revises: 0018
Create Date: 2026-12-04 09:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0021_content_and_stamps'
down_revision = '0018'
branch_labels = None
depends_on = None


SHAPE_PG = "content_sha256 IS NULL OR content_sha256 ~ '^[0-9a-f]{64}$'"
SHAPE_SQLITE = "NEW.content_sha256 IS NULL OR (length(NEW.content_sha256) = 64 AND NEW.content_sha256 NOT GLOB '*[^0-9a-f]*')"


def upgrade():
    # Nullable, no default: a plain ADD COLUMN on both databases; 64 lowercase hex characters
    # (SQLite cannot add a CHECK to a table: triggers, as in 0013).
    op.add_column('items', sa.Column('content_sha256', sa.String(length=64), nullable=True))
    # NULL for versions issued before: their evidence says whether they are stamped.
    op.add_column('proof_versions', sa.Column('timestamped', sa.Boolean(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        for action in ("INSERT", "UPDATE"):
            op.execute(f"CREATE TRIGGER ck_items_content_sha256_{action.lower()} BEFORE {action} ON items "
                       f"WHEN NOT ({SHAPE_SQLITE}) "
                       "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ck_items_content_sha256'); END")
    else:
        op.create_check_constraint('ck_items_content_sha256', 'items', SHAPE_PG)


def downgrade():
    with op.batch_alter_table('proof_versions', schema=None) as batch_op:
        batch_op.drop_column('timestamped')
    if op.get_bind().dialect.name == "sqlite":
        for action in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS ck_items_content_sha256_{action}")
    else:
        op.drop_constraint('ck_items_content_sha256', 'items', type_='check')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_column('content_sha256')
