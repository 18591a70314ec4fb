"""Outbox dispatch of e-mail versus a local SMTP sink's own rate, on PostgreSQL.

    .venv/bin/python -m bench.outbox [--messages 2000] [--json FILE] [--smoke]

Floor: smtplib sending the same number of e-mails, built the same way, over one connection to
a local aiosmtpd sink (the fastest this machine can hand e-mail to that server). Figure: the
worker's loop (``run_once``: lease, send, record, per message) draining that many queued
e-mails to the same sink. The goal is >= 0.8x of the floor.
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
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.messages = 20

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


def _run(args, sink: _Sink, port: int, url: str, report: Report) -> int:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.messaging.delivery import OutboxSettings, run_once
    from app.messaging.enqueue import enqueue_message
    from app.messaging.providers import channels
    from app.messaging.providers.smtp import SmtpMail
    from app.models import OutboxMessage
    from app.models.types import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PUBLIC_BASE_URL": "http://awizo.test",
                      "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "MAIL_FROM": "Awizo <awizo@example.com>",
                      "DEV_OUTBOX": False, "TWILIO_ACCOUNT_SID": None})
    with app.app_context():
        upgrade(revision="heads")
        now = utcnow() - timedelta(seconds=5)
        for i in range(args.messages):
            enqueue_message(db.session, channel="email", recipient=f"jan{i}@example.com", purpose="notice_left",
                            subject="Awizo: przesyłka czeka", body="Treść powiadomienia " * 20,
                            body_html="<p>" + "Treść powiadomienia " * 20 + "</p>",
                            dedupe_key=f"bench:{i}", now=now)
        db.session.commit()
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        builder = SmtpMail("127.0.0.1", port, mail_from="Awizo <awizo@example.com>")
        emails = [builder.build(row) for row in rows]
        del rows  # the worker starts with an empty session, as a worker process does
        db.session.rollback()
        db.session.expunge_all()

        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for email in emails:
                smtp.send_message(email)
        floor = args.messages / (time.perf_counter() - start)

        commit_ms = _durable_commit_ms(db.engine)
        sink.count = 0
        settings = OutboxSettings.from_app(app)
        available = channels(app)
        counts = {"statements": 0, "commits": 0}

        def statement(*_):
            counts["statements"] += 1

        def commit(*_):
            counts["commits"] += 1

        sa.event.listen(db.engine, "before_cursor_execute", statement)
        sa.event.listen(db.engine, "commit", commit)
        start = time.perf_counter()
        handled = run_once(db.session, available, settings)
        rate = handled / (time.perf_counter() - start)
        sa.event.remove(db.engine, "before_cursor_execute", statement)
        sa.event.remove(db.engine, "commit", commit)
        for channel in available.values():
            getattr(channel, "close", lambda: None)()
        sent = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.status == "sent"))
        db.session.remove()
        db.engine.dispose()
    print(f"{args.messages} e-mails: sink floor {floor:.0f}/s on one connection; worker {rate:.0f}/s "
          f"({handled} handled, {sent} sent, the sink got {sink.count}); per message "
          f"{counts['statements'] / max(handled, 1):.2f} statements, {counts['commits'] / max(handled, 1):.2f} commits")
    report.add("SMTP dispatch", rate, "msg/s", floor=floor, floor_name="smtplib to the sink, one connection",
               goal=f">= {GOAL_RATIO}x", met=rate / floor >= GOAL_RATIO)
    report.add("SQL statements per message", counts["statements"] / max(handled, 1), "statements",
               goal="(reported)")
    report.add("commits per message", counts["commits"] / max(handled, 1), "commits", goal="(reported)")
    # Each send needs its in-flight mark durable first (one message at risk after a crash): with
    # one durable commit per message, the best the worker can do is sink time / (sink + commit).
    report.add("one durable commit", commit_ms, "ms", goal="(reported)")
    ceiling = (1000 / floor) / (1000 / floor + commit_ms)
    report.add("ceiling with one durable commit per message", ceiling * floor, "msg/s", floor=floor,
               floor_name="smtplib to the sink", goal="(reported)")
    report.add("SMTP messages lost", args.messages - sink.count, "messages", goal="0", met=sink.count == args.messages)
    report.print()
    report.write(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
