"""The framework-free rules: opening hours per weekday, holidays, nearest open point (known answers)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from notices.pickup_points import HoursError, PointFacts, distance_m, hours_text, is_open, nearest_open, parse_day

WAW = ZoneInfo("Europe/Warsaw")
WEEKDAYS_8_20 = {d: [("08:00", "20:00")] for d in ("mon", "tue", "wed", "thu", "fri")}


def test_hours_are_read_per_day_and_bad_cells_say_what_is_wrong():
    assert parse_day("08:00-12:00 13:00-18:00") == [("08:00", "12:00"), ("13:00", "18:00")]
    assert parse_day("") == [] and parse_day("closed") == []
    for bad, reason in (("8-20", "not a range"), ("20:00-08:00", "ends before"), ("08:00-12:00 11:00-13:00", "overlaps")):
        with pytest.raises(HoursError, match=reason):
            parse_day(bad)


def test_hours_in_words_join_equal_days_in_each_language():
    hours = {**WEEKDAYS_8_20, "sat": [("09:00", "14:00")]}
    assert hours_text(hours, True, "pl") == "Pn–Pt 08:00–20:00; Sb 09:00–14:00; nieczynne w święta"
    assert hours_text(hours, False, "en") == "Mon–Fri 08:00–20:00; Sat 09:00–14:00"


def test_a_point_closed_on_holidays_is_closed_on_independence_day_and_open_the_next_day():
    point = PointFacts("GDA-01", "UP", "ul. Długa", 54.0, 18.0, WEEKDAYS_8_20, holidays_closed=True)
    assert not is_open(point, datetime(2026, 11, 11, 10, 0, tzinfo=WAW))   # Wednesday, a public holiday
    assert is_open(point, datetime(2026, 11, 12, 10, 0, tzinfo=WAW))
    assert not is_open(point, datetime(2026, 11, 12, 20, 0, tzinfo=WAW))   # closing time is exclusive
    assert is_open(PointFacts("X", "UP", "a", 54.0, 18.0, WEEKDAYS_8_20, holidays_closed=False),
                   datetime(2026, 11, 11, 10, 0, tzinfo=WAW))


def test_distance_is_the_great_circle_distance():
    # One degree of latitude along a meridian is 111.195 km on the mean-radius sphere;
    # Warsaw Palace of Culture to Gdańsk Długa street is about 284 km.
    assert distance_m(52.0, 21.0, 53.0, 21.0) == pytest.approx(111_195, abs=1)
    assert distance_m(52.2317, 21.0060, 54.3489, 18.6530) == pytest.approx(284_000, rel=0.01)


def test_the_nearest_open_point_is_proposed_over_a_nearer_closed_one():
    near = PointFacts("NEAR", "Near", "a", 54.3489, 18.6530, WEEKDAYS_8_20, holidays_closed=True)
    far = PointFacts("FAR", "Far", "b", 54.3808, 18.6048, {d: [("07:00", "21:00")] for d in
                                                          ("mon", "tue", "wed", "thu", "fri", "sat")},
                     holidays_closed=False)
    home = (54.3500, 18.6520)
    assert nearest_open([near, far], *home, datetime(2026, 11, 12, 10, 0, tzinfo=WAW))[0].code == "NEAR"
    assert nearest_open([near, far], *home, datetime(2026, 11, 11, 10, 0, tzinfo=WAW))[0].code == "FAR"
    assert nearest_open([near, far], *home, datetime(2026, 11, 14, 10, 0, tzinfo=WAW))[0].code == "FAR"  # Saturday
    inactive = PointFacts("NEAR", "Near", "a", 54.3489, 18.6530, WEEKDAYS_8_20, active=False)
    assert nearest_open([inactive], *home, datetime(2026, 11, 12, 10, 0, tzinfo=WAW)) is None
