"""The pickup-point register's version, set by a trigger on every change of the register

Revision ID: 0030_register_versions
Revises: 0029_outbox_due_order
Create Date: 2026-12-05 19:40:00.000000

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0030_register_versions'
down_revision = '0029_outbox_due_order'
branch_labels = None
depends_on = None

# A notice scanned without a pickup-point code is sent to the nearest open point: every process
# keeps the register in memory and checks this version first. The triggers give it a new random
# version in the transaction of any change to pickup_points, through the application or by hand.
# PostgreSQL once per statement, before it: the version row's lock comes before the rows' locks
# in every writer, so two writers editing the same points (an import and a staff edit) queue
# instead of deadlocking; TRUNCATE after it (it locks the whole table anyway, and the version
# row may be emptied in the same statement). SQLite has row triggers only, and one writer. The
# upsert brings the row back if register_versions itself was emptied.

_PG_BUMP = """
CREATE FUNCTION register_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO register_versions (name, version)
    VALUES (TG_ARGV[0], floor(random() * 9007199254740990)::bigint + 1)
    ON CONFLICT (name) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END
$$
"""
_PG_TRIGGERS = ("""
CREATE TRIGGER pickup_points_version BEFORE INSERT OR UPDATE OR DELETE ON pickup_points
FOR EACH STATEMENT EXECUTE FUNCTION register_version_bump('pickup_points')
""", """
CREATE TRIGGER pickup_points_version_truncate AFTER TRUNCATE ON pickup_points
FOR EACH STATEMENT EXECUTE FUNCTION register_version_bump('pickup_points')
""")
_SQLITE_TRIGGER = """
CREATE TRIGGER pickup_points_version_{event} AFTER {event} ON pickup_points BEGIN
    INSERT OR REPLACE INTO register_versions (name, version)
    VALUES ('pickup_points', abs(random() % 9007199254740990) + 1);
END
"""
_SQLITE_EVENTS = ("insert", "update", "delete")


def upgrade():
    op.create_table(
        'register_versions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_register_versions')),
    )
    op.execute(sa.text("INSERT INTO register_versions (name, version) VALUES ('pickup_points', :version)")
               .bindparams(version=secrets.randbelow(2**53 - 2) + 1))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_BUMP)
        for trigger in _PG_TRIGGERS:
            op.execute(trigger)
    else:
        for event in _SQLITE_EVENTS:
            op.execute(_SQLITE_TRIGGER.format(event=event))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER pickup_points_version ON pickup_points")
        op.execute("DROP TRIGGER pickup_points_version_truncate ON pickup_points")
        op.execute("DROP FUNCTION register_version_bump()")
    else:
        for event in _SQLITE_EVENTS:
            op.execute(f"DROP TRIGGER pickup_points_version_{event}")
    op.drop_table('register_versions')
