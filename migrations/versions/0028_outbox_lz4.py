"""Outbox bodies compressed with LZ4 on PostgreSQL (cheaper to write than the default pglz)

Revision ID: 0028_outbox_lz4
Revises: 0027
Create Date: 2026-12-05 01:00:00.000000

"""
from alembic import op

revision = '0028_outbox_lz4'
down_revision = '0027'
branch_labels = None
depends_on = None

# E-mail bodies (text and HTML, about 2 kB each) are compressed when a row is written: a sweep
# writes thousands at once, and PostgreSQL's default method (pglz) is several times slower than
# LZ4 at that. Only rows written from now on use it; older ones stay readable as they are.
_COLUMNS = ('body', 'body_html', 'headers')


def _lz4_available() -> bool:
    bind = op.get_bind()
    return bind.exec_driver_sql(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'").scalar() is True


def upgrade():
    if op.get_bind().dialect.name != 'postgresql' or not _lz4_available():
        return  # SQLite has no such setting; a server built without LZ4 keeps pglz
    op.execute('ALTER TABLE outbox_messages ' + ', '.join(f'ALTER COLUMN {c} SET COMPRESSION lz4' for c in _COLUMNS))


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('ALTER TABLE outbox_messages ' + ', '.join(f'ALTER COLUMN {c} SET COMPRESSION DEFAULT' for c in _COLUMNS))
