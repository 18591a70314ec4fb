"""Bulk registration from a CSV file, as the portal does it, on PostgreSQL (or SQLite), versus COPY.

    .venv/bin/python -m bench.csv_import [--rows 50000] [--database postgresql|sqlite] [--endpoints 1]
                                         [--without-listeners evidence] [--json FILE] [--smoke]

Writes a CSV of ``--rows`` valid rows to a temporary file, then times the import end to end as
the portal runs it: the file read as a stream, every row validated (the API's rules, the
duplicate look-ups), all items saved with their ``registered`` events and the listeners' work
(transparency log, sender callbacks for ``--endpoints`` webhook endpoints) in one transaction,
with the progress steps the portal's bar shows. The floor, in the same run: the same file's
rows copied into a bare table with ``COPY`` (PostgreSQL) or one executemany (SQLite), which is
what moving the bytes into the database costs with no rule applied. Peak memory (RSS) is
reported before and after the import; ``--without-listeners evidence`` drops listeners whose
module name contains that word, to see what each part costs.
"""
from __future__ import annotations

import argparse
import csv
import os
import resource
import tempfile
import time
from collections.abc import Callable

import sqlalchemy as sa

from bench.databases import scratch_database
from bench.report import Report

GOAL_S = 10.0
GOAL_ROWS = 50_000


def _database_url(kind: str) -> tuple[str, Callable[[], None]]:
    if kind == "sqlite":
        path = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
        return f"sqlite:///{path}", lambda: None
    scratch = scratch_database()
    return scratch.__enter__(), lambda: scratch.__exit__(None, None, None)


def write_csv(path: str, rows: int) -> int:
    """A file of ``rows`` valid rows, written row by row; returns its size in bytes."""
    from app.senders.imports import COLUMN_NAMES
    from notices import s10

    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMN_NAMES)
        for i in range(rows):
            writer.writerow([s10.make("RB", 10_000_000 + i, "PL"), "pl_official_letter", f"K {i}/26",
                             f"Jan Kowalski {i}", f"ul. Polna {i % 300} m. {i % 40}", "", "00-950", "Warszawa", "PL",
                             f"+48601{i % 1_000_000:06d}", f"jan{i}@example.com", "pl", "", "", ""])
    return os.path.getsize(path)


