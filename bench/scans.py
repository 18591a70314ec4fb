"""POST /api/v1/scans over HTTP, against gunicorn on PostgreSQL, versus a raw-INSERT floor.

    .venv/bin/python -m bench.scans [--clients 8] [--requests 2000] [--rounds 3]
                                    [--workers N] [--register POINTS] [--growth 100000,1000000]
                                    [--json FILE] [--smoke]

Starts gunicorn (``bench.wsgi_baseline``: the app plus ``POST /bench/baseline``, which parses the
same JSON and does one raw INSERT) with the Procfile's worker count on a fresh PostgreSQL
database, registers items, then alternates rounds of the floor and of real scans with the same
concurrent clients (one process and one keep-alive connection each). Reports throughput,
p50/p99 and non-2xx answers, and the ratio scans/floor of the best rounds.

A third kind of round, for reference, sends ``--statements`` raw statements per request in one
transaction (``POST /bench/statements``; by default a first-notice scan's count, which
``tests/integration/test_scan_statement_budget.py`` holds to its budget): the throughput that
many database round trips allow with no ORM and no rule applied. Its ratio to the floor is the
most a scan sending that many statements could reach on this machine.

The workload is a shift of real carriers: each client is its own carrier and handheld, scans
items nobody scanned before (each a first notice: lifecycle, alerts, log leaf, checks) and
its scans are 90 s apart in the carrier's time, as a walk from door to door is. (One carrier
scanning thousands of items within a minute would be a burst every time and is not a shift.)

The scans name no pickup point, so each notice goes to the nearest point open at the scan's
time and place: ``--register 3000`` loads a national register of that many points (a grid over
Poland) for the scans to choose from.

``--growth`` then adds that many attempts (and their idempotency records) in SQL before
measuring again: scan latency must stay flat as the tables grow.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from bench.report import Report
from notices import s10

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOAL_RATIO = 0.6
GOAL_P99_MS = 50.0
# Statements a first-notice scan sends on PostgreSQL (the statement budget test counts them).
SCAN_STATEMENTS = 20
SCAN_SPACING = timedelta(seconds=90)


def procfile_workers() -> int:
    """The web process's gunicorn worker count, as the Procfile runs it."""
    text = (ROOT / "Procfile").read_text(encoding="utf-8")
    match = re.search(r"^web:.*--workers\s+(\d+)", text, re.M)
    return int(match.group(1)) if match else 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int) -> None:
    """Until a server listens on ``port`` (10 s at most)."""
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)


def _client(args) -> tuple[list[float], int]:
    """One client: sequential requests on its own connection; latencies (s) and non-2xx count."""
    port, path, token, numbers, first_at = args
    conn = http.client.HTTPConnection("127.0.0.1", port)
    latencies, failed = [], 0
    for i, number in enumerate(numbers):
        occurred = (first_at + i * SCAN_SPACING).isoformat()
        body = json.dumps({"tracking_number": number, "outcome": "notice_left", "occurred_at": occurred,
                           "location": {"lat": 52.23 + (i % 50) * 1e-4, "lon": 21.01, "accuracy_m": 7.5}})
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                   "Idempotency-Key": uuid.uuid4().hex}
        start = time.perf_counter()
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - start)
        if not 200 <= response.status < 300:
            failed += 1
            if failed == 1:
                print(f"  {path} answered {response.status}", file=sys.stderr)
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.close()
    return latencies, failed


class Shift:
    """Hands each client fresh items and scan times that keep moving forward."""

    def __init__(self, tokens: list[str], numbers: list[str], start: datetime):
        self.tokens, self.numbers, self.next_item = tokens, numbers, 0
        self.clock = [start] * len(tokens)

    def take(self, clients: int, per_client: int) -> list[tuple[str, list[str], datetime]]:
        jobs = []
        for c in range(clients):
            chunk = self.numbers[self.next_item:self.next_item + per_client]
            if len(chunk) < per_client:
                raise SystemExit("bench.scans: not enough registered items for the rounds asked")
            self.next_item += per_client
            jobs.append((self.tokens[c], chunk, self.clock[c]))
            self.clock[c] += per_client * SCAN_SPACING
        return jobs


def run_round(pool, port, path, shift: Shift, clients, total) -> dict:
    jobs = shift.take(clients, total // clients)
    start = time.perf_counter()
    results = list(pool.map(_client, [(port, path, token, numbers, first) for token, numbers, first in jobs]))
    elapsed = time.perf_counter() - start
    latencies = sorted(x for r, _ in results for x in r)
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "non_2xx": sum(f for _, f in results),
        "requests": len(latencies),
    }


def _summary(rounds: list[dict]) -> dict:
    best = max(rounds, key=lambda r: r["rps"])
    return {"rps": best["rps"], "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
            "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
            "non_2xx": sum(r["non_2xx"] for r in rounds), "rounds_rps": [round(r["rps"]) for r in rounds]}


