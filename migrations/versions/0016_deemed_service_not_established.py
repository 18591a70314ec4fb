"""Items may end as "deemed service not established" (the repeat notice is missing or late)

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-04 07:30:00.000000

The allowed item statuses are written out here (a migration is a snapshot). PostgreSQL's CHECK
constraint is replaced; on SQLite the same rule is the pair of triggers of 0013, replaced.
"""
from alembic import op

revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None

BEFORE = ("registered", "awaiting_collection", "delivered", "collected", "refused", "undeliverable", "returned",
          "deemed_served")
AFTER = (*BEFORE, "deemed_service_not_established")


def _in(values):
    return f"status IN ({', '.join(repr(v) for v in values)})"


def _allow(values):
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_items_status"), "items", type_="check")
        op.create_check_constraint(op.f("ck_items_status"), "items", _in(values))
        return
    for action in ("INSERT", "UPDATE"):
        op.execute(f"DROP TRIGGER IF EXISTS ck_items_status_{action.lower()}")
        op.execute(f"CREATE TRIGGER ck_items_status_{action.lower()} BEFORE {action} ON items "
                   f"WHEN NOT (NEW.{_in(values)}) "
                   "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ck_items_status'); END")


def upgrade():
    _allow(AFTER)


def downgrade():
    _allow(BEFORE)
