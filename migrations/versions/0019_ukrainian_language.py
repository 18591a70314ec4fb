"""Recipients and complaints may choose Ukrainian ("uk") as their language

Revision ID: 0019_uk
Revises: 0018
Create Date: 2026-12-04 09:30:00.000000

The allowed languages are written out here (a migration is a snapshot). PostgreSQL's CHECK
constraints are replaced. On SQLite these two CHECKs were part of CREATE TABLE; rebuilding
subscribers or cases is refused while other tables' foreign keys point at their rows, so the
constraint text is widened in place, the procedure SQLite documents for loosening a CHECK
("Making Other Kinds Of Table Schema Changes": writable_schema and a schema_version bump).
"""
from alembic import op

revision = '0019_uk'
down_revision = '0018'
branch_labels = None
depends_on = None

TABLES = ("subscribers", "cases")
BEFORE = ("pl", "en")
AFTER = ("pl", "en", "uk")


def _in(values):
    return f"language IN ({', '.join(repr(v) for v in values)})"


def _allow(old, new):
    if op.get_bind().dialect.name != "sqlite":
        for table in TABLES:
            op.drop_constraint(op.f(f"ck_{table}_language"), table, type_="check")
            op.create_check_constraint(op.f(f"ck_{table}_language"), table, _in(new))
        return
    version = op.get_bind().exec_driver_sql("PRAGMA schema_version").scalar()
    op.execute("PRAGMA writable_schema=ON")
    for table in TABLES:
        old_sql, new_sql = _in(old).replace("'", "''"), _in(new).replace("'", "''")
        op.execute(f"UPDATE sqlite_master SET sql = replace(sql, '{old_sql}', '{new_sql}') "
                   f"WHERE type = 'table' AND name = '{table}'")
    op.execute(f"PRAGMA schema_version={version + 1}")
    op.execute("PRAGMA writable_schema=OFF")


def upgrade():
    _allow(BEFORE, AFTER)


def downgrade():
    _allow(AFTER, BEFORE)
