"""Holidays on known years, day counting, and every date of each shipped profile."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from notices import holidays
from notices.lifecycle import collection_deadline, due_actions, plan
from notices.lifecycle_messages import deadline_sentence
from notices.profiles import PROFILES

WARSAW = "Europe/Warsaw"
CET, CEST = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))


@pytest.mark.parametrize("day, name", [
    (date(2026, 4, 6), "Easter Monday"),
    (date(2026, 6, 4), "Corpus Christi"),
    (date(2025, 4, 21), "Easter Monday"),
    (date(2025, 6, 19), "Corpus Christi"),
    (date(2025, 12, 24), "Christmas Eve"),   # a public holiday in Poland from 2025
    (date(2026, 11, 11), "National Independence Day"),
    (date(2027, 3, 29), "Easter Monday"),
    (date(2027, 5, 27), "Corpus Christi"),
])
def test_polish_public_holidays_including_movable_ones(day, name):
    assert holidays.is_public_holiday("PL", day)
    assert holidays.public_holiday_name("PL", day) == name
    assert not holidays.is_working_day("PL", day)


def test_days_that_are_not_polish_holidays():
    assert not holidays.is_public_holiday("PL", date(2024, 12, 24))  # before the 2025 statute
    assert not holidays.is_public_holiday("PL", date(2026, 4, 7))    # Tuesday after Easter
    assert holidays.is_working_day("PL", date(2026, 6, 5))
    assert not holidays.is_working_day("PL", date(2026, 6, 6))      # Saturday


def test_next_working_day_skips_weekends_and_holidays():
    assert holidays.next_working_day("PL", date(2026, 4, 4)) == date(2026, 4, 7)   # Sat → Easter → Tue
    assert holidays.next_working_day("PL", date(2025, 12, 24)) == date(2025, 12, 29)
    assert holidays.next_working_day("PL", date(2026, 4, 8)) == date(2026, 4, 8)


def test_working_day_counting_skips_holidays():
    # 7 working days from Thursday 2026-04-02: Fri 3, (Easter Mon 6 skipped) 7, 8, 9, 10, 13, 14.
    assert holidays.add_days("PL", date(2026, 4, 2), 7, working=True) == date(2026, 4, 14)
    assert holidays.add_days("PL", date(2026, 4, 2), 7, working=False) == date(2026, 4, 9)


def test_official_letter_full_schedule_with_holiday_and_dst():
    """KPA: notice Mon 23 March 2026; day 14 is Easter Monday, so collection runs to Tuesday 7 April.

    DST starts on 29 March: the repeat notice and reminder are due at 08:00 local = 06:00 UTC
    afterwards (07:00 UTC before), and the hold ends at local midnight = 22:00 UTC.
    """
    p = plan(PROFILES["pl_official_letter"], datetime(2026, 3, 23, 10, 0, tzinfo=CET), WARSAW)
    assert p.first_notice_until == date(2026, 3, 30)
    assert p.repeat_notice_at == datetime(2026, 3, 31, 8, 0, tzinfo=CEST)
    assert p.repeat_notice_at.utcoffset() == timedelta(0) and p.repeat_notice_at.hour == 6
    assert p.collect_by == date(2026, 4, 7)
    assert p.collect_by_at == datetime(2026, 4, 7, 23, 59, 59, tzinfo=CEST)
    assert p.reminder_at == datetime(2026, 4, 6, 8, 0, tzinfo=CEST)
    assert p.end_at == datetime(2026, 4, 8, 0, 0, tzinfo=CEST)
    assert p.end_action == "deemed_served"
    assert p.deemed_served_on == date(2026, 4, 7)


def test_official_letter_before_dst_change_uses_winter_time():
    p = plan(PROFILES["pl_official_letter"], datetime(2026, 3, 2, 9, 0, tzinfo=CET), WARSAW)
    assert p.repeat_notice_at == datetime(2026, 3, 10, 8, 0, tzinfo=CET)   # 07:00 UTC
    assert p.collect_by == date(2026, 3, 16)


def test_autumn_dst_change_and_late_evening_notice():
    # 21:30 local on Friday 16 October 2026 is 19:30 UTC; day counting uses the local date.
    p = plan(PROFILES["pl_official_letter"], datetime(2026, 10, 16, 19, 30, tzinfo=timezone.utc), WARSAW)
    assert p.first_notice_until == date(2026, 10, 23)
    assert p.collect_by == date(2026, 10, 30)                                  # after the 25 Oct change
    assert p.collect_by_at == datetime(2026, 10, 30, 23, 59, 59, tzinfo=CET)
    assert p.repeat_notice_at == datetime(2026, 10, 24, 8, 0, tzinfo=CEST)


def test_notice_just_after_midnight_local_counts_from_that_local_day():
    # 23:30 UTC on 22 March is 00:30 on 23 March in Warsaw.
    late = plan(PROFILES["pl_official_letter"], datetime(2026, 3, 22, 23, 30, tzinfo=timezone.utc), WARSAW)
    assert late.collect_by == date(2026, 4, 7)


def test_deadline_on_saturday_moves_to_monday_for_polish_letters():
    # Notice Saturday 3 Oct 2026: day 14 is Saturday 17 Oct → Monday 19 Oct; day 7 Sat 10 → Mon 12.
    p = plan(PROFILES["pl_registered_letter"], datetime(2026, 10, 3, 10, 0, tzinfo=CEST), WARSAW)
    assert p.first_notice_until == date(2026, 10, 12)
    assert p.collect_by == date(2026, 10, 19)
    assert p.end_action == "returned" and p.deemed_served_on is None


def test_christmas_eve_deadline_moves_past_christmas():
    p = plan(PROFILES["pl_official_letter"], datetime(2025, 12, 10, 10, 0, tzinfo=CET), WARSAW)
    assert p.collect_by == date(2025, 12, 29)   # 24 Dec holiday, 25–26 holidays, 27–28 weekend


def test_royal_mail_holds_18_calendar_days_without_moving_the_deadline():
    p = plan(PROFILES["uk_signed_for"], datetime(2026, 3, 20, 11, 0, tzinfo=timezone.utc), WARSAW)
    assert p.collect_by == date(2026, 4, 7)
    assert p.repeat_notice_at is None
    assert p.end_action == "returned" and p.deemed_served_on is None
    saturday = plan(PROFILES["uk_signed_for"], datetime(2026, 3, 16, 11, 0, tzinfo=timezone.utc), WARSAW)
    assert saturday.collect_by == date(2026, 4, 3)   # Good Friday: no move for this profile


def test_deutsche_post_counts_working_days():
    p = plan(PROFILES["de_einschreiben"], datetime(2026, 4, 1, 10, 0, tzinfo=CEST), WARSAW)
    # Thu 2, (Good Friday 3 and Easter Monday 6 skipped) 7, 8, 9, 10, 13, 14: the 7th working day.
    assert p.collect_by == date(2026, 4, 14)


def test_steps_become_due_in_order_and_only_when_due():
    p = plan(PROFILES["pl_official_letter"], datetime(2026, 3, 23, 10, 0, tzinfo=CET), WARSAW)
    stage = p.first_stage()
    assert stage == "awaiting_repeat_notice"
    assert due_actions(p, stage, p.repeat_notice_at - timedelta(seconds=1)) == []
    assert due_actions(p, stage, p.repeat_notice_at) == ["repeat_notice"]
    assert due_actions(p, stage, p.end_at) == ["repeat_notice", "reminder", "end"]
    assert due_actions(p, "awaiting_end", p.collect_by_at) == []
    assert due_actions(p, "collected", p.end_at + timedelta(days=30)) == []


def test_collection_deadline_is_the_end_of_the_hold():
    notice = datetime(2026, 3, 23, 10, 0, tzinfo=CET)
    assert collection_deadline(PROFILES["pl_official_letter"], notice, WARSAW) == \
        datetime(2026, 4, 7, 23, 59, 59, tzinfo=CEST)


def test_deadline_in_plain_words():
    assert deadline_sentence("en", date(2026, 4, 7), date(2026, 4, 7)) == (
        "The item can be collected until 07.04.2026. If it is not collected, the letter is deemed served on "
        "07.04.2026, with the same legal effect as if it had been received.")
    assert deadline_sentence("pl", date(2026, 4, 7), None) == "Przesyłkę można odebrać do 07.04.2026."
