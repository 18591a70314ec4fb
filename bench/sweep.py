"""The lifecycle sweep over one million items on PostgreSQL, versus a bare indexed SELECT.

    .venv/bin/python -m bench.sweep [--items 1000000] [--due 10000] [--runs 3] [--listener-rounds 1]
                                    [--keep] [--json FILE] [--smoke] [--profile FILE]

Creates a fresh PostgreSQL database (``BENCH_DATABASE_URL`` or ``TEST_DATABASE_URL``, default
postgresql://postgres@127.0.0.1:5432/postgres), migrates it, and generates the data inside the
database with ``generate_series``: items, one lifecycle each — most finished (no next step),
some waiting for a later step, and ``--due`` items due in each of ``--runs`` successive rounds.
Then, per round: the baseline (a bare indexed SELECT of the due rows' ids), one real sweep
(select, claim, carrier tasks, outbox messages, item events through the app's listeners), and
the same sweep with listeners off (the lifecycle's own work). An empty sweep is timed too.
Prints medians, the ratio against the baseline, and the plans' index use (EXPLAIN ANALYZE).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from datetime import datetime, timedelta, timezone

from bench.databases import scratch_database
from bench.report import Report

GOAL_SWEEP_S = 2.0
# What app.lifecycle.sweep asks first: is anything due at all? (index-only on ix_item_lifecycles_due)
PROBE_SQL = ("SELECT next_action_at FROM item_lifecycles WHERE next_action_at IS NOT NULL "
             "AND next_action_at <= %(now)s LIMIT 1")
GOAL_EMPTY_MS = 50.0
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def _generate(conn, items: int, due: int, runs: int) -> None:
    """Items and lifecycles, all in SQL. Round r's due items fall due one hour apart."""
    conn.exec_driver_sql("INSERT INTO pickup_points (code, name, address) VALUES ('WAW-01', 'Warszawa 1', 'ul. Świętokrzyska 31/33')")
    conn.exec_driver_sql("INSERT INTO senders (name, created_at) VALUES ('Sąd Rejonowy Benchmark', now())")
    conn.exec_driver_sql("INSERT INTO carriers (name, default_pickup_point_id, created_at) VALUES ('Anna Listonosz', 1, now())")
    conn.exec_driver_sql(f"""
        INSERT INTO items (tracking_number, service, sender_id, recipient_name, address_line1, postal_code, city,
                           country, recipient_phone, recipient_email, language, verify_token, status, created_at)
        SELECT 'RR' || lpad(i::text, 9, '0') || 'PL', 'pl_official_letter', 1, 'Jan Kowalski ' || i,
               'ul. Polna ' || mod(i, 200), '00-950', 'Warszawa', 'PL', '+48601' || lpad(mod(i, 1000000)::text, 6, '0'),
               'jan' || i || '@example.com', 'pl', md5(i::text) || md5('v' || i::text),
               CASE WHEN i <= {items // 3} THEN 'awaiting_collection' ELSE 'delivered' END,
               now() - interval '30 days'
        FROM generate_series(1, {items}) AS i""")
    # Due rounds: ids 1..runs*due; then one third waiting for a later step; the rest finished.
    conn.exec_driver_sql(f"""
        INSERT INTO item_lifecycles (item_id, profile, stage, next_action_at, carrier_id, pickup_point_id, notice_at,
            first_notice_until, collect_by, collect_by_at, repeat_notice_at, reminder_at, end_at, end_action,
            deemed_served_on, created_at)
        SELECT i, 'pl_official_letter',
               CASE WHEN i <= {items // 3} THEN 'awaiting_repeat_notice' ELSE 'stopped' END,
               CASE WHEN i <= {runs * due} THEN %(now)s - interval '1 minute' + ((i - 1) / {due}) * interval '1 hour'
                    WHEN i <= {items // 3} THEN %(now)s + interval '2 days' + mod(i, 1000) * interval '1 minute'
                    ELSE NULL END,
               1, 1, %(now)s - interval '8 days', date '2026-05-31', date '2026-06-08',
               %(now)s + interval '7 days', %(now)s, %(now)s + interval '6 days', %(now)s + interval '7 days',
               'deemed_served', date '2026-06-08', now()
        FROM generate_series(1, {items}) AS i""", {"now": NOW})
    conn.exec_driver_sql("ANALYZE")


