"""POST /api/v1/scans over HTTP, against gunicorn on PostgreSQL, versus a raw-INSERT baseline.

    .venv/bin/python -m bench.scans [--clients 8] [--requests 2000] [--workers 4]

Starts gunicorn on a free loopback port with a fresh PostgreSQL database, registers items,
then alternates rounds of the baseline endpoint and the real scan endpoint with the same
number of concurrent clients, and prints throughput, latency percentiles and the ratio.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
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

from notices import s10

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _client(args) -> list[float]:
    """One client: sequential requests on its own connection; returns latencies in seconds."""
    port, path, token, numbers, count = args
    conn = http.client.HTTPConnection("127.0.0.1", port)
    latencies = []
    occurred = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    for i in range(count):
        body = json.dumps({"tracking_number": numbers[i % len(numbers)], "outcome": "notice_left",
                           "occurred_at": occurred, "location": {"lat": 52.23, "lon": 21.01, "accuracy_m": 7.5}})
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                   "Idempotency-Key": uuid.uuid4().hex}
        start = time.perf_counter()
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - start)
        if response.status != 201:
            raise RuntimeError(f"{path} answered {response.status}")
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.close()
    return latencies


def run_round(pool, port, path, token, numbers, clients, total) -> dict:
    per_client = total // clients
    chunks = [numbers[i::clients] for i in range(clients)]  # each client its own items
    start = time.perf_counter()
    results = list(pool.map(_client, [(port, path, token, chunks[i], per_client) for i in range(clients)]))
    elapsed = time.perf_counter() - start
    latencies = sorted(x for r in results for x in r)
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()

    from app.settings import database_uri

    admin_url = sa.engine.make_url(database_uri(args.database, "."))
    name = f"awizo_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "PUBLIC_BASE_URL": "http://bench.local"}
    for key in ("TWILIO_ACCOUNT_SID", "SMTP_HOST"):
        env.pop(key, None)
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    server = None
    try:
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, tracking_number varchar(13), outcome varchar(30),"
                " occurred_at timestamptz, latitude float, longitude float, accuracy_m float, idempotency_key varchar(200))")
        setup = subprocess.run([str(BIN / "python"), "-c", _SETUP], cwd=ROOT, env=env, check=True,
                               capture_output=True, text=True)
        _sender_key, device_token, count = setup.stdout.split()
        numbers = [s10.make("RR", 20_000_000 + i) for i in range(int(count))]

        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "bench.wsgi_baseline:app"], cwd=ROOT, env=env)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)

        results = {"baseline": [], "scans": []}
        with ProcessPoolExecutor(args.clients) as pool:
            run_round(pool, port, "/bench/baseline", device_token, numbers, args.clients, args.clients * 20)  # warm-up
            run_round(pool, port, "/api/v1/scans", device_token, numbers, args.clients, args.clients * 20)
            for _ in range(args.rounds):
                results["baseline"].append(run_round(pool, port, "/bench/baseline", device_token, numbers, args.clients, args.requests))
                results["scans"].append(run_round(pool, port, "/api/v1/scans", device_token, numbers, args.clients, args.requests))

        def best(rounds, key, fn):
            return fn(r[key] for r in rounds)

        base_rps = best(results["baseline"], "rps", max)
        scan_rps = best(results["scans"], "rps", max)
        print(f"gunicorn {args.workers} workers, {args.clients} clients, PostgreSQL, {args.rounds} rounds of {args.requests} requests")
        for label, rounds in results.items():
            print(f"  {label:9s} best {best(rounds, 'rps', max):7.1f} req/s   "
                  f"p50 {best(rounds, 'p50_ms', min):6.2f} ms   p99 {best(rounds, 'p99_ms', min):6.2f} ms   "
                  f"(rounds: {', '.join(format(r['rps'], '.0f') for r in rounds)} req/s)")
        print(f"  ratio scans/baseline = {scan_rps / base_rps:.2f}x  (goal >= 0.5x; scan p99 goal < 50 ms)")
    finally:
        if server:
            server.terminate()
            server.wait(10)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_SETUP = """
from app import create_app
from app.delivery.cli import create_carrier
from app.senders.cli import create_sender
from app.extensions import db
from app.models.types import utcnow
from app.delivery.items import NewItem, register_item
from notices import s10
app = create_app()
with app.app_context():
    sender, key = create_sender("Bench sender")
    carrier, token = create_carrier("Bench carrier")
    n = 2000
    for i in range(n):
        register_item(db.session, sender, NewItem(s10.make("RR", 20_000_000 + i), "pl_registered_letter", None,
            "Jan Kowalski", "ul. Polna 1", None, "00-001", "Warszawa", "PL", "+48601234567", "jan@example.com"), utcnow())
    print(key, token, n)
"""

if __name__ == "__main__":
    main()
