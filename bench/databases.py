"""A scratch PostgreSQL database for one benchmark run, dropped at the end.

The server is ``BENCH_DATABASE_URL`` (or ``TEST_DATABASE_URL``), by default the local
``postgresql://postgres@127.0.0.1:5432/postgres``.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa


@contextmanager
def scratch_database(*, keep: bool = False) -> Iterator[str]:
    """Create an empty database, yield its URL, drop it (with any connection left) afterwards,
    unless ``keep`` (its name is printed, to look at it afterwards)."""
    from app.settings import database_uri

    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") \
        or "postgresql://postgres@127.0.0.1:5432/postgres"
    admin_url = sa.engine.make_url(database_uri(base, "."))
    name = f"awizo_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"Kept the database {name}")
        else:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
