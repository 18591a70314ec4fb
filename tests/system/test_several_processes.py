"""Two web nodes, two outbox workers and two schedulers on one PostgreSQL: each fact once, each
message sent once. The set-up the README's "Scaling past one machine" describes, as processes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import ItemEvent, OutboxMessage
from app.models.lifecycle import CarrierTask
from app.models.types import utcnow
from tests.conftest import item_payload, scan_payload, tracking_number
from tests.lifecycle.test_scheduler_process import _notice_whose_repeat_notice_is_due
from tests.support import required
from tests.support.twilio_server import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM_NUMBER, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DUE_LETTERS = 6      # their repeat notices are due: the schedulers take each step once
FRESH_SCANS = 12     # registered and scanned over HTTP, alternating between the web nodes


def _env(app, twilio_stub, smtp_server) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SMTP_", "PROMETHEUS_"))}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="test-secret-key",
               PUBLIC_BASE_URL="http://awizo.test", SMS_QUIET_HOURS="off", SMS_RATE_PER_SECOND="1000",
               DEV_OUTBOX="0", OUTBOX_LEASE_SECONDS="5", LIFECYCLE_SWEEP_SECONDS="1",
               TWILIO_ACCOUNT_SID=TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN=TEST_AUTH_TOKEN,
               TWILIO_FROM_NUMBER=TEST_FROM_NUMBER, TWILIO_API_BASE_URL=twilio_stub.url,
               SMTP_HOST=smtp_server.host, SMTP_PORT=str(smtp_server.port),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return env


def _start(env: dict, *command: str) -> subprocess.Popen:
    return subprocess.Popen(list(command), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def _web(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = _start(env, str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}",
                     "--log-level", "warning", "wsgi:app")
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                return process, f"http://127.0.0.1:{port}"
        except requests.RequestException:
            pass
        assert process.poll() is None, process.stdout.read()
        assert time.monotonic() < deadline, "a web node did not start"
        time.sleep(0.2)


def _stop(processes: list[subprocess.Popen]) -> list[str]:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    outputs = []
    for process in processes:
        try:
            outputs.append(process.communicate(timeout=60)[0])
        except subprocess.TimeoutExpired:
            process.kill()
            outputs.append(process.communicate()[0])
    return outputs


def _count(app, query) -> int:
    with app.app_context():
        value = db.session.scalar(query)
        db.session.remove()
    return value


@pytest.mark.slow
def test_two_web_nodes_two_workers_and_two_schedulers_do_everything_once(app, api, twilio_stub, smtp_server):
    required.postgresql_only(app.config["SQLALCHEMY_DATABASE_URI"], "several workers are supported on PostgreSQL only")
    long_ago = _notice_whose_repeat_notice_is_due(utcnow())
    due = [tracking_number() for _ in range(DUE_LETTERS)]
    with time_machine.travel(long_ago, tick=False):
        for number in due:
            assert api.register(tracking_number=number).status_code == 201
            assert api.scan(number, occurred_at=long_ago.isoformat()).status_code == 201
    with app.app_context():  # their notices' alerts went long ago: only what happens now is sent
        db.session.execute(sa.update(OutboxMessage).values(status="sent"))
        db.session.commit()
        db.session.remove()

    env = _env(app, twilio_stub, smtp_server)
    webs = [_web(env) for _ in range(2)]
    flask = str(BIN / "flask")
    background = [_start(env, flask, "--app", "wsgi", "worker", "--poll-interval", "0.2") for _ in range(2)]
    background += [_start(env, flask, "--app", "wsgi", "scheduler") for _ in range(2)]
    processes = [p for p, _ in webs] + background
    try:
        fresh = []
        for n in range(FRESH_SCANS):
            base = webs[n % 2][1]
            payload = item_payload()
            created = requests.post(f"{base}/api/v1/items", json=payload, timeout=60,
                                    headers=api.auth(api.sender_key))
            assert created.status_code == 201, created.text
            scanned = requests.post(f"{webs[(n + 1) % 2][1]}/api/v1/scans", timeout=60,
                                    json=scan_payload(payload["tracking_number"]),
                                    headers=api.auth(api.device_token, **{"Idempotency-Key": uuid.uuid4().hex}))
            assert scanned.status_code == 201, scanned.text
            fresh.append(payload["tracking_number"])

        def settled() -> bool:
            unsent = _count(app, sa.select(sa.func.count()).select_from(OutboxMessage).where(
                OutboxMessage.channel.in_(("sms", "email")), OutboxMessage.status != "sent"))
            steps = _count(app, sa.select(sa.func.count()).select_from(ItemEvent)
                           .where(ItemEvent.kind == "repeat_notice_due"))
            return unsent == 0 and steps >= DUE_LETTERS

        deadline = time.monotonic() + 120
        while not settled():
            for process in processes:
                assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "the processes did not send everything within 120 s"
            time.sleep(0.3)
        time.sleep(2)  # a few more sweeps and polls: nothing may happen twice meanwhile
    finally:
        outputs = _stop(processes)

    assert sum("lifecycle-sweep" in output for output in outputs[-2:]) >= 1
    with app.app_context():
        steps = Counter(db.session.scalars(sa.select(ItemEvent.item_id).where(ItemEvent.kind == "repeat_notice_due")))
        tasks = db.session.scalar(sa.select(sa.func.count()).select_from(CarrierTask))
        sent = db.session.execute(sa.select(OutboxMessage.channel, OutboxMessage.send_key, OutboxMessage.possibly_duplicate)
                                  .where(OutboxMessage.channel.in_(("sms", "email")),
                                         OutboxMessage.created_at > long_ago + timedelta(days=1))).all()
        db.session.remove()
    assert sorted(steps.values()) == [1] * DUE_LETTERS and tasks == DUE_LETTERS
    emails = [key for channel, key, _ in sent if channel == "email"]
    sms = [key for channel, key, _ in sent if channel == "sms"]
    # The fresh scans' alerts (an SMS and an e-mail each) and the repeat-notice alerts of the due letters.
    assert len(emails) == len(sms) == FRESH_SCANS + DUE_LETTERS
    assert not any(flag for *_, flag in sent)
    received_ids = Counter(str(m["Message-ID"]).strip("<>").split("@")[0] for m in smtp_server.messages)
    assert received_ids == Counter(emails)  # each e-mail reached the server once
    assert len(twilio_stub.requests) == len(sms)  # each SMS reached the provider once
    assert len({r["form"]["To"] + r["form"]["Body"] for r in twilio_stub.requests}) == len(sms)
