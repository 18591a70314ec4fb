"""The worker as an operator runs it, under the faults a campaign found: killed mid-send, its
database connections cut. Nothing is lost, nothing is silently sent twice, the queue moves on."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from tests.support import required
from tests.support.tcp_proxy import TcpProxy
from tests.support.twilio_server import TEST_ACCOUNT_SID, TEST_FROM_NUMBER

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2


def _worker(app, twilio_stub, smtp_server, database_url: str | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SMTP_"))}
    env.update(DATABASE_URL=database_url or app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="test-secret-key",
               SMS_QUIET_HOURS="off", SMS_RATE_PER_SECOND="1000", DEV_OUTBOX="0",
               PUBLIC_BASE_URL="http://awizo.test", OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
               OUTBOX_MAX_BACKOFF_SECONDS="1", TWILIO_ACCOUNT_SID=TEST_ACCOUNT_SID,
               TWILIO_AUTH_TOKEN=app.config["TWILIO_AUTH_TOKEN"], TWILIO_FROM_NUMBER=TEST_FROM_NUMBER,
               TWILIO_API_BASE_URL=twilio_stub.url, SMTP_HOST=smtp_server.host, SMTP_PORT=str(smtp_server.port))
    flask = str(Path(sys.executable).with_name("flask"))
    return subprocess.Popen([flask, "--app", "wsgi", "worker", "--poll-interval", "0.2"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def _wait_for(condition, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, f"the worker exited while waiting for {what}: {process.stdout.read()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _items_with_alerts(api, count: int) -> list[str]:
    numbers = []
    for n in range(count):
        number = api.register(recipient={
            "name": f"Odbiorca {n}", "phone": f"+4860123{n:04d}", "email": f"odbiorca{n}@example.com",
            "language": "pl",
            "address": {"line1": "ul. Polna 12", "postal_code": "00-950", "city": "Warszawa", "country": "PL"},
        }).get_json()["tracking_number"]
        assert api.scan(number).status_code == 201
        numbers.append(number)
    return numbers


def test_worker_killed_mid_send_loses_nothing_and_flags_the_one_message_it_was_sending(
        api, app, client, outbox, twilio_stub, smtp_server):
    _items_with_alerts(api, 4)
    assert len(outbox(channel="sms")) == 4 and len(outbox(channel="email")) == 4
    twilio_stub.hold_first()  # the first SMS reaches "Twilio", whose answer never comes back to this worker
    first = _worker(app, twilio_stub, smtp_server)
    try:
        _wait_for(lambda: len(twilio_stub.requests) == 1, first, "the first SMS to reach the provider")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        killed_at = datetime.now(UTC)
    finally:
        _stop(first)
        twilio_stub.release()

    # Only the message that was with the provider is still held, and for no more than one short lease
    # after the worker died (it renewed the lease while it lived; nobody renews it now).
    in_flight = twilio_stub.requests[0]["form"]["To"]
    rows = outbox()
    held = [m for m in rows if m["status"] == "sending"]
    assert [m["recipient"] for m in held] == [in_flight]
    assert all(m["status"] in ("queued", "sent") for m in rows if m not in held)
    assert held[0]["in_flight_since"] is not None
    locked_until = held[0]["locked_until"]
    locked_until = locked_until if locked_until.tzinfo else locked_until.replace(tzinfo=UTC)
    assert (locked_until - killed_at).total_seconds() <= LEASE_SECONDS

    second = _worker(app, twilio_stub, smtp_server)
    try:
        _wait_for(lambda: all(m["status"] == "sent" for m in outbox()), second, "the queue to drain")
    finally:
        output = _stop(second)
    assert second.returncode == 0, output

    # 0 lost: every SMS and e-mail reached the provider; only the interrupted one went twice.
    sms_to = [r["form"]["To"] for r in twilio_stub.requests]
    assert sorted(set(sms_to)) == sorted(m["recipient"] for m in outbox(channel="sms"))
    assert [to for to in sms_to if sms_to.count(to) > 1] == [in_flight, in_flight]
    keys = [r["headers"].get("Idempotency-Key") for r in twilio_stub.requests if r["form"]["To"] == in_flight]
    assert keys[0] and keys[0] == keys[1]  # the provider can tell it is the same message
    assert sorted(str(m["To"]) for m in smtp_server.messages) == sorted(m["recipient"] for m in outbox(channel="email"))

    flagged = [m for m in outbox() if m["possibly_duplicate"]]
    assert [m["recipient"] for m in flagged] == [in_flight] and flagged[0]["tries"] == 2
    assert '"outcome": "sent"' in output and in_flight not in output  # structured lines, no phone numbers

    # The item's public record says so.
    item_id = flagged[0]["item_id"]
    with app.app_context():
        from app.extensions import db
        from app.models import Item
        token = db.session.get(Item, item_id).verify_token
        db.session.remove()
    record = client.get(f"/v/{token}", headers={"Accept": "application/json"}).get_json()
    sms = [n for n in record["notifications"] if n["channel"] == "sms"]
    assert [n["possibly_sent_twice"] for n in sms] == [True]
    page = client.get(f"/v/{token}", headers={"Accept": "text/html", "Accept-Language": "en"}).get_data(as_text=True)
    assert "possibly sent twice" in page or "mogło zostać wysłane dwukrotnie" in page


def test_each_try_of_one_e_mail_has_the_same_message_id(api, app, outbox, smtp_server, worker):
    from datetime import timedelta

    _items_with_alerts(api, 1)
    smtp_server.reject["odbiorca0@example.com"] = "451 4.3.0 try again later"
    worker()
    [email] = outbox(channel="email")
    assert email["status"] == "queued" and email["tries"] == 1
    del smtp_server.reject["odbiorca0@example.com"]
    with app.app_context():
        from app.extensions import db
        from app.models import OutboxMessage
        from app.models.types import utcnow
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        db.session.remove()
    worker()
    [email] = outbox(channel="email")
    [received] = smtp_server.messages
    assert email["status"] == "sent" and email["tries"] == 2
    assert received["Message-ID"] == f"<{email['send_key']}@awizo.test>" == email["provider_message_id"]


def test_worker_survives_its_database_connections_being_cut(api, app, outbox, twilio_stub, smtp_server):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    required.postgresql_only(url, "pg_terminate_backend needs PostgreSQL")
    worker_url = sa.engine.make_url(url).update_query_dict({"application_name": "awizo-worker-under-test"})
    process = _worker(app, twilio_stub, smtp_server, database_url=worker_url.render_as_string(hide_password=False))
    try:
        _items_with_alerts(api, 2)
        _wait_for(lambda: all(m["status"] == "sent" for m in outbox()), process, "the first alerts")
        engine = sa.create_engine(url)
        try:
            for _ in range(5):  # cut every connection of the worker, several times, mid-poll
                with engine.connect() as conn:
                    conn.execute(sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND application_name = 'awizo-worker-under-test'"))
                time.sleep(0.3)
        finally:
            engine.dispose()
        assert process.poll() is None, "the worker died when its database connections were cut"
        _items_with_alerts(api, 2)
        _wait_for(lambda: len(outbox()) == 8 and all(m["status"] == "sent" for m in outbox()), process,
                  "the alerts queued after the connections were cut")
    finally:
        output = _stop(process)
    assert process.returncode == 0, output
    assert len(twilio_stub.requests) == 4 and len(smtp_server.messages) == 4


def test_worker_survives_the_database_going_away_and_coming_back(api, app, outbox, twilio_stub, smtp_server):
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        required.postgresql_only(str(url), "a database behind a network connection needs PostgreSQL")
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    process = _worker(app, twilio_stub, smtp_server, database_url=through_proxy)
    try:
        _items_with_alerts(api, 1)
        _wait_for(lambda: all(m["status"] == "sent" for m in outbox()), process, "the first alerts")
        proxy.cut()  # every connection dropped, no new ones for a while
        _items_with_alerts(api, 2)
        time.sleep(3)
        assert process.poll() is None, "the worker died while the database was away"
        assert all(m["status"] == "queued" for m in outbox() if m["item_id"] != 1)
        proxy.restore()
        _wait_for(lambda: all(m["status"] == "sent" for m in outbox()), process,
                  "the alerts queued while the database was away")
    finally:
        output = _stop(process)
        proxy.close()
    assert process.returncode == 0, output
    assert '"event": "worker.database_error"' in output  # it said why it paused
    assert len(twilio_stub.requests) == 3 and len(smtp_server.messages) == 3
