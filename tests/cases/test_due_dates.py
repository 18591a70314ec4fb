"""When a complaint must be answered: working days of the operator's calendar, never past 30 days."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from notices.cases import due_dates, escalated_due

WARSAW = ZoneInfo("Europe/Warsaw")


def test_five_working_days_skip_the_weekend_and_public_holidays():
    # Friday 18 Dec 2026: Mon 21, Tue 22, Wed 23, then 24 (Christmas Eve, a holiday from 2025), 25, 26 off, Mon 28.
    opened = datetime(2026, 12, 18, 10, 0, tzinfo=WARSAW).astimezone(timezone.utc)
    dates = due_dates(opened, "Europe/Warsaw")
    assert dates.target_at.astimezone(WARSAW).date().isoformat() == "2026-12-29"
    assert dates.target_at.astimezone(WARSAW).strftime("%H:%M") == "23:59"
    assert dates.statutory_at.astimezone(WARSAW).date().isoformat() == "2027-01-17"


def test_a_configured_target_and_escalation_never_pass_the_statutory_limit():
    opened = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    dates = due_dates(opened, "Europe/Warsaw", target_working_days=40)
    assert dates.target_at == dates.statutory_at
    short = due_dates(opened, "Europe/Warsaw", target_working_days=2)
    assert short.target_at.astimezone(WARSAW).date().isoformat() == "2026-03-04"
    later = escalated_due(short.target_at, short.statutory_at, "Europe/Warsaw", target_working_days=2)
    assert later.astimezone(WARSAW).date().isoformat() == "2026-03-06"
    assert escalated_due(short.statutory_at, short.statutory_at, "Europe/Warsaw") == short.statutory_at