def _grow(url: str, attempts: int, carriers: int, offset: int = 0) -> float:
    """Add ``attempts`` attempts (one idempotency record each) spread over the past year, in SQL."""
    start = time.perf_counter()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        items = conn.exec_driver_sql("SELECT min(id), max(id) FROM items").one()
        conn.exec_driver_sql(f"""
            INSERT INTO attempts (item_id, carrier_id, device_id, outcome, upu_event, reason, action, occurred_at,
                                  recorded_at, latitude, longitude, accuracy_m)
            SELECT {items[0]} + mod(i, {items[1] - items[0] + 1}), 1 + mod(i, {carriers}), 1 + mod(i, {carriers}),
                   'delivered', 'EMI', NULL, NULL, now() - interval '400 days' + i * interval '1 second' * 30,
                   now() - interval '400 days' + i * interval '1 second' * 30, 52.2, 21.0, 10
            FROM generate_series(1, {attempts}) AS i""")
        conn.exec_driver_sql(f"""
            INSERT INTO idempotency_keys (device_id, key, request_hash, status_code, response, created_at)
            SELECT 1 + mod(i, {carriers}), md5('grow' || i), md5('hash' || i), 201, '{{}}',
                   now() - interval '400 days' + i * interval '1 second' * 30
            FROM generate_series({offset + 1}, {offset + attempts}) AS i""")
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    engine.dispose()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=procfile_workers(), help="gunicorn workers (the Procfile's)")
    parser.add_argument("--statements", type=int, default=SCAN_STATEMENTS,
                        help="statements per request of the raw reference rounds (0: none)")
    parser.add_argument("--register", type=int, default=0, metavar="POINTS",
                        help="pickup points in the register (a scan without a code goes to the nearest open one)")
    parser.add_argument("--growth", default="", help="comma-separated attempt counts to add, then measure again")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the harness, not the speed")
    args = parser.parse_args(argv)
    if args.smoke:
        args.requests, args.rounds, args.clients = 16, 1, 2
        args.growth = args.growth and "2000"
    growth = [int(n) for n in args.growth.split(",") if n.strip()]

    from app.settings import database_uri

    admin_url = sa.engine.make_url(database_uri(args.database, "."))
    name = f"awizo_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "PUBLIC_BASE_URL": "http://bench.local"}
    for key in ("TWILIO_ACCOUNT_SID", "SMTP_HOST", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(key, None)
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    server = None
    report = Report("scans")
    warm = args.clients * 10
    kinds = 3 if args.statements else 2
    per_stage = kinds * (warm + args.rounds * args.requests)  # the floor takes items too (its rows are not scans)
    wanted = per_stage * (1 + len(growth))
    try:
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, tracking_number varchar(13), outcome varchar(30),"
                " occurred_at timestamptz, latitude float, longitude float, accuracy_m float, idempotency_key varchar(200))")
        engine.dispose()
        # Every scan of the run is dated in the past (a scan dated later than now is refused): the
        # shift starts as long before now as its carriers' scans take, the items a day before it.
        span = (wanted // args.clients) * SCAN_SPACING
        shift_start = datetime.now(timezone.utc) - span - timedelta(hours=1)
        started = time.perf_counter()
        setup = subprocess.run([str(BIN / "python"), "-c", _SETUP, str(wanted), str(args.clients),
                                (shift_start - timedelta(days=1)).isoformat(), str(args.register)], cwd=ROOT, env=env,
                               check=True, capture_output=True, text=True)
        tokens = setup.stdout.split()
        print(f"Registered {wanted:,} items for {args.clients} carriers"
              f"{f' and {args.register:,} pickup points' if args.register else ''} in "
              f"{time.perf_counter() - started:.1f} s")
        numbers = [s10.make("RR", 20_000_000 + i) for i in range(wanted)]
        shift = Shift(tokens, numbers, shift_start)

        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "bench.wsgi_baseline:app"], cwd=ROOT, env=env)
        wait_for_port(port)

        stages = {}
        grown = 0
        with ProcessPoolExecutor(args.clients) as pool:
            for stage, extra in [("fresh", 0), *((f"+{n:,} attempts", n) for n in growth)]:
                if extra:
                    seconds = _grow(url, extra, args.clients, grown)
                    grown += extra
                    print(f"Added {extra:,} attempts and idempotency records in {seconds:.1f} s")
                run_round(pool, port, "/bench/baseline", shift, args.clients, warm)  # warm-up
                run_round(pool, port, "/api/v1/scans", shift, args.clients, warm)
                raw = f"/bench/statements?n={args.statements}"
                if args.statements:
                    run_round(pool, port, raw, shift, args.clients, warm)
                rounds: dict[str, list[dict]] = {"baseline": [], "scans": [], **({"raw": []} if args.statements else {})}
                for _ in range(args.rounds):
                    rounds["baseline"].append(run_round(pool, port, "/bench/baseline", shift, args.clients, args.requests))
                    rounds["scans"].append(run_round(pool, port, "/api/v1/scans", shift, args.clients, args.requests))
                    if args.statements:
                        rounds["raw"].append(run_round(pool, port, raw, shift, args.clients, args.requests))
                stages[stage] = {k: _summary(v) for k, v in rounds.items()}
                base, scans = stages[stage]["baseline"], stages[stage]["scans"]
                print(f"[{stage}] gunicorn {args.workers} workers, {args.clients} clients, {args.rounds} rounds of "
                      f"{args.requests} requests")
                for label, s in stages[stage].items():
                    print(f"  {label:9s} best {s['rps']:7.1f} req/s   p50 {s['p50_ms']:6.2f} ms   "
                          f"p99 {s['p99_ms']:6.2f} ms   non-2xx {s['non_2xx']}   (rounds: {s['rounds_rps']} req/s)")
                suffix = "" if stage == "fresh" else f" [{stage}]"
                report.add(f"scan throughput{suffix}", scans["rps"], "req/s", floor=base["rps"],
                           floor_name="raw INSERT", goal=f">= {GOAL_RATIO}x", met=scans["rps"] / base["rps"] >= GOAL_RATIO)
                report.add(f"scan p99{suffix}", scans["p99_ms"], "ms", floor=base["p99_ms"], floor_name="raw INSERT p99",
                           goal=f"< {GOAL_P99_MS:.0f} ms", met=scans["p99_ms"] < GOAL_P99_MS)
                report.add(f"scan non-2xx{suffix}", scans["non_2xx"], "answers", goal="0", met=scans["non_2xx"] == 0)
                if args.statements:
                    report.add(f"{args.statements} raw statements per request{suffix}", stages[stage]["raw"]["rps"],
                               "req/s", floor=base["rps"], floor_name="raw INSERT",
                               goal="reference: the most a scan sending that many statements could reach")
        fresh = stages["fresh"]["scans"]
        for stage, figures in stages.items():
            if stage == "fresh":
                continue
            change = figures["scans"]["p50_ms"] / fresh["p50_ms"]
            answered = figures["scans"]["non_2xx"] == 0 and fresh["non_2xx"] == 0  # refusals are quick, not flat
            report.add(f"scan p50 {stage} / fresh", change, "x", goal="within 20 % (<= 1.2x), every scan accepted",
                       met=change <= 1.2 and answered)
        report.notes = {"workers": args.workers, "clients": args.clients, "stages": stages}
        report.print()
        report.write(args.json)
        return 0
    finally:
        if server:
            server.terminate()
            server.wait(10)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# The items are written in bulk (what a scan reads of them is all there: the registration's own
