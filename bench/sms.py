"""Outbox dispatch of SMS versus the Twilio-compatible server's own rate, on PostgreSQL.

    .venv/bin/python -m bench.sms [--messages 300] [--rounds 5] [--paced-messages 30] [--pace 10] [--json FILE] [--smoke]

The server is prism serving Twilio's own OpenAPI description (``tests/support/twilio``), the
same server the tests use. Floor: the official twilio SDK sending the same messages straight at
it, one after another on one connection (the fastest this machine gets SMS accepted by that
server). Figure: the worker's loop (``run_once``: lease, pace slot, send, record, per message)
draining as many queued SMS with the number's pace set above the server's rate; goal >= 0.8x.
The two take turns in ``--rounds`` rounds, so a change of the machine's load weighs on both.
Then the pace itself: with ``SMS_RATE_PER_SECOND`` below the server's rate the worker must
keep to it (never faster) and reach at least 0.8x of it.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.databases import scratch_database
from bench.report import Report

ROOT = Path(__file__).resolve().parents[1]
PRISM = ROOT / ".tools" / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "tests" / "support" / "twilio" / "twilio_api_v2010.json"
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "bench-twilio-auth-token"
FROM_NUMBER = "+48500100200"
GOAL_RATIO = 0.8


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_prism(log_dir: str) -> tuple[subprocess.Popen, str]:
    if not PRISM.exists() or not SPEC.exists():
        raise SystemExit(f"bench.sms: needs {PRISM} and {SPEC} (make tools)")
    port = _free_port()
    log = open(Path(log_dir) / "prism.log", "wb")  # noqa: SIM115  (prism writes to it while it runs)
    process = subprocess.Popen([str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise SystemExit(f"bench.sms: prism exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"{url}/2010-04-01/Accounts.json", timeout=2)
            break
        except urllib.error.HTTPError:
            break  # it answers: ready
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("bench.sms: prism did not start within 60 s") from None
            time.sleep(0.2)
    return process, url


def _sdk_seconds(sms, first: int, count: int) -> float:
    """The official SDK alone sending ``count`` messages one after another on one connection."""
    start = time.perf_counter()
    for i in range(first, first + count):
        sms.client.messages.create(to=f"+4861{i:07d}", from_=FROM_NUMBER, body="Awizo: przesyłka czeka " * 3)
    return time.perf_counter() - start


def _rates(database_url: str, url: str, count: int, pace: float, rounds: int,
           floor_sms=None) -> tuple[float, float | None, int, int]:
    """Queue and send ``count`` SMS through the worker's loop at ``pace``, in ``rounds`` turns with
    the SDK floor when ``floor_sms`` is given (a change of load weighs on both alike).
    Returns (worker rate, floor rate or None, handled, sent)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.messaging.delivery import run_once
    from app.messaging.enqueue import enqueue_message
    from app.messaging.outbox_settings import OutboxSettings
    from app.messaging.providers import channels
    from app.models import OutboxMessage
    from app.models.types import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "PUBLIC_BASE_URL": "http://awizo.test", "DEV_OUTBOX": False, "SMTP_HOST": None,
                      "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                      "TWILIO_FROM_NUMBER": FROM_NUMBER, "TWILIO_API_BASE_URL": url,
                      "SMS_RATE_PER_SECOND": pace, "SMS_QUIET_HOURS": "off"})
    per_round = max(1, count // rounds)
    worker_s = floor_s = 0.0
    handled = 0
    with app.app_context():
        upgrade(revision="heads")
        settings = OutboxSettings.from_app(app)
        available = channels(app)
        for round_ in range(rounds):
            now = utcnow() - timedelta(seconds=5)
            for i in range(round_ * per_round, (round_ + 1) * per_round):
                enqueue_message(db.session, channel="sms", recipient=f"+4860{i:07d}", purpose="notice_left",
                                body="Awizo: przesyłka czeka " * 3, dedupe_key=f"bench-sms:{pace}:{i}", now=now)
            db.session.commit()
            db.session.expunge_all()
            if floor_sms is not None:
                floor_s += _sdk_seconds(floor_sms, round_ * per_round, per_round)
            start = time.perf_counter()
            handled += run_once(db.session, available, settings)
            worker_s += time.perf_counter() - start
        sent = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.channel == "sms", OutboxMessage.status == "sent"))
        db.session.remove()
        db.engine.dispose()
    floor = per_round * rounds / floor_s if floor_sms is not None else None
    return handled / worker_s, floor, handled, sent or 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5, help="turns the SDK floor and the worker take")
    parser.add_argument("--paced-messages", type=int, default=30)
    parser.add_argument("--pace", type=float, default=10.0, help="SMS_RATE_PER_SECOND for the pace check")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.messages, args.paced_messages, args.rounds = 10, 5, 2

    report = Report("sms")
    with tempfile.TemporaryDirectory(prefix="awizo-bench-sms-") as tmp:
        prism, url = start_prism(tmp)
        try:
            from app.messaging.providers.twilio_sms import TwilioSms

            sdk = TwilioSms(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, api_base_url=url)  # the SDK's client, re-based
            first = _sdk_seconds(sdk, 0, min(10, args.messages))  # warm the server and the SDK
            unpaced = max(1000.0, 10 * min(10, args.messages) / first)  # the number's pace far above the server's
            with scratch_database() as database_url:
                rate, floor, handled, sent = _rates(database_url, url, args.messages, unpaced, args.rounds, sdk)
            args.messages = max(1, args.messages // args.rounds) * args.rounds  # as many as were queued
            with scratch_database() as database_url:
                paced, _, paced_handled, paced_sent = _rates(database_url, url, args.paced_messages, args.pace, 1)
        finally:
            prism.terminate()
            prism.wait(timeout=10)
    assert floor is not None
    print(f"{args.messages} SMS: SDK floor {floor:.0f}/s; worker {rate:.0f}/s ({handled} handled, {sent} sent); "
          f"paced at {args.pace:g}/s: {paced:.2f}/s ({paced_handled} handled, {paced_sent} sent)")
    report.add("SMS dispatch", rate, "msg/s", floor=floor, floor_name="twilio SDK to the server, one connection",
               goal=f">= {GOAL_RATIO}x", met=rate / floor >= GOAL_RATIO)
    # The first message of a run goes at once and each next one a slot later: n messages take (n-1) slots.
    kept = paced <= args.pace * args.paced_messages / max(1, args.paced_messages - 1) * 1.001
    report.add("SMS within the number's pace", paced, "msg/s", floor=args.pace,
               floor_name="SMS_RATE_PER_SECOND", goal=f"<= pace and >= {GOAL_RATIO}x of it",
               met=kept and paced >= GOAL_RATIO * args.pace)
    lost = (args.messages - sent) + (args.paced_messages - paced_sent)
    report.add("SMS messages not sent", lost, "messages", goal="0", met=lost == 0)
    report.print()
    report.write(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