def _floor(engine: sa.Engine, path: str) -> float:
    """The same rows into a bare table of text columns: COPY on PostgreSQL, an executemany on SQLite."""
    from app.senders.imports import COLUMN_NAMES

    columns = ", ".join(f"{c} text" for c in COLUMN_NAMES)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE bench_floor ({columns})")
    start = time.perf_counter()
    with engine.begin() as conn, open(path, encoding="utf-8", newline="") as src:
        if engine.dialect.name == "postgresql":
            cursor = conn.connection.driver_connection.cursor()
            with cursor.copy("COPY bench_floor FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while block := src.read(1 << 16):
                    copy.write(block)
        else:
            reader = csv.reader(src)
            next(reader)
            marks = ", ".join("?" for _ in COLUMN_NAMES)
            conn.exec_driver_sql(f"INSERT INTO bench_floor VALUES ({marks})", [tuple(r) for r in reader])
    elapsed = time.perf_counter() - start
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE bench_floor")
    return elapsed


def _backend_cpu(session) -> tuple[int, float] | None:
    """``(pid, CPU seconds used)`` of the session's PostgreSQL backend (a local server only; else None)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=GOAL_ROWS)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--endpoints", type=int, default=1, help="webhook endpoints subscribed to every event")
    parser.add_argument("--without-listeners", default=None, help="drop item-event listeners whose module has this word")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    parser.add_argument("--smoke", action="store_true", help="a tiny file: checks the harness, not the speed")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows = 300
    report = Report("csv_import")

    from flask_migrate import upgrade

    from app import create_app, events
    from app.extensions import db
    from app.models import Item, OutboxMessage
    from app.models.types import utcnow
    from app.senders import imports, webhooks
    from app.senders.cli import create_sender

    url, drop = _database_url(args.database)
    workdir = tempfile.mkdtemp()
    path = os.path.join(workdir, "items.csv")
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
            size = write_csv(path, args.rows)
            floor = _floor(db.engine, path)
            rss_before = _peak_rss_mb()
            server_before, cpu_before = _backend_cpu(db.session), _cpu_s()
            started = time.perf_counter()
            marks: dict[str, float] = {}
            saving_steps = 0
            last = None
            with open(path, "rb") as upload:  # as the portal gets it: a file, read as a stream
                rows = imports.read_csv(upload)
                read_s = time.perf_counter() - started
                for step in imports.bulk_register(db.session, sender, rows, now=utcnow(), source="csv"):
                    marks.setdefault(step.phase, time.perf_counter())
                    marks[step.phase + "_end"] = time.perf_counter()
                    saving_steps += step.phase == "saving"
                    last = step
            total_s = time.perf_counter() - started
            cpu_s = _cpu_s() - cpu_before
            server_after = _backend_cpu(db.session)
            server_s = (server_after[1] - server_before[1] if server_before and server_after
                        and server_after[0] == server_before[0] else None)  # None: not one backend throughout
            rss_after = _peak_rss_mb()
            validate_s = marks["validating_end"] - started - read_s
            save_s = marks["done_end"] - marks["validating_end"]
            assert last is not None and last.report is not None and last.report.status == "imported", last
            items = db.session.scalar(sa.select(sa.func.count()).select_from(Item))
            callbacks = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                          .where(OutboxMessage.channel == "webhook"))
            assert items == args.rows and callbacks == args.rows * args.endpoints, (items, callbacks)
            print(f"database={args.database} rows={args.rows:,} file={size / 1e6:.1f} MB "
                  f"listeners={[pair[0].__module__ for pair in app.extensions.get(events._KEY, [])]}")
            print(f"read {read_s:.2f} s · validate {validate_s:.2f} s ({args.rows / validate_s:,.0f} rows/s) · "
                  f"save {save_s:.2f} s ({args.rows / save_s:,.0f} rows/s) · total {total_s:.2f} s "
                  f"({args.rows / total_s:,.0f} rows/s)")
            print(f"CPU: this process {cpu_s:.2f} s" + (f", its PostgreSQL backend {server_s:.2f} s" if server_s is not None
                                                         else "") + " (less sensitive to other load than the times)")
            print(f"progress: {saving_steps} saving steps reported while it ran (the portal's bar moves on each)")
            print(f"items={items:,} webhook callbacks queued={callbacks:,}")
            print(f"peak RSS: {rss_before:.0f} MB before the import, {rss_after:.0f} MB after "
                  f"(+{rss_after - rss_before:.0f} MB for {args.rows:,} rows)")
            db.session.remove()
            db.engine.dispose()
        report.add(f"CSV import of {args.rows:,} rows end to end", total_s, "s", floor=floor,
                   floor_name="COPY of the same file into a bare table" if args.database == "postgresql"
                   else "executemany of the same rows into a bare table", goal=f"< {GOAL_S:.0f} s for {GOAL_ROWS:,} rows",
                   met=total_s < GOAL_S if args.rows >= GOAL_ROWS else None)
        report.add("peak RSS growth during the import", rss_after - rss_before, "MB",
                   goal="flat (bounded, not per row)")
        report.notes = {"rows": args.rows, "database": args.database, "read_s": read_s, "validate_s": validate_s,
                        "save_s": save_s, "client_cpu_s": cpu_s, "server_cpu_s": server_s, "saving_steps": saving_steps, "rss_before_mb": rss_before,
                        "rss_after_mb": rss_after, "file_mb": size / 1e6}
        report.print()
        report.write(args.json)
    finally:
        drop()


if __name__ == "__main__":
    main()
