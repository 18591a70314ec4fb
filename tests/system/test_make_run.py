"""The README's run command brings up web, worker and scheduler with demo data."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from notices.sms import QuietHours, held_text, quiet_hours_end

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def start_system(tmp_path):
    """Start ``make run``'s program with extra settings; returns ``(base_url, log)``."""
    started = []

    def start(**settings: str):
        port = _free_port()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TWILIO_", "SMTP_", "TEST_DATABASE")) and k != "DATABASE_URL"}
        env.update(DATABASE_URL=f"sqlite:///{tmp_path / f'awizo-{port}.sqlite3'}", PORT=str(port),
                   OUTBOX_POLL_SECONDS="0.5", **settings)
        log = open(tmp_path / f"run-{port}.log", "w+")  # noqa: SIM115  (closed when the system stops)
        proc = subprocess.Popen([sys.executable, "-m", "app.demo.devrun", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append((proc, log))
        base = f"http://localhost:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            log.seek(0)
            pytest.fail("the web app did not come up:\n" + log.read()[-3000:])
        return base, log

    yield start
    for proc, log in started:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture
def running_system(start_system):
    # Quiet hours off: the alerts go out whatever the hour the test runs at (the night is below).
    return start_system(SMS_QUIET_HOURS="off")


def _notifications(base: str, key: str, number: str) -> list[dict]:
    return requests.get(f"{base}/api/v1/items/{number}", headers={"Authorization": f"Bearer {key}"},
                        timeout=5).json()["notifications"]


@pytest.mark.slow
def test_make_run_serves_demo_data_and_the_worker_delivers_alerts(running_system):
    base, log = running_system
    log.seek(0)
    banner = log.read()
    key = re.search(r"API key:\s+(\S+)", banner).group(1)
    number = re.search(r"Item (RR\d{9}PL): ", banner).group(1)

    item = requests.get(f"{base}/api/v1/items/{number}", headers={"Authorization": f"Bearer {key}"}, timeout=5)
    assert item.status_code == 200
    assert item.json()["attempts"], "the demo item has a recorded attempt"

    # The worker picks the demo alerts from the outbox and the development outbox shows them sent.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        statuses = {n["status"] for n in _notifications(base, key, number)}
        if statuses and statuses <= {"sent", "delivered"}:
            break
        time.sleep(1)
    assert statuses and statuses <= {"sent", "delivered"}, statuses
    outbox = requests.get(f"{base}/dev/outbox", timeout=5)
    assert number in outbox.text

    # The printed sender-admin login opens the portal with the demo items.
    email, password = re.search(r"as (admin@\S+) with password (\S+)", banner).groups()
    browser = requests.Session()
    form = browser.get(f"{base}/login", timeout=5).text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    signed_in = browser.post(f"{base}/login", data={"email": email, "password": password, "csrf_token": csrf},
                             timeout=10)
    assert signed_in.status_code == 200
    assert number in browser.get(f"{base}/portal/", timeout=5).text

    log.seek(0)
    output = log.read()
    for process in ("web.1", "worker.1", "scheduler.1"):
        assert f"{process} " in output or f"{process}|" in output.replace(" ", ""), f"{process} did not start"
    assert "exited with code" not in output, output[-3000:]


@pytest.mark.slow
def test_make_run_in_quiet_hours_says_sms_are_held_and_until_when(start_system):
    # Quiet hours that surely hold now: from an hour ago to two hours on (Warsaw wall clock).
    zone = "Europe/Warsaw"
    now = datetime.now(timezone.utc)
    window = f"{(now - timedelta(hours=1)).astimezone(ZoneInfo(zone)):%H:%M}-" \
             f"{(now + timedelta(hours=2)).astimezone(ZoneInfo(zone)):%H:%M}"
    until = quiet_hours_end(now, QuietHours.parse(window, zone))
    words = held_text(until, zone)
    at = until.astimezone(ZoneInfo(zone)).strftime("%H:%M")

    base, log = start_system(SMS_QUIET_HOURS=window)
    log.seek(0)
    banner = log.read()
    assert f"SMS are held until {at}" in banner, banner
    key = re.search(r"API key:\s+(\S+)", banner).group(1)
    number = re.search(r"Item (RR\d{9}PL): ", banner).group(1)

    # The worker sends the e-mail; the SMS waits, and everyone is told until when.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        alerts = {n["channel"]: n for n in _notifications(base, key, number)}
        if alerts.get("email", {}).get("status") == "sent":
            break
        time.sleep(1)
    assert alerts["email"]["status"] == "sent" and alerts["email"]["held_until"] is None
    assert alerts["sms"]["status"] == "queued"
    assert alerts["sms"]["held_text"] == words and words["en"] == f"held until {at} (quiet hours)"
    outbox = requests.get(f"{base}/dev/outbox", timeout=5).text
    assert f"held until {at} (quiet hours)" in outbox and f"wstrzymany do {at} (godziny ciszy)" in outbox