# events and log leaves are left out, they are not what this benchmark measures).
_SETUP = """
import secrets, sys
from datetime import datetime
import sqlalchemy as sa
from app import create_app
from app.delivery.cli import create_carrier
from app.senders.cli import create_sender
from app.extensions import db
from app.models import Item, PickupPoint
from notices import s10
app = create_app()
count, carriers = int(sys.argv[1]), int(sys.argv[2])
points = int(sys.argv[4]) if len(sys.argv) > 4 else 0  # pickup points in the register
with app.app_context():
    sender, key = create_sender("Bench sender")
    tokens = [create_carrier(f"Bench carrier {c}")[1] for c in range(carriers)]
    registered = datetime.fromisoformat(sys.argv[3])
    rows = [dict(tracking_number=s10.make("RR", 20_000_000 + i), service="pl_registered_letter", sender_id=sender.id,
                 recipient_name="Jan Kowalski", address_line1=f"ul. Polna {i % 300}", postal_code="00-001",
                 city="Warszawa", country="PL", recipient_phone="+48601234567", recipient_email="jan@example.com",
                 language="pl", verify_token=secrets.token_urlsafe(32), status="registered", created_at=registered)
            for i in range(count)]
    for start in range(0, count, 5000):
        db.session.execute(sa.insert(Item.__table__), rows[start:start + 5000])
    # A national register: points on a grid over Poland, open Mon-Sat 08:00-20:00, closed on holidays.
    hours = {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}
    side = max(1, round(points ** 0.5))
    if points:
        db.session.execute(sa.insert(PickupPoint.__table__), [
            dict(code=f"BENCH-{i:05d}", name=f"Punkt {i}", address=f"ul. Pocztowa {i}", opening_hours="Pn-Sb 08-20",
                 latitude=49.0 + 5.8 * (i // side) / side, longitude=14.1 + 10.0 * (i % side) / side, hours=hours,
                 holidays_closed=True, active=True) for i in range(points)])
    db.session.commit()
    print(*tokens)
"""

if __name__ == "__main__":
    sys.exit(main())
