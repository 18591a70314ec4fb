"""Proof PDFs: CPU against floors measured in the same run, the TSA apart, verification, the log.

    .venv/bin/python -m bench.proofs [--proofs 30] [--log-size 1000000] [--database-url URL]
                                     [--json [FILE]] [--profile]

All figures come from one process. The floor of an unsigned proof is reportlab laying out and
writing the same flowables alone (``notices.proof.build_pdf``, the flowables made untimed); the
unsigned proof, the signed one, the signed + RFC 3161 time-stamped one at B-T and at B-LTA
(validation data and a document time-stamp at issue), adding the archive time-stamp later and a
fully issued proof (evidence gathered from the database, tree head signed, version stored) are
ratios against it. CPU time is the benchmark process's own: the local TSA runs in another
process, and the CPU our TSA client spends per request (measured with bare requests) is taken
out of the signed figures; the round trip itself is reported apart. A second download of a
stored version is timed against reading the same bytes from a file. Then the transparency log:
a database-backed log is filled to ``--log-size`` entries, and the real append (the item-event
listener) and inclusion proofs are timed at that size.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "bench")


def _tsa_process(conn, directory: str) -> None:
    from tests.support.tsa import LocalTsa

    tsa = LocalTsa(Path(directory))
    conn.send((tsa.url, str(tsa.cert_path)))
    conn.recv()  # wait until told to stop
    tsa.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, n: int) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds) per call."""
    walls, cpus = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
    return walls, cpus


def line(name: str, walls: list[float], cpus: list[float], base_cpu: float | None = None) -> str:
    cpu = statistics.mean(cpus)
    ratio = f"  x{cpu / base_cpu:5.2f} CPU vs the floor" if base_cpu else ""
    return (f"{name:<34} {1 / statistics.mean(walls):7.1f}/s  CPU {cpu * 1000:7.2f} ms  "
            f"wall p50 {pct(walls, .5) * 1000:7.2f} ms p99 {pct(walls, .99) * 1000:7.2f} ms{ratio}")


def make_app(url: str, tsa_url: str, tsa_cert: str, keydir: str):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.evidence.keyfiles import pkcs8
    from app.evidence.pki import issue_chain, sign_crl

    now = datetime.now(timezone.utc)
    root_key, root, key, cert = issue_chain("http://bench.local/pki/crl.der", now=now)
    Path(keydir, "k.pem").write_bytes(pkcs8(key))
    Path(keydir, "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    Path(keydir, "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    Path(keydir, "crl.der").write_bytes(sign_crl(root_key, root, now=now))
    Path(keydir, "l.pem").write_bytes(pkcs8(Ed25519PrivateKey.generate()))
    os.environ.update(PROOF_SIGNING_KEY=f"{keydir}/k.pem", PROOF_SIGNING_CERT=f"{keydir}/c.pem",
                      PROOF_SIGNING_CHAIN=f"{keydir}/root.pem", PROOF_SIGNING_CRL=f"{keydir}/crl.der",
                      LOG_SIGNING_KEY=f"{keydir}/l.pem", TSA_URL=tsa_url, TSA_CERT=tsa_cert)
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "PUBLIC_BASE_URL": "http://bench.local"})
    with app.app_context():
        upgrade(revision="heads")
    return app


def result(name: str, figure: float, floor: float, goal: str, met: bool | None, unit: str = "ms", **extra) -> dict:
    """One figure with the floor measured in the same run, their ratio and the goal."""
    return {"name": name, "figure": round(figure, 4), "floor": round(floor, 4), "unit": unit,
            "ratio": round(figure / floor, 3) if floor else None, "goal": goal, "met": met, **extra}


