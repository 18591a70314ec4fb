"""Several sweeping workers, and a worker killed mid-sweep: every step happens exactly once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import ItemEvent, OutboxMessage
from app.models.lifecycle import CarrierTask, ItemLifecycle
from tests.conftest import tracking_number
from tests.support import required

ROOT = Path(__file__).resolve().parents[2]
NOTICE = datetime(2026, 3, 23, 9, 0, tzinfo=timezone.utc)
AFTER_END = datetime(2026, 4, 8, 6, 0, tzinfo=timezone.utc)   # every step of every letter is due
ITEMS = 24
STEP_EVENTS = ("repeat_notice_due", "collection_reminder_skipped", "deemed_service_not_established")


@pytest.fixture
def due_letters(api):
    numbers = []
    with time_machine.travel(NOTICE, tick=False):
        for _ in range(ITEMS):
            number = tracking_number()
            assert api.register(tracking_number=number).status_code == 201
            assert api.scan(number, occurred_at=NOTICE.isoformat()).status_code == 201
            numbers.append(number)
    return numbers


def _start(app, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.lifecycle.sweeper", app.config["SQLALCHEMY_DATABASE_URI"],
         AFTER_END.isoformat(), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def _step_counts(app) -> dict[str, list[int]]:
    """For each step event, how many times it was recorded per item."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(ItemEvent.kind, sa.func.count()).where(ItemEvent.kind.in_(STEP_EVENTS))
            .group_by(ItemEvent.item_id, ItemEvent.kind)
        ).all()
        db.session.remove()
    counts: dict[str, list[int]] = {kind: [] for kind in STEP_EVENTS}
    for kind, n in rows:
        counts[kind].append(n)
    return counts


def _assert_each_step_once(app) -> None:
    assert _step_counts(app) == {kind: [1] * ITEMS for kind in STEP_EVENTS}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CarrierTask)) == ITEMS
        assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.purpose == "repeat_notice")) == 2 * ITEMS
        stages = db.session.scalars(sa.select(ItemLifecycle.stage)).all()
        db.session.remove()
    assert stages == ["returned"] * ITEMS   # no repeat notice was left: not deemed served, returned


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["advisory-lock", "row-locks-only", "advisory-lock, two connections each"])
def test_two_workers_sweeping_the_same_items_take_each_step_once(app, due_letters, mode, tmp_path):
    required.postgresql_only(app.config["SQLALCHEMY_DATABASE_URI"], "several workers are supported on PostgreSQL only")
    # Both start sweeping together (a barrier after start-up), each event slow enough that the
    # sweep outlasts the other's first batch however loaded the machine is.
    extra = ["--slow", "0.02", "--barrier", str(tmp_path)] + (["--shared"] if mode == "row-locks-only" else []) \
        + (["--connections", "2"] if "two connections" in mode else [])
    workers = [_start(app, *extra), _start(app, *extra)]
    results = [_finish(w) for w in workers]
    _assert_each_step_once(app)
    done = [sum(r["actions"].values()) for r in results]
    assert sum(done) == len(STEP_EVENTS) * ITEMS
    if mode == "row-locks-only":
        assert all(n > 0 for n in done), results      # both really worked on the same due set
    else:
        assert any(r["locked_out"] for r in results) or 0 in done, results


def test_one_sweep_on_several_connections_takes_each_step_once_and_in_order(app, due_letters, lc):
    """Batches taken on three connections at once, two lifecycles each: every letter's three
    steps (all due: the scheduler was down for weeks) are taken once, in their order."""
    required.postgresql_only(app.config["SQLALCHEMY_DATABASE_URI"], "a sweep takes several connections on PostgreSQL only")
    with time_machine.travel(AFTER_END, tick=False):
        result = lc.sweep(batch_size=2, connections=3)
    assert not result.locked_out
    assert result.total == len(STEP_EVENTS) * ITEMS and result.batches >= 3 * ITEMS // 2
    _assert_each_step_once(app)
    for number in due_letters:
        assert [kind for kind in lc.events(number) if kind in STEP_EVENTS] == list(STEP_EVENTS)
    with time_machine.travel(AFTER_END, tick=False):
        assert lc.sweep(batch_size=2, connections=3).total == 0


