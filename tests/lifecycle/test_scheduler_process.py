"""The scheduler process (``flask --app wsgi scheduler``) sweeps on its own, as `make run` starts it."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from app.models.types import utcnow
from notices.lifecycle import plan
from notices.profiles import get_profile
from tests.conftest import tracking_number

ROOT = Path(__file__).resolve().parents[2]


def _notice_whose_repeat_notice_is_due(now):
    """The latest notice (whole days back) whose repeat notice the profile's rules make due by
    ``now`` and whose later steps are not: the process runs on the real clock, so the due
    instant comes from the rules (weekends, holidays, 08:00 local), not from the hour."""
    profile = get_profile("pl_official_letter")
    for days in range(8, 30):
        notice = now - timedelta(days=days)
        steps = plan(profile, notice, "Europe/Warsaw")
        if steps.repeat_notice_at <= now - timedelta(minutes=1):
            assert steps.reminder_at is None or steps.reminder_at > now
            return notice
    raise AssertionError("no repeat notice falls due within 30 days")


@pytest.mark.slow
def test_scheduler_process_takes_due_steps_by_itself(app, api, lc):
    number = tracking_number()
    long_ago = _notice_whose_repeat_notice_is_due(utcnow())
    with time_machine.travel(long_ago, tick=False):
        assert api.register(tracking_number=number).status_code == 201
        assert api.scan(number, occurred_at=long_ago.isoformat()).status_code == 201
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "LIFECYCLE_SWEEP_SECONDS": "1",
           "PUBLIC_BASE_URL": "http://awizo.test", "SECRET_KEY": "test-secret-key", "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "scheduler"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        while "repeat_notice_due" not in lc.events(number):
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "the scheduler took no step within 90 s"
            time.sleep(0.2)
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert "lifecycle-sweep" in output
    assert lc.tasks(number) == [("repeat_notice", "open")]
    assert lc.events(number).count("repeat_notice_due") == 1
