"""Bulk registration from a CSV file, as the portal does it, on SQLite or PostgreSQL.

    .venv/bin/python -m bench.csv_import [--rows 50000] [--database sqlite|postgresql] [--endpoints 1]
                                         [--without-listeners evidence]

Builds a CSV of ``--rows`` valid rows, then times: reading the file, validating every row
(the API's rules, the duplicate lookups) and saving all items with their ``registered`` events
and the listeners' work (transparency log, sender callbacks for ``--endpoints`` webhook
endpoints) in one transaction. ``--without-listeners evidence`` drops listeners whose module
name contains that word, to see what each part costs. Prints rows per second per phase.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import tempfile
import time
import uuid

import sqlalchemy as sa


def _database_url(kind: str) -> tuple[str, callable]:
    if kind == "sqlite":
        path = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
        return f"sqlite:///{path}", lambda: None
    from app.settings import database_uri

    admin_url = sa.engine.make_url(database_uri(
        os.environ.get("BENCH_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres", "."))
    name = f"awizo_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def build_csv(rows: int) -> bytes:
    from app.senders.imports import COLUMN_NAMES
    from notices import s10

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMN_NAMES)
    for i in range(rows):
        writer.writerow([s10.make("RB", 10_000_000 + i, "PL"), "pl_official_letter", f"K {i}/26", "Jan Kowalski",
                         "ul. Polna 12 m. 4", "", "00-950", "Warszawa", "PL", "+48601234567",
                         f"jan{i}@example.com", "pl"])
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--endpoints", type=int, default=1, help="webhook endpoints subscribed to every event")
    parser.add_argument("--without-listeners", default=None, help="drop item-event listeners whose module has this word")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app, events
    from app.extensions import db
    from app.models import Item, OutboxMessage
    from app.models.types import utcnow
    from app.senders import imports, webhooks
    from app.senders.cli import create_sender

    url, drop = _database_url(args.database)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "PUBLIC_BASE_URL": "http://bench.local"})
    try:
        with app.app_context():
            upgrade(revision="heads")
            if args.without_listeners:
                key = events._KEY
                app.extensions[key] = [pair for pair in app.extensions[key] if args.without_listeners not in pair[0].__module__]
            sender, _ = create_sender("Bench sender")
            for n in range(args.endpoints):
                webhooks.create_endpoint(db.session, sender.id, f"https://hooks.example.com/{n}")
            data = build_csv(args.rows)
            started = time.perf_counter()
            rows = imports.read_csv(data)
            read_s = time.perf_counter() - started
            marks = {}
            for step in imports.bulk_register(db.session, sender, rows, now=utcnow(), source="csv"):
                marks.setdefault(step.phase, time.perf_counter())
                marks[step.phase + "_end"] = time.perf_counter()
                last = step
            total_s = time.perf_counter() - started
            validate_s = marks["validating_end"] - started - read_s
            save_s = marks["done_end"] - marks["validating_end"]
            assert last.report.status == "imported", last.report.errors[:3]
            items = db.session.scalar(sa.select(sa.func.count()).select_from(Item))
            callbacks = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                          .where(OutboxMessage.channel == "webhook"))
            print(f"database={args.database} rows={args.rows} file={len(data) / 1e6:.1f} MB "
                  f"listeners={[pair[0].__module__ for pair in app.extensions.get(events._KEY, [])]}")
            print(f"read {read_s:.2f} s · validate {validate_s:.2f} s ({args.rows / validate_s:,.0f} rows/s) · "
                  f"save {save_s:.2f} s ({args.rows / save_s:,.0f} rows/s) · total {total_s:.2f} s "
                  f"({args.rows / total_s:,.0f} rows/s)")
            print(f"items={items} webhook callbacks queued={callbacks}")
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