def test_a_sweep_on_several_connections_is_kept_out_by_another_sweeper_and_gives_its_lock_back(app, due_letters, lc):
    """Another sweeper holding the sweep lock keeps a sweep on several connections out entirely,
    and the lock is given back when that sweep ends (the next one-connection sweep takes it)."""
    required.postgresql_only(app.config["SQLALCHEMY_DATABASE_URI"], "the sweep lock is PostgreSQL's")
    from app.lifecycle.sweep import SWEEP_LOCK_KEY

    with app.app_context(), db.engine.connect() as other:
        assert other.scalar(sa.select(sa.func.pg_try_advisory_lock(SWEEP_LOCK_KEY)))
        with time_machine.travel(AFTER_END, tick=False):
            kept_out = lc.sweep(batch_size=2, connections=2)
        assert kept_out.locked_out and kept_out.total == 0
        other.scalar(sa.select(sa.func.pg_advisory_unlock(SWEEP_LOCK_KEY)))
    with time_machine.travel(AFTER_END, tick=False):
        assert lc.sweep(batch_size=5, connections=2).total == len(STEP_EVENTS) * ITEMS
        assert not lc.sweep(batch_size=5, max_batches=1).locked_out  # the parallel sweep gave its lock back
    _assert_each_step_once(app)


@pytest.mark.slow
@pytest.mark.parametrize("connections", [1, 2])
def test_a_worker_killed_mid_sweep_loses_nothing_and_doubles_nothing(app, due_letters, connections):
    victim = _start(app, "--slow", "0.05", "--batch", "5", "--connections", str(connections))
    deadline = time.monotonic() + 60
    while sum(map(len, _step_counts(app).values())) == 0:     # wait for its first committed batch
        assert victim.poll() is None, victim.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    partial = _step_counts(app)
    assert 0 < sum(map(len, partial.values())) < len(STEP_EVENTS) * ITEMS   # it died half-way
    assert all(n == 1 for counts in partial.values() for n in counts)

    result = _finish(_start(app, "--batch", "7"))
    assert not result["locked_out"]
    _assert_each_step_once(app)


def test_a_batch_failing_on_one_connection_keeps_the_others_work_and_is_taken_again(app, due_letters, lc, monkeypatch):
    """One connection's batch fails (a bug while building it); the sweep reports the failure once
    the other connection is done. What that one committed stays (its batches may include the
    failed batch's steps, whose rows the rollback released), nothing is taken twice, and the
    next sweep takes whatever is left, each step once."""
    required.postgresql_only(app.config["SQLALCHEMY_DATABASE_URI"], "a sweep takes several connections on PostgreSQL only")
    from app.lifecycle import sweep as lifecycle_sweep

    act, failed = lifecycle_sweep._act, []

    def failing_once(session, claimed, **kwargs):
        if not failed:
            failed.append([lc_row.item_id for lc_row, _ in claimed])
            raise RuntimeError("a bug in one batch")
        return act(session, claimed, **kwargs)

    monkeypatch.setattr(lifecycle_sweep, "_act", failing_once)
    with time_machine.travel(AFTER_END, tick=False), pytest.raises(RuntimeError, match="a bug in one batch"):
        lc.sweep(batch_size=3, connections=2)
    done = _step_counts(app)
    assert sum(map(len, done.values())) > 0  # the other connection's batches stayed
    assert all(n == 1 for counts in done.values() for n in counts)
    with time_machine.travel(AFTER_END, tick=False):
        assert not lc.sweep(batch_size=3, connections=2).locked_out  # the failed sweep gave its lock back
    _assert_each_step_once(app)
