"""``flask --app wsgi worker`` as an operator runs it: sends what is queued, stops on SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_worker_process_sends_queued_messages_and_stops_cleanly_on_sigterm(api, app, outbox):
    number = api.register().get_json()["tracking_number"]
    api.scan(number)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SMTP_"))}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="test-secret-key",
               SMS_QUIET_HOURS="off", DEV_OUTBOX="1", PUBLIC_BASE_URL="http://awizo.test")
    flask = str(Path(sys.executable).with_name("flask"))
    process = subprocess.Popen([flask, "--app", "wsgi", "worker", "--poll-interval", "0.2"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while any(m["status"] != "sent" for m in outbox()):
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "the worker did not send the queued messages"
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert "polling every 0.2s" in output and "stopped after handling 2 messages" in output
    assert [m["provider"] for m in outbox()] == ["dev", "dev"]