def _explain(conn, sql: str, params: dict) -> list[str]:
    rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params).scalars().all()
    conn.rollback()
    return [line if len(line) < 200 else line[:200] + " …" for line in rows]


def _index_use(plan: list[str]) -> str:
    scans = [line.strip() for line in plan if "Scan" in line]
    return "; ".join(scans)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="rounds with the item-event listeners off")
    parser.add_argument("--listener-rounds", type=int, default=0,
                        help="extra rounds with the app's item-event listeners on (slow: the transparency log)")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--connections", type=int,
                        help="connections the sweep takes batches on (default: the app's LIFECYCLE_SWEEP_CONNECTIONS)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the harness, not the speed")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the first round into FILE and print its top entries")
    args = parser.parse_args(argv)
    if args.smoke:
        args.items, args.due, args.runs, args.listener_rounds, args.batch = 3000, 100, 1, 1, 50
    report = Report("sweep")

    from flask_migrate import upgrade

    from app import create_app, events
    from app.extensions import db
    from app.lifecycle import sweep as lifecycle_sweep

    with scratch_database(keep=args.keep) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PUBLIC_BASE_URL": "http://awizo.test"})
        with app.app_context():
            upgrade(revision="heads")
            start = time.perf_counter()
            with db.engine.begin() as conn:
                _generate(conn, args.items, args.due, args.runs + args.listener_rounds)
            # Autovacuum keeps the visibility map current in production; do its work now, so the
            # plans are the ones a running system gets (index-only scans need it).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE) item_lifecycles")
            print(f"Generated {args.items:,} items and lifecycles ({args.runs + args.listener_rounds} x {args.due:,} due) "
                  f"in {time.perf_counter() - start:.1f} s")
            rounds = args.runs + args.listener_rounds
            listeners = app.extensions.get(events._KEY, [])
            print(f"Item-event listeners registered by the app: {len(listeners)}")

            due_sql = ("SELECT id FROM item_lifecycles WHERE next_action_at <= %(now)s "
                       "ORDER BY next_action_at LIMIT %(limit)s")
            empty_now = NOW - timedelta(hours=1)

            with db.engine.connect() as conn:
                print("\nPlan of the sweep's select (one batch):")
                plan = _explain(conn, due_sql + " FOR UPDATE SKIP LOCKED", {"now": NOW, "limit": args.batch})
                print("  " + "\n  ".join(plan))
                print("\nPlan with nothing due (the sweep's first look: the partial index alone):")
                plan_empty = _explain(conn, PROBE_SQL, {"now": empty_now})
                print("  " + "\n  ".join(plan_empty))
                claim_sql = ("UPDATE item_lifecycles SET stage = 'awaiting_reminder', next_action_at = reminder_at "
                             "WHERE id = ANY(%(ids)s) AND stage = 'awaiting_repeat_notice' AND next_action_at <= %(now)s")
                print("\nPlan of the claim (compare-and-set) for one batch:")
                plan_claim = _explain(conn, claim_sql, {"ids": list(range(1, args.batch + 1)), "now": NOW})
                print("  " + "\n  ".join(plan_claim))

            connections = args.connections or app.config["LIFECYCLE_SWEEP_CONNECTIONS"]
            print(f"The sweep takes its batches on {connections} connection(s), as the scheduler does")

            def sweep(now):
                start, cpu = time.perf_counter(), time.process_time()
                result = lifecycle_sweep.sweep(db.session, now=now, tz="Europe/Warsaw", base_url="http://awizo.test",
                                         secret=app.config["SECRET_KEY"], batch_size=args.batch,
                                         connections=connections)
                result.seconds["cpu"] = time.process_time() - cpu
                return time.perf_counter() - start, result

            empty = [sweep(empty_now)[0] * 1000 for _ in range(20)]
            rows = []
            for r in range(rounds):
                now = NOW + timedelta(hours=r)
                with db.engine.connect() as conn:
                    start = time.perf_counter()
                    ids = conn.exec_driver_sql(due_sql, {"now": now, "limit": 10 * args.due}).scalars().all()
                    baseline = time.perf_counter() - start
                with_listeners = r >= args.runs
                saved = app.extensions.get(events._KEY)
                if not with_listeners:
                    app.extensions[events._KEY] = []
                profiler = cProfile.Profile() if args.profile and r == 0 else None
                try:
                    if profiler is not None:
                        profiler.enable()
                    elapsed, result = sweep(now)
                finally:
                    if profiler is not None:
                        profiler.disable()
                        profiler.dump_stats(args.profile)
                        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(30)
                    if saved is not None:
                        app.extensions[events._KEY] = saved
                assert result.total == len(ids) == args.due, (result, len(ids))
                rows.append((with_listeners, baseline, elapsed, result))
                phases = ", ".join(f"{k} {v:.2f}" for k, v in result.seconds.items())
                print(f"round {r + 1}: {len(ids):,} due; baseline SELECT {baseline * 1000:.1f} ms; "
                      f"sweep {'with' if with_listeners else 'without'} listeners {elapsed:.2f} s "
                      f"({result.batches} batches, {dict(result.actions)}); ratio {elapsed / baseline:.0f}x\n"
                      f"         seconds per phase{' (summed over the connections)' if connections > 1 else ''}: {phases}")
            with db.engine.connect() as conn:
                messages = conn.exec_driver_sql("SELECT count(*) FROM outbox_messages").scalar()
                tasks = conn.exec_driver_sql("SELECT count(*) FROM carrier_tasks").scalar()
            db.session.remove()
            db.engine.dispose()

        print(f"\nEmpty sweep (nothing due), 20 runs: median {statistics.median(empty):.2f} ms, "
              f"max {max(empty):.2f} ms (goal < {GOAL_EMPTY_MS:.0f} ms)")
        base = statistics.median(b for _, b, _, _ in rows)
        print(f"Baseline (bare indexed SELECT of the {args.due:,} due ids): median {base * 1000:.1f} ms")
        for label, flag in (("with the app's item-event listeners", True), ("listeners off", False)):
            times = [e for w, _, e, _ in rows if w == flag]
            if times:
                print(f"Whole sweep of {args.due:,} due, {label}: median {statistics.median(times):.2f} s "
                      f"(ratio {statistics.median(times) / base:.0f}x the baseline)")
        own = [e for w, _, e, _ in rows if not w]  # the wall clock: phases overlap on several connections
        claim = [r.seconds["select"] + r.seconds["claim"] for *_, r in rows]
        summed = " (summed over the connections)" if connections > 1 else ""
        print(f"  select + claim (compare-and-set) of {args.due:,}: median {statistics.median(claim):.2f} s{summed} "
              f"(ratio {statistics.median(claim) / base:.0f}x)")
        print(f"  select + claim + build and write tasks, outbox rows, statuses, events (listeners off): "
              f"median {statistics.median(own):.2f} s (goal < {GOAL_SWEEP_S:.0f} s)")
        print(f"Load average during the run: {os.getloadavg()}")
        print(f"Outbox messages written: {messages:,}; carrier tasks: {tasks:,}")
        print(f"Index use — select: {_index_use(plan)}")
        print(f"Index use — nothing due: {_index_use(plan_empty)}")
        print(f"Index use — claim: {_index_use(plan_claim)}")
        listener_times = [e for w, _, e, _ in rows if w]
        own_median = statistics.median(own)
        report.add("sweep of the due items, item-event listeners off", own_median, "s", floor=base,
                   floor_name="bare indexed SELECT of the due ids", goal=f"< {GOAL_SWEEP_S:.0f} s",
                   met=own_median < GOAL_SWEEP_S)
        if listener_times:
            whole = statistics.median(listener_times)
            report.add("whole sweep with the log and callbacks", whole, "s", floor=base,
                       floor_name="bare indexed SELECT of the due ids", goal=f"< {GOAL_SWEEP_S:.0f} s",
                       met=whole < GOAL_SWEEP_S)
        report.add("sweep with nothing due (median of 20)", statistics.median(empty), "ms",
                   goal=f"< {GOAL_EMPTY_MS:.0f} ms, index-only", met=statistics.median(empty) < GOAL_EMPTY_MS
                   and "Index Only Scan" in " ".join(plan_empty))
        report.notes = {"items": args.items, "due": args.due, "connections": connections, "plan_nothing_due": plan_empty, "plan_select": plan}
        report.print()
        report.write(args.json)


if __name__ == "__main__":
    main()
