"""Item statuses and attempt outcomes checked by the database, from the shared vocabulary

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-04 07:00:00.000000

The values are written out here (a migration is a snapshot; it must not change when
notices/vocabulary.py does). PostgreSQL gets CHECK constraints. SQLite cannot add a CHECK to an
existing table without rebuilding it, and rebuilding items or attempts is refused while other
tables' foreign keys point at their rows (the embedded database runs with foreign keys on), so
there the same rule is a pair of triggers that refuse any other value on INSERT and UPDATE.
"""
from alembic import op

revision = '0013'
down_revision = '0009'
branch_labels = None
depends_on = None

RULES = {  # table: (column, allowed values)
    "items": ("status", ("registered", "awaiting_collection", "delivered", "collected", "refused",
                         "undeliverable", "returned", "deemed_served")),
    "attempts": ("outcome", ("delivered", "notice_left", "refused", "address_unknown", "moved", "no_access")),
}


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (column, values) in RULES.items():
        if not sqlite:
            op.create_check_constraint(op.f(f"ck_{table}_{column}"), table, _in(column, values))
            continue
        for action in ("INSERT", "UPDATE"):
            op.execute(f"CREATE TRIGGER ck_{table}_{column}_{action.lower()} BEFORE {action} ON {table} "
                       f"WHEN NOT (NEW.{_in(column, values)}) "
                       f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ck_{table}_{column}'); END")


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (column, _values) in RULES.items():
        if not sqlite:
            op.drop_constraint(op.f(f"ck_{table}_{column}"), table, type_="check")
            continue
        for action in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS ck_{table}_{column}_{action}")
