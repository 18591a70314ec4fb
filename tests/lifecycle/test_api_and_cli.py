"""The lifecycle's doors: the carrier's task list, the counter's collection scan, staff commands."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine

from app.lifecycle.jobs import registered_jobs
from app.lifecycle.scheduler import build_scheduler
from tests.conftest import tracking_number

NOTICE = datetime(2026, 3, 23, 9, 0, tzinfo=timezone.utc)
REPEAT_DUE = datetime(2026, 3, 31, 6, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock():
    with time_machine.travel(NOTICE, tick=False) as traveller:
        yield traveller


def _noticed(api) -> str:
    number = tracking_number()
    assert api.register(tracking_number=number).status_code == 201
    assert api.scan(number, occurred_at=NOTICE.isoformat()).status_code == 201
    return number


def test_tasks_are_only_the_carriers_own_and_need_a_device_token(api, lc, clock):
    number = _noticed(api)
    other_token = api.new_carrier("Piotr Doręczyciel")
    clock.move_to(REPEAT_DUE)
    lc.sweep()
    mine = api.client.get("/api/v1/tasks", headers=api.auth(api.device_token))
    assert [t["tracking_number"] for t in mine.json["tasks"]] == [number]
    task = mine.json["tasks"][0]
    assert task["recipient"]["name"] == "Jan Kowalski" and task["pickup_point"]["code"] == "WAW-01"
    assert task["deemed_served_on"] == "2026-04-07"
    assert api.client.get("/api/v1/tasks", headers=api.auth(other_token)).json == {"tasks": []}
    as_sender = api.client.get("/api/v1/tasks", headers=api.auth(api.sender_key))
    assert as_sender.status_code == 403 and as_sender.mimetype == "application/problem+json"


COLLECTOR = {"collected_by": "Jan Kowalski", "id_type": "id_card", "id_last_digits": "4321"}


def test_collection_scan_errors_name_the_problem(api, clock):
    number = _noticed(api)
    url = f"/api/v1/items/{number}/collection"
    bad = api.client.post(url, json={**COLLECTOR, "collected_at": "yesterday"}, headers=api.auth(api.device_token))
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "collected_at"
    future = api.client.post(url, json={**COLLECTOR, "collected_at": "2026-03-24T09:00:00Z"},
                             headers=api.auth(api.device_token))
    assert future.status_code == 422 and "future" in future.json["errors"][0]["message"]
    assert api.client.post(url, json=COLLECTOR, headers=api.auth(api.sender_key)).status_code == 403
    unknown = api.client.post("/api/v1/items/RR000000000PL/collection", json=COLLECTOR,
                              headers=api.auth(api.device_token))
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"
    fresh = tracking_number()
    assert api.register(tracking_number=fresh).status_code == 201
    not_noticed = api.client.post(f"/api/v1/items/{fresh}/collection", json=COLLECTOR,
                                  headers=api.auth(api.device_token))
    assert not_noticed.status_code == 409 and "no notice" in not_noticed.json["detail"]


def test_staff_records_a_collection_from_the_command_line(api, lc, runner, clock):
    number = _noticed(api)
    who = ["--id-type", "passport", "--id-last-digits", "9876"]
    clock.move_to(datetime(2026, 3, 23, 12, 0, tzinfo=timezone.utc))
    result = runner.invoke(args=["lifecycle", "collected", number.lower(), "--by", "pełnomocnik", *who,
                                 "--at", "2026-03-23T12:00:00+01:00"])
    assert result.exit_code == 0, result.output
    assert "recorded as collected" in result.output
    assert lc.status(number) == "collected"
    record = api.item(number).json
    collected = next(e for e in record["events"] if e["kind"] == "collected")
    assert collected["occurred_at"] == "2026-03-23T11:00:00Z" and collected["data"]["collected_by"] == "pełnomocnik"
    assert collected["data"]["collector"] == {"name": "pełnomocnik", "id_type": "passport", "id_last_digits": "9876"}
    again = runner.invoke(args=["lifecycle", "collected", number, "--by", "pełnomocnik", *who])
    assert again.exit_code == 0 and "already" in again.output
    naive = runner.invoke(args=["lifecycle", "collected", number, "--by", "X", *who, "--at", "2026-03-23T12:00:00"])
    assert naive.exit_code != 0 and "offset" in naive.output


def test_sweep_and_scheduler_commands(api, lc, runner, clock):
    number = _noticed(api)
    clock.move_to(REPEAT_DUE)
    result = runner.invoke(args=["lifecycle", "sweep"])
    assert result.exit_code == 0 and "repeat_notice_due: 1" in result.output, result.output
    assert lc.tasks(number) == [("repeat_notice", "open")]
    once = runner.invoke(args=["scheduler", "--once"])
    assert once.exit_code == 0 and "lifecycle-sweep" in once.output, once.output
    assert lc.events(number).count("repeat_notice_due") == 1
    listing = runner.invoke(args=["scheduler", "--list"])
    assert "lifecycle-sweep\tevery 60 s" in listing.output


def test_jobs_are_declared_once_each_with_a_stable_id(app):
    ids = [job.id for job in registered_jobs(app)]
    assert len(ids) == len(set(ids)) and {"lifecycle-sweep", "publish-tree-head"} <= set(ids)
    scheduler = build_scheduler(app, blocking=False)
    assert sorted(job.id for job in scheduler.get_jobs()) == sorted(ids)
    sweep = scheduler.get_job("lifecycle-sweep")
    assert sweep.max_instances == 1 and sweep.coalesce
