"""Scans while a CSV import saves: how long a carrier's scan takes beside a court's big batch.

    .venv/bin/python -m bench.beside_import [--rows 20000] [--interval-ms 50] [--alone 100]
                                            [--json FILE] [--smoke]

The issue's own scenario: handhelds send their shift-end scans while a court's CSV arrives. On a
fresh PostgreSQL database, gunicorn serves the app with the Procfile's worker count; one
handheld scans a fresh item every ``--interval-ms`` (sequential requests on one keep-alive
connection). First ``--alone`` scans with nothing else running (the floor), then the same
handheld goes on scanning while another process imports ``--rows`` rows as the portal does
(``bulk_register``, one transaction). Reports the scans' p50, p99 and slowest during the import
against the same figures alone. The transparency log is numbered under one row lock; a scan
that had to wait for the import's commit would show here as a wait of the import's length.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

from bench.databases import scratch_database
from bench.report import Report
from bench.scans import _SETUP, BIN, GOAL_P99_MS, ROOT, free_port, procfile_workers, wait_for_port
from notices import s10

# The importing process: the rows as the portal hands them to bulk_register, one transaction.
_IMPORT = """
import sys, time
from app import create_app
from app.extensions import db
from app.models.types import utcnow
from app.senders import imports
from app.senders.cli import create_sender
from notices import s10
rows = int(sys.argv[1])
app = create_app()
with app.app_context():
    sender, _ = create_sender("Sąd Rejonowy Import")
    payloads = [(n + 2, {"tracking_number": s10.make("RB", 30_000_000 + n), "service": "pl_official_letter",
                         "sender_reference": f"K {n}/26",
                         "recipient": {"name": f"Jan Kowalski {n}", "phone": "+48601234567",
                                       "email": f"jan{n}@example.com", "language": "pl",
                                       "address": {"line1": f"ul. Polna {n % 300}", "postal_code": "00-950",
                                                   "city": "Warszawa", "country": "PL"}}})
                for n in range(rows)]
    print("start", time.time(), flush=True)
    done = imports.run(imports.bulk_register(db.session, sender, payloads, now=utcnow(), source="api"))
    print("end", time.time(), done.report.status, done.report.errors[:1], flush=True)
"""


def _scan(conn: http.client.HTTPConnection, token: str, number: str, at: datetime) -> tuple[float, int]:
    body = json.dumps({"tracking_number": number, "outcome": "notice_left", "occurred_at": at.isoformat(),
                       "location": {"lat": 52.23, "lon": 21.01, "accuracy_m": 7.5}})
    started = time.perf_counter()
    conn.request("POST", "/api/v1/scans", body, {"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                                                 "Idempotency-Key": uuid.uuid4().hex})
    response = conn.getresponse()
    response.read()
    return time.perf_counter() - started, response.status


def _figures(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {"scans": len(ordered), "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000, "max_ms": ordered[-1] * 1000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000, help="rows of the import")
    parser.add_argument("--interval-ms", type=float, default=50.0, help="pause between one scan's answer and the next")
    parser.add_argument("--alone", type=int, default=100, help="scans before the import (the floor)")
    parser.add_argument("--workers", type=int, default=procfile_workers())
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the harness, not the speed")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows, args.alone = 1_200, 10
    report = Report("beside_import")
    with scratch_database() as url:
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "PUBLIC_BASE_URL": "http://bench.local"}
        for key in ("TWILIO_ACCOUNT_SID", "SMTP_HOST", "PROMETHEUS_MULTIPROC_DIR"):
            env.pop(key, None)
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        items = args.alone + 4000 + args.rows // 10  # more than the import can take at one scan each 50 ms
        # Every scan dated in the past (a later one is refused), the items registered a day before.
        clock = datetime.now(timezone.utc) - items * timedelta(seconds=90) - timedelta(hours=1)
        token = subprocess.run([str(BIN / "python"), "-c", _SETUP, str(items), "1",
                                (clock - timedelta(days=1)).isoformat()], cwd=ROOT, env=env, check=True,
                               capture_output=True, text=True).stdout.split()[0]
        numbers = iter(s10.make("RR", 20_000_000 + i) for i in range(items))
        port = free_port()
        server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
                                   "--log-level", "warning", "bench.wsgi_baseline:app"], cwd=ROOT, env=env)
        importer = None
        try:
            wait_for_port(port)
            conn = http.client.HTTPConnection("127.0.0.1", port)
            failed = 0

            def scan() -> float:
                nonlocal clock, failed
                clock += timedelta(seconds=90)
                seconds, status = _scan(conn, token, next(numbers), clock)
                failed += not 200 <= status < 300
                time.sleep(args.interval_ms / 1000)
                return seconds

            for _ in range(10):  # warm-up
                scan()
            alone = [scan() for _ in range(args.alone)]
            importer = subprocess.Popen([str(BIN / "python"), "-c", _IMPORT, str(args.rows)], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, text=True)
            assert importer.stdout is not None
            import_started = float(importer.stdout.readline().split()[1])
            during: list[tuple[float, float]] = []  # (when the scan started, its seconds)
            while importer.poll() is None:
                when = time.time()
                during.append((when, scan()))
            output = importer.stdout.read().split()
            assert output[0] == "end" and output[2] == "imported", output
            import_ended = float(output[1])
            beside = [s for when, s in during if import_started <= when <= import_ended]
            conn.close()
        finally:
            if importer and importer.poll() is None:
                importer.kill()
            server.terminate()
            server.wait(10)
    floor, figures = _figures(alone), _figures(beside)
    import_s = import_ended - import_started
    print(f"gunicorn {args.workers} workers; one handheld, a scan every {args.interval_ms:.0f} ms; "
          f"import of {args.rows:,} rows took {import_s:.2f} s")
    for label, f in (("alone", floor), ("beside the import", figures)):
        print(f"  scans {label:18s} {f['scans']:5d}   p50 {f['p50_ms']:7.2f} ms   p99 {f['p99_ms']:7.2f} ms   "
              f"slowest {f['max_ms']:7.2f} ms")
    report.add("scan p99 beside the import", figures["p99_ms"], "ms", floor=floor["p99_ms"], floor_name="scan p99 alone",
               goal=f"< {GOAL_P99_MS:.0f} ms", met=figures["p99_ms"] < GOAL_P99_MS)
    report.add("slowest scan beside the import", figures["max_ms"], "ms", floor=import_s * 1000,
               floor_name="the import's own length", goal="well under the import's length: no scan waits for it")
    report.add("scan non-2xx", failed, "answers", goal="0", met=failed == 0)
    report.notes = {"rows": args.rows, "import_s": import_s, "alone": floor, "beside": figures,
                    "interval_ms": args.interval_ms, "workers": args.workers}
    report.print()
    report.write(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
