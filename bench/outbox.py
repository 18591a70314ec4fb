"""Outbox dispatch of e-mail versus a local SMTP sink's own rate, on PostgreSQL.

    .venv/bin/python -m bench.outbox [--messages 2000] [--rounds 5] [--json FILE] [--smoke]

Floor: smtplib sending the same number of e-mails, built the same way, over one connection to
a local aiosmtpd sink (the fastest this machine can hand e-mail to that server). Figure: the
worker's loop (``run_once``: lease, send, record, per message) draining that many queued
e-mails to the same sink. The goal is >= 0.8x of the floor. The two take turns in ``--rounds``
rounds (a share of the messages each), so a change of the machine's load weighs on both. Then the same number again as
alerts of registered items, as the product sends them: each status a message reaches is then an
item event with its transparency-log leaf, written in the worker's transaction.
"""
from __future__ import annotations

import argparse
import smtplib
import sys
import time
from datetime import timedelta

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from bench.databases import scratch_database
from bench.report import Report

GOAL_RATIO = 0.8


class _Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _durable_commit_ms(engine: sa.Engine, rounds: int = 200) -> float:
    """Milliseconds of one one-row UPDATE and its (synchronous) COMMIT on this database."""
    with engine.connect() as connection:  # a plain table: a temporary one skips the WAL and its flush
        connection.execute(sa.text("CREATE TABLE bench_commit (n integer)"))
        connection.execute(sa.text("INSERT INTO bench_commit VALUES (0)"))
        connection.commit()
        start = time.perf_counter()
        for _ in range(rounds):
            connection.execute(sa.text("UPDATE bench_commit SET n = n + 1"))
            connection.commit()
        took = (time.perf_counter() - start) / rounds * 1000
        connection.execute(sa.text("DROP TABLE bench_commit"))
        connection.commit()
        return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5, help="turns the floor and the worker take")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.messages, args.rounds = 20, 2

    sink = _Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    report = Report("outbox")
    try:
        with scratch_database() as url:
            return _run(args, sink, port, url, report)
    finally:
        controller.stop()


def _queue(session, count: int, tag: str, now, item_ids: list[int] | None = None) -> None:
    from app.messaging.enqueue import enqueue_message

    for i in range(count):
        enqueue_message(session, channel="email", recipient=f"jan{i}@example.com", purpose="notice_left",
                        subject="Awizo: przesyłka czeka", body="Treść powiadomienia " * 20,
                        body_html="<p>" + "Treść powiadomienia " * 20 + "</p>",
                        dedupe_key=f"bench:{tag}:{i}", now=now, item_id=item_ids[i] if item_ids else None)
    session.commit()


def _items(session, count: int, now) -> list[int]:
    """``count`` registered items of one sender (no webhook endpoint), written in bulk; their ids."""
    import secrets

    from app.models import Item
    from app.senders.cli import create_sender
    from notices import s10

    sender, _key = create_sender("Bench sender")
    session.execute(sa.insert(Item.__table__), [
        dict(tracking_number=s10.make("RR", 30_000_000 + i), service="pl_registered_letter", sender_id=sender.id,
             recipient_name="Jan Kowalski", address_line1=f"ul. Polna {i % 300}", postal_code="00-001",
             city="Warszawa", country="PL", recipient_email=f"jan{i}@example.com", language="pl",
             verify_token=secrets.token_urlsafe(32), status="awaiting_collection", created_at=now)
        for i in range(count)])
    session.commit()
    return list(session.scalars(sa.select(Item.id).order_by(Item.id)))


def _drain(session, engine, available, settings) -> tuple[float, int, dict[str, int]]:
    """The worker's loop over everything queued: (seconds, handled, statement and commit counts)."""
    from app.messaging.delivery import run_once

    counts = {"statements": 0, "commits": 0}

    def statement(*_):
        counts["statements"] += 1

    def commit(*_):
        counts["commits"] += 1

    sa.event.listen(engine, "before_cursor_execute", statement)
    sa.event.listen(engine, "commit", commit)
    start = time.perf_counter()
    handled = run_once(session, available, settings)
    took = time.perf_counter() - start
    sa.event.remove(engine, "before_cursor_execute", statement)
    sa.event.remove(engine, "commit", commit)
    return took, handled, counts


def _add(total: dict[str, int], more: dict[str, int]) -> None:
    for key, value in more.items():
        total[key] += value


