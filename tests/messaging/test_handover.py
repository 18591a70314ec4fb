"""An e-mail is handed over (the final "." of its data) only once its in-flight mark is committed.

The envelope and content travel while the mark commits; when the mark does not take, or its
commit fails, the server is left without the "." and delivers nothing. Real SMTP server
(aiosmtpd) and the real database throughout.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.extensions import db
from app.messaging.delivery import OutboxSettings, run_once
from app.messaging.enqueue import enqueue_message
from app.messaging.handover import send_after_mark
from app.messaging.providers import channels, register_channel
from app.messaging.providers.smtp import SmtpMail
from app.models import OutboxMessage
from tests.support.twilio_server import free_port


class _Watching:
    """Accepts every e-mail and notes when each SMTP step reached it, and what ``on_data`` says."""

    def __init__(self, on_data=lambda envelope: None):
        self.on_data, self.steps, self.accepted = on_data, [], []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        self.steps.append(("rcpt", time.monotonic()))
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.steps.append(("accepted", time.monotonic()))
        self.accepted.append((envelope.content, self.on_data(envelope)))
        return "250 OK"


@pytest.fixture
def watched():
    servers = []

    def start(handler):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append(controller)
        return controller

    yield start
    for controller in servers:
        controller.stop()


def _message(n: int):
    return SimpleNamespace(recipient=f"jan{n}@example.com", subject=f"Awizo {n}", body=f"Treść {n}\n.\nkoniec",
                           body_html=None, language="pl", headers=None, send_key=f"{n:032d}")


@pytest.mark.parametrize("overlapped", [True, False], ids=["on a helper thread", "inline"])
def test_the_dot_goes_out_only_after_the_mark_has_committed(watched, overlapped):
    handler = _Watching()
    server = watched(handler)
    mail = SmtpMail("127.0.0.1", server.port, mail_from="awizo@example.com")
    committed = []

    def mark():
        time.sleep(0.3)  # a slow commit
        committed.append(time.monotonic())
        return True

    with ThreadPoolExecutor(1) as executor:
        started, result = send_after_mark(mail, _message(1), mark, executor if overlapped else None)
    mail.close()
    assert started and result is not None and result.ok and result.provider_message_id == f"<{1:032d}@example.com>"
    steps = dict(handler.steps)
    assert steps["accepted"] > committed[0]
    if overlapped:  # the envelope did not wait for the commit
        assert steps["rcpt"] < committed[0]
    [(content, _)] = handler.accepted
    # The body's line holding a lone "." arrived whole: it was sent doubled, and did not end the data.
    assert b"Subject: Awizo 1" in content and content.endswith(b"\r\n.\r\nkoniec\r\n")


@pytest.mark.parametrize("overlapped", [True, False], ids=["on a helper thread", "inline"])
def test_a_mark_that_does_not_take_leaves_the_server_with_nothing_and_the_next_e_mail_goes(watched, overlapped):
    handler = _Watching()
    server = watched(handler)
    mail = SmtpMail("127.0.0.1", server.port, mail_from="awizo@example.com")
    with ThreadPoolExecutor(1) as executor:
        overlap = executor if overlapped else None
        assert send_after_mark(mail, _message(1), lambda: False, overlap) == (False, None)

        def failing_commit():
            raise sa.exc.OperationalError("COMMIT", {}, Exception("the server closed the connection"))

        with pytest.raises(sa.exc.OperationalError):
            send_after_mark(mail, _message(2), failing_commit, overlap)
        started, result = send_after_mark(mail, _message(3), lambda: True, overlap)
    mail.close()
    time.sleep(0.2)  # whatever the server would still do with the first two, it has done
    assert started and result.ok
    assert [content.split(b"Subject: ")[1].split(b"\r\n")[0] for content, _ in handler.accepted] == [b"Awizo 3"]


def test_when_the_server_takes_an_e_mail_the_outbox_already_says_it_is_in_flight(app, watched):
    """Seen from another connection, as after a crash: each message is durably marked before it goes."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    onlooker = sa.create_engine(url)
    lock = threading.Lock()

    def state(envelope):
        key = envelope.content.split(b"Message-ID: <")[1].split(b"@")[0].decode()
        with lock, onlooker.connect() as connection:
            return connection.execute(sa.select(OutboxMessage.status, OutboxMessage.tries,
                                                OutboxMessage.in_flight_since.is_not(None))
                                      .where(OutboxMessage.send_key == key)).one()._tuple()

    handler = _Watching(state)
    server = watched(handler)
    register_channel(app, SmtpMail("127.0.0.1", server.port, mail_from="awizo@example.com"))
    now = datetime.now(timezone.utc)
    with app.app_context():
        for n in range(12):
            enqueue_message(db.session, channel="email", recipient=f"p{n}@example.com", purpose="test",
                            subject=f"s{n}", body="b", dedupe_key=f"handover-{n}", now=now)
        db.session.commit()
        settings = OutboxSettings.from_app(app)
        settings.batch_size = 5
        assert run_once(db.session, channels(app), settings) == 12
        for channel in channels(app).values():
            getattr(channel, "close", lambda: None)()
        statuses = db.session.scalars(sa.select(OutboxMessage.status)).all()
    onlooker.dispose()
    assert [seen for _, seen in handler.accepted] == [("sending", 1, True)] * 12
    assert statuses == ["sent"] * 12