def profile(label: str, fn, n: int, top: int = 25) -> None:
    """cProfile of ``n`` calls: where the CPU goes, by cumulative time per call."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        fn()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = sorted(((v[3], k) for k, v in stats.items() if any(
        part in k[0] for part in ("pyhanko", "reportlab", "asn1crypto", "notices", "qrcode"))), reverse=True)[:top]
    print(f"\ncProfile: {label} (cumulative ms per call, inflated by profiling)")
    for cumulative, (path, lineno, name) in rows:
        print(f"{cumulative * 1000 / n:8.2f}  {path.split('site-packages/')[-1].split('/work/')[-1]}:{lineno} {name}")


def bench_proofs(app, n: int, with_profile: bool = False) -> list[dict]:
    """Issue 14 item 2: CPU of an unsigned, a signed + time-stamped (B-T) and a B-LTA proof against
    reportlab laying out the same page alone; the TSA round trip apart; a second download against
    reading the same bytes from a file."""
    import json

    from app.delivery.records import RecordSettings
    from app.evidence import proofs
    from app.evidence.keyring import keys
    from app.extensions import db
    from app.models import Item
    from notices.proof import build_pdf, proof_story, render_proof_pdf
    from notices.signature import PdfSigner, add_archive_timestamp, read_attachment, timestamp_token
    from tests.conftest import Api

    api = Api(app, app.test_client())
    number = api.register().get_json()["tracking_number"]
    now = datetime.now(timezone.utc)
    api.scan(number, outcome="no_access", occurred_at=(now - timedelta(minutes=30)).isoformat())
    api.scan(number, outcome="notice_left", occurred_at=(now - timedelta(minutes=5)).isoformat())
    results = []
    record_settings = RecordSettings.from_config(app.config)
    with app.test_request_context():
        session = db.session
        item = session.query(Item).filter_by(tracking_number=number).one()
        issued = proofs.issue_proof(session, item, variant="sender", settings=record_settings, now=now)
        evidence = json.loads(read_attachment(issued.pdf))
        record = evidence["record"]
        attachment = json.dumps(evidence).encode()
        k = keys()
        lta = k.signer
        bt = PdfSigner(lta.key_pem, lta.cert_pem, timestamper=lta.timestamper, chain_pem=lta.chain_pem,
                       validation_context=lta.validation_context, long_term=False)
        untimed = PdfSigner(lta.key_pem, lta.cert_pem, chain_pem=lta.chain_pem)
        render = lambda: render_proof_pdf(record, now=now, evidence=evidence)  # noqa: E731
        lta.sign(render(), attachment=attachment)  # warm up: fonts, TSA connection
        print(f"Proof PDFs, one process, {n} each (same record: 2 attempts, {len(evidence['entries'])} log entries)")

        # The floor: reportlab laying out and writing the same flowables, made beforehand (untimed).
        floor_cpu = []
        for _ in range(n):
            story = proof_story(record, now=now, tz="Europe/Warsaw", evidence=evidence)
            c = time.process_time()
            build_pdf(story, record)
            floor_cpu.append(time.process_time() - c)
        floor = statistics.mean(floor_cpu)
        print(line("reportlab alone (floor)", [1.0], floor_cpu))
        w, c = timed(render, n)
        print(line("unsigned render", w, c, floor))
        unsigned = statistics.mean(c)
        results.append(result("unsigned_proof_cpu", unsigned * 1000, floor * 1000, "ratio <= 1.4", unsigned / floor <= 1.4))
        w, c = timed(lambda: untimed.sign(render(), attachment=attachment), n)
        print(line("signed (PAdES B-B)", w, c, floor))
        results.append(result("signed_proof_cpu", statistics.mean(c) * 1000, floor * 1000, "reported", None))

        # The TSA round trip, reported apart: one bare RFC 3161 request (wall; the TSA is another process).
        tsa_w, tsa_c = timed(lambda: timestamp_token(b"bench", lta.timestamper), n)
        tsa_wall, tsa_cpu = statistics.mean(tsa_w), statistics.mean(tsa_c)
        print(line("one RFC 3161 request (apart)", tsa_w, tsa_c))
        results.append(result("tsa_round_trip_wall", tsa_wall * 1000, tsa_cpu * 1000, "reported apart", None,
                              note="floor = our CPU for the request (building it, parsing the token)"))
        for name, signer, stamps in (("signed_timestamped_b_t_cpu", bt, 1), ("signed_timestamped_b_lta_cpu", lta, 2)):
            w, c = timed(lambda signer=signer: signer.sign(render(), attachment=attachment), n)
            cpu = statistics.mean(c)
            own = cpu - stamps * tsa_cpu  # the TSA client's own CPU is part of the round trip
            print(line(name.replace("_cpu", ""), w, c, floor)
                  + f"  (own CPU without the {stamps} TSA request(s): {own * 1000:.2f} ms)")
            results.append(result(name, own * 1000, floor * 1000, "<= 25 ms own CPU", own <= 0.025,
                                  cpu_including_tsa_client_ms=round(cpu * 1000, 3), tsa_requests=stamps,
                                  wall_ms=round(statistics.mean(w) * 1000, 3)))
        stamped = bt.sign(render(), attachment=attachment)
        w, c = timed(lambda: add_archive_timestamp(stamped, lta.timestamper, k.validation_context()), n)
        print(line("B-T -> B-LTA later (refresh)", w, c))
        results.append(result("archive_timestamp_later_cpu", statistics.mean(c) * 1000 - tsa_cpu * 1000,
                              floor * 1000, "reported (asynchronous, by flask evidence refresh)", None))

        def full_issue():
            from app.events import record_event

            record_event(session, item, "bench_note", datetime.now(timezone.utc), {})
            session.commit()
            proofs.issue_proof(session, item, variant="sender", settings=record_settings,
                               now=datetime.now(timezone.utc))

        w, c = timed(full_issue, max(5, n // 3))
        print(line("issued (log, tree head, store)", w, c, floor))
        results.append(result("issued_b_lta_cpu", statistics.mean(c) * 1000, floor * 1000, "reported", None,
                              wall_ms=round(statistics.mean(w) * 1000, 3)))

        # A second download: the stored bytes of the current version, against reading them from a file.
        client = api.client
        path = Path(tempfile.mkdtemp(prefix="awizo-bench-proof-")) / "proof.pdf"
        path.write_bytes(client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key)).data)
        w_file, _ = timed(path.read_bytes, n)
        w_again, _ = timed(lambda: proofs.issue_proof(session, item, variant="sender", settings=record_settings,
                                                      now=datetime.now(timezone.utc)).pdf, n)
        print(line("second download (stored version)", w_again, w_again))
        results.append(result("second_download_wall", statistics.mean(w_again) * 1000, statistics.mean(w_file) * 1000,
                              "a stored read, no signing", statistics.mean(w_again) < 0.010,
                              note="floor = reading the same bytes from a file"))

        if with_profile:
            profile("render", render, n)
            profile("render + sign + time-stamp, B-LTA", lambda: lta.sign(render(), attachment=attachment), n)
        pdf = proofs.issue_proof(session, item, variant="sender", settings=record_settings,
                                 now=datetime.now(timezone.utc)).pdf
        w, c = timed(lambda: proofs.verify_document(session, pdf, "http://bench.local", witnesses=[],
                                                    tree_head_max_age_s=300), n)
        print(line("verify on server (+ database)", w, c))
    print()
    for r in results:
        ratio = f"x{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        met = {True: "met", False: "NOT met", None: ""}[r["met"]]
        print(f"{r['name']:<34} {r['figure']:9.2f} {r['unit']}  floor {r['floor']:8.2f}  {ratio:>7}  "
              f"goal: {r['goal']} {met}")
    return results


def fill_log(path: str, size: int) -> None:
    """Write ``size`` entries and their perfect-subtree nodes straight into SQLite."""
    from notices import merkle

    tree = merkle.MemoryTree()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    for table in ("log_entries", "log_nodes", "log_tree_heads"):
        for action in ("update", "delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        conn.execute(f"DELETE FROM {table}")  # start from an empty log of exactly ``size`` entries
    batch_entries, created = [], "2026-01-01 00:00:00.000000"
    for i in range(size):
        text = f'{{"bench":{i}}}'
        tree.append(text.encode())
        batch_entries.append((i, 1, -(i + 1), "bench", text, merkle.leaf_hash(text.encode()).hex(), created))
        if len(batch_entries) == 50_000 or i == size - 1:
            conn.executemany("INSERT INTO log_entries (\"index\", item_id, event_id, kind, canonical, leaf_hash, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", batch_entries)
            batch_entries = []
    conn.executemany("INSERT INTO log_nodes (level, \"index\", hash) VALUES (?, ?, ?)",
                     ((lvl, idx, h.hex()) for (lvl, idx), h in tree.nodes.items()))
    conn.execute("INSERT OR REPLACE INTO log_state (id, tree_size) VALUES (1, ?)", (size,))
    conn.commit()
    conn.close()


def bench_log(app, db_path: str | None, size: int, n: int = 200) -> None:
    import random

    from app.events import record_event
    from app.evidence import log as evidence_log
    from app.extensions import db
    from app.models import Item

    if db_path is None:
        print("log benchmark needs SQLite (pass no --database-url)")
        return
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    start = time.perf_counter()
    fill_log(db_path, size)
    print(f"\nTransparency log at {size:,} entries (filled in {time.perf_counter() - start:.0f} s)")
    with app.test_request_context():
        session = db.session
        item = session.query(Item).first()
        walls = []
        for _ in range(n):
            t = time.perf_counter()
            record_event(session, item, "bench_note", datetime.now(timezone.utc), {})
            walls.append(time.perf_counter() - t)
            session.commit()
        print(f"append (event + log entry + nodes) p50 {pct(walls, .5) * 1000:.2f} ms  p99 {pct(walls, .99) * 1000:.2f} ms")
        current = evidence_log.tree_size(session)
        walls = []
        for _ in range(n):
            index = random.randrange(current)
            session.expire_all()
            t = time.perf_counter()
            evidence_log.inclusion(session, index, current)
            walls.append(time.perf_counter() - t)
        print(f"inclusion proof                   p50 {pct(walls, .5) * 1000:.2f} ms  p99 {pct(walls, .99) * 1000:.2f} ms")
        t = time.perf_counter()
        evidence_log.consistency(session, current // 3, current)
        print(f"consistency proof                 {(time.perf_counter() - t) * 1000:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proofs", type=int, default=30)
    parser.add_argument("--log-size", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="PostgreSQL for the proof part (default: SQLite in a temp dir)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile of rendering and signing")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="also write the figures, floors, ratios and goals as JSON (to FILE, or stdout)")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="awizo-bench-proofs-")
    parent, child = multiprocessing.Pipe()
    tsa = multiprocessing.Process(target=_tsa_process, args=(child, workdir), daemon=True)
    tsa.start()
    tsa_url, tsa_cert = parent.recv()
    try:
        db_path = None if args.database_url else f"{workdir}/bench.sqlite3"
        app = make_app(args.database_url or f"sqlite:///{db_path}", tsa_url, tsa_cert, workdir)
        results = bench_proofs(app, args.proofs, args.profile)
        if args.json:
            import json

            text = json.dumps({"benchmark": "proofs", "results": results}, indent=2)
            if args.json == "-":
                print(text)
            else:
                Path(args.json).write_text(text + "\n")
        if args.log_size:
            bench_log(app, db_path, args.log_size)
    finally:
        parent.send("stop")
        tsa.join(5)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
