"""The portal chart: a sender's items by status at the end of each day, replayed from events."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.senders.status_history import daily_counts, status_after
from tests.portal.test_browser import in_browser, live, sign_in  # noqa: F401  (live is a fixture)

WARSAW = ZoneInfo("Europe/Warsaw")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WARSAW)


def test_each_day_counts_items_where_they_stood_when_it_ended():
    transitions = [
        (1, at(18, 9), "registered"),           # before the range: counted from its first day
        (1, at(20, 10), "awaiting_collection"),
        (1, datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc), "collected"),  # already the 23rd in Warsaw
        (2, at(20, 8), "registered"),
        (2, at(20, 9), "delivered"),             # registered and delivered the same day: only delivered
        (3, at(21, 12), "registered"),
        (4, at(24, 12), "registered"),           # after the range: not counted
    ]
    series = daily_counts(transitions, date(2026, 11, 19), date(2026, 11, 23), "Europe/Warsaw")
    assert series == {
        "registered": [1, 0, 1, 1, 1],
        "awaiting_collection": [0, 1, 1, 1, 0],
        "delivered": [0, 1, 1, 1, 1],
        "collected": [0, 0, 0, 0, 1],
    }


def test_a_day_in_the_operators_zone_not_utc():
    late_evening = datetime(2026, 11, 20, 23, 30, tzinfo=timezone.utc)  # 00:30 on the 21st in Warsaw
    series = daily_counts([(1, late_evening, "registered")], date(2026, 11, 20), date(2026, 11, 21), "Europe/Warsaw")
    assert series == {"registered": [0, 1]}


def test_events_that_change_the_status():
    assert status_after("attempt_recorded", {"outcome": "notice_left"}) == "awaiting_collection"
    assert status_after("attempt_recorded", {"outcome": "moved"}) == "undeliverable"
    assert status_after("returned_to_sender", {}) == "returned"
    assert status_after("deemed_service_not_established", None) == "deemed_service_not_established"
    assert status_after("notification_status", {"status": "delivered"}) is None
    assert status_after("attempt_recorded", {"outcome": "no-such"}) is None


# Days relative to today (the browser keeps the real clock, so sessions must not look expired);
# the hours are fixed, so the tests never depend on when they run.
TODAY = datetime.now(WARSAW).date()
DAYS = [TODAY - timedelta(days=n) for n in (3, 2, 1, 0)]


def day_at(index: int, hour: int) -> datetime:
    return datetime.combine(DAYS[index], time(hour), WARSAW)


@pytest.fixture
def history(api, people):
    """Sender A: two items on day 0, one left a notice on day 1, the other delivered on day 2;
    sender B: one item on day 0. Looked at on day 3."""
    with time_machine.travel(day_at(0, 10)):
        first = api.register().get_json()["tracking_number"]
        second = api.register().get_json()["tracking_number"]
        api.register(key=people.key_b)
    with time_machine.travel(day_at(1, 11)):
        assert api.scan(first).status_code == 201
    with time_machine.travel(day_at(2, 12)):
        assert api.scan(second, outcome="delivered").status_code == 201
    return first, second


EXPECTED = {"registered": [2, 1, 0, 0], "awaiting_collection": [0, 1, 1, 1], "delivered": [0, 0, 1, 1]}
LABELS = [d.isoformat() for d in DAYS]


def test_series_of_the_signed_in_sender_only(history, people):
    with time_machine.travel(day_at(3, 9)):
        data = people.client("clerk@a.example.com").get("/portal/stats.json?days=4").get_json()
        other = people.client("clerk@b.example.com").get("/portal/stats.json?days=4").get_json()
    assert data["days"] == LABELS
    assert {s["status"]: s["counts"] for s in data["series"]} == EXPECTED
    assert {s["status"]: s["counts"] for s in other["series"]} == {"registered": [1, 1, 1, 1]}


def test_page_lists_today_and_needs_a_sender(history, people):
    with time_machine.travel(day_at(3, 9)):
        page = people.client("clerk@a.example.com").get("/portal/stats?days=4").text
        staff = people.client("staff@operator.example.com").get("/portal/stats.json")
    assert "chart.umd.min.js" in page and 'id="status-chart-canvas"' in page
    rows = dict(re.findall(r"</i>([^<]+)</td><td>(\d+)</td>", page))
    assert sorted(rows.values()) == ["1", "1"] and len(rows) == 2
    assert staff.status_code == 403


@pytest.mark.e2e
@pytest.mark.parametrize("width", [360, 1280])
def test_chart_draws_the_series_on_a_phone_and_a_desktop(history, live, people, width):  # noqa: F811
    def steps(page):
        page.set_viewport_size({"width": width, "height": 800})
        sign_in(page, live, "clerk@a.example.com", people.PASSWORD)
        page.goto(f"{live}/portal/stats?days=4")
        page.wait_for_selector("#status-chart[data-ready='1']")
        drawn = page.evaluate("""() => {
            const chart = document.getElementById('status-chart').chart;
            return {labels: chart.data.labels,
                    series: chart.data.datasets.map(d => [d.status, d.data]),
                    canvas: chart.canvas.getBoundingClientRect().width,
                    page: document.documentElement.scrollWidth};
        }""")
        assert drawn["labels"] == LABELS
        assert dict(drawn["series"]) == EXPECTED
        assert 0 < drawn["canvas"] <= width and drawn["page"] <= width
        pixels = page.evaluate("""() => {
            const c = document.getElementById('status-chart-canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let painted = 0;
            for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) painted++; }
            return painted;
        }""")
        assert pixels > 1000  # the chart was drawn, not just configured

    with time_machine.travel(day_at(3, 9)):
        in_browser(steps)


def test_a_bad_number_of_days_is_named(people):
    clerk = people.client("clerk@a.example.com")
    data = clerk.get("/portal/stats.json?days=9999")
    assert data.status_code == 422 and data.mimetype == "application/problem+json"
    assert [e["field"] for e in data.get_json()["errors"]] == ["days"]
    page = clerk.get("/portal/stats?days=abc&lang=en")
    assert page.status_code == 422 and 'id="days-error"' in page.text
    assert "the last 30 days" in page.text                 # the default range is shown meanwhile
    assert "the last 1 day)" in clerk.get("/portal/stats?days=1&lang=en").text
    assert "(ostatnich 7 dni)" in clerk.get("/portal/stats?days=7&lang=pl").text
    assert "(ostatnie 3 dni)" in clerk.get("/portal/stats?days=3&lang=pl").text
