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


def test_the_register_ranks_as_a_full_sort_by_distance_would_with_ties_by_code():
    """Reading outwards from the place's latitude gives the order of sorting every point by its
    haversine distance (``distance_m``, checked above against known distances), then by code."""
    import random

    from notices.pickup_points import Register

    rnd = random.Random(20261205)
    places = [(rnd.uniform(-80, 80), rnd.uniform(-179, 179)) for _ in range(300)]
    places += places[:40]  # points at the very same place: equal distances, ranked by code
    places += [(54.35, 18.65), (54.35, 18.65), (-54.35, -18.65), (0.0, 179.9), (0.0, -179.9)]
    points = [PointFacts(f"P{i:04d}", "UP", "a", lat, lon) for i, (lat, lon) in enumerate(places)]
    points.append(PointFacts("NOWHERE", "UP", "a", None, None))            # no position: never ranked
    points.append(PointFacts("SHUT", "UP", "a", 54.35, 18.65, active=False))  # out of service: never ranked
    register = Register(points)
    assert len(register) == len(places)
    for lat, lon in [(54.35, 18.65), (0.0, 180.0), (-90.0, 0.0), (90.0, 10.0), *places[:20],
                     *((rnd.uniform(-90, 90), rnd.uniform(-180, 180)) for _ in range(30))]:
        expected = sorted((distance_m(lat, lon, p.latitude, p.longitude), p.code)
                          for p in points if p.active and p.latitude is not None)
        assert [(d, p.code) for d, p in register.by_distance(lat, lon)] == expected
    assert Register([]).nearest_open(54.0, 18.0, datetime(2026, 11, 12, 10, 0, tzinfo=WAW)) is None


def test_the_register_reads_only_the_points_near_the_place_for_the_nearest():
    """A national register of thousands: the nearest open point is found among the few nearest."""
    from notices.pickup_points import Register

    class Counted(PointFacts):
        read = 0

        def __getattribute__(self, name):
            if name == "longitude":
                Counted.read += 1
            return super().__getattribute__(name)

    grid = [Counted(f"G{i:03d}-{j:03d}", "UP", "a", 49.0 + i * 0.05, 14.0 + j * 0.1, WEEKDAYS_8_20)
            for i in range(100) for j in range(100)]  # 10,000 points over Poland's span
    register = Register(grid)
    Counted.read = 0
    found, distance = register.nearest_open(52.2301, 21.0102, datetime(2026, 11, 12, 10, 0, tzinfo=WAW))
    nearest = 49.0 + 65 * 0.05, 14.0 + 70 * 0.1  # 52.25 N 21.0 E, 2.3 km away
    assert (found.code, distance) == ("G065-070", distance_m(52.2301, 21.0102, *nearest))
    assert Counted.read < 500  # a full ranking reads all 10,000
    # Closed everywhere (Thursday evening: each opened that day; Sunday: none opens at all): the
    # nearest is proposed without reading the register through to prove that none is open.
    for closed in (datetime(2026, 11, 12, 21, 0, tzinfo=WAW), datetime(2026, 11, 15, 10, 0, tzinfo=WAW)):
        Counted.read = 0
        assert register.nearest_open(52.2301, 21.0102, closed)[0].code == "G065-070"
        assert Counted.read < 500
    # One point far away keeps longer hours: in the evening it is the one open, however far.
    late = PointFacts("LATE", "UP", "a", 54.35, 18.65, {"thu": [("08:00", "23:00")]})
    assert Register([*grid, late]).nearest_open(52.2301, 21.0102, datetime(2026, 11, 12, 21, 0, tzinfo=WAW))[0] == late


def test_a_point_whose_hours_were_edited_by_hand_into_nulls_is_closed_that_day_and_the_rest_still_rank():
    from notices.pickup_points import Register

    odd = PointFacts("ODD", "UP", "a", 54.3500, 18.6520, {"mon": None, "tue": [["08:00", "20:00"]]})
    near = PointFacts("NEAR", "UP", "a", 54.3600, 18.6520, WEEKDAYS_8_20)
    register = Register([odd, near])
    monday, tuesday = datetime(2026, 11, 16, 10, 0, tzinfo=WAW), datetime(2026, 11, 17, 10, 0, tzinfo=WAW)
    assert register.nearest_open(54.35, 18.652, monday)[0].code == "NEAR"
    assert register.nearest_open(54.35, 18.652, tuesday)[0].code == "ODD"