def _run(args, sink: _Sink, port: int, url: str, report: Report) -> int:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.messaging.outbox_settings import OutboxSettings
    from app.messaging.providers import channels
    from app.messaging.providers.smtp import SmtpMail
    from app.models import ItemEvent, OutboxMessage
    from app.models.evidence import LogEntry
    from app.models.types import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PUBLIC_BASE_URL": "http://awizo.test",
                      "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "MAIL_FROM": "Awizo <awizo@example.com>",
                      "DEV_OUTBOX": False, "TWILIO_ACCOUNT_SID": None})
    # The floor and the worker take turns, a round of each at a time, so that a change in the
    # machine's load during the run weighs on both alike; each figure sums its rounds.
    per_round = max(1, args.messages // args.rounds)
    floor_s = plain_s = item_s = 0.0
    handled = item_handled = plain_received = item_received = 0
    counts = {"statements": 0, "commits": 0}
    item_counts = {"statements": 0, "commits": 0}
    with app.app_context():
        upgrade(revision="heads")
        now = utcnow() - timedelta(seconds=5)
        settings = OutboxSettings.from_app(app)
        available = channels(app)
        builder = SmtpMail("127.0.0.1", port, mail_from="Awizo <awizo@example.com>")
        item_ids = _items(db.session, per_round * args.rounds, now)
        events_before = db.session.scalar(sa.select(sa.func.count()).select_from(ItemEvent))
        leaves_before = db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry))
        commit_ms = _durable_commit_ms(db.engine)
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for round_ in range(args.rounds):
                _queue(db.session, per_round, f"plain{round_}", now)
                rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == "queued")
                                          .order_by(OutboxMessage.id)).all()
                emails = [builder.build(row) for row in rows]
                del rows  # the worker starts with an empty session, as a worker process does
                db.session.rollback()
                db.session.expunge_all()

                start = time.perf_counter()
                for email in emails:
                    smtp.send_message(email)
                floor_s += time.perf_counter() - start

                sink.count = 0
                took, done, seen = _drain(db.session, db.engine, available, settings)
                plain_s, handled, plain_received = plain_s + took, handled + done, plain_received + sink.count
                _add(counts, seen)

                # The same e-mails as alerts of items, as the product sends them: each status they
                # reach is an item event with its transparency-log leaf, in the worker's transaction.
                _queue(db.session, per_round, f"item{round_}", now,
                       item_ids[round_ * per_round:(round_ + 1) * per_round])
                db.session.expunge_all()
                sink.count = 0
                took, done, seen = _drain(db.session, db.engine, available, settings)
                item_s, item_handled, item_received = item_s + took, item_handled + done, item_received + sink.count
                _add(item_counts, seen)
        sent = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.status == "sent"))
        events = db.session.scalar(sa.select(sa.func.count()).select_from(ItemEvent)) - events_before
        leaves = db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) - leaves_before
        for channel in available.values():
            getattr(channel, "close", lambda: None)()
        db.session.remove()
        db.engine.dispose()
    total = per_round * args.rounds
    floor, rate, item_rate = total / floor_s, handled / plain_s, item_handled / item_s
    args.messages = total
    print(f"{args.messages} e-mails: sink floor {floor:.0f}/s on one connection; worker {rate:.0f}/s "
          f"({handled} handled, the sink got {plain_received}); per message "
          f"{counts['statements'] / max(handled, 1):.2f} statements, {counts['commits'] / max(handled, 1):.2f} commits")
    print(f"{args.messages} e-mails that are alerts of items: worker {item_rate:.0f}/s ({item_handled} handled, "
          f"the sink got {item_received}; {events} item events and {leaves} log leaves written); per message "
          f"{item_counts['statements'] / max(item_handled, 1):.2f} statements, "
          f"{item_counts['commits'] / max(item_handled, 1):.2f} commits; {sent} of both kinds marked sent; "
          f"{args.rounds} rounds")
    report.add("SMTP dispatch", rate, "msg/s", floor=floor, floor_name="smtplib to the sink, one connection",
               goal=f">= {GOAL_RATIO}x", met=rate / floor >= GOAL_RATIO)
    report.add("SMTP dispatch of item alerts (a status event and its log leaf each)", item_rate, "msg/s", floor=floor,
               floor_name="smtplib to the sink, one connection", goal=f">= {GOAL_RATIO}x",
               met=item_rate / floor >= GOAL_RATIO)
    report.add("SQL statements per message", counts["statements"] / max(handled, 1), "statements",
               goal="(reported)")
    report.add("commits per message", counts["commits"] / max(handled, 1), "commits", goal="(reported)")
    # Each send needs its in-flight mark durable first (one message at risk after a crash): with
    # one durable commit per message, the best the worker can do is sink time / (sink + commit).
    report.add("one durable commit", commit_ms, "ms", goal="(reported)")
    ceiling = (1000 / floor) / (1000 / floor + commit_ms)
    report.add("ceiling with one durable commit per message", ceiling * floor, "msg/s", floor=floor,
               floor_name="smtplib to the sink", goal="(reported)")
    lost = 2 * args.messages - plain_received - item_received
    if sent != handled + item_handled:
        lost += abs(handled + item_handled - sent)
    report.add("SMTP messages lost", lost, "messages", goal="0", met=lost == 0)
    report.print()
    report.write(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
