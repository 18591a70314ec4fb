"""Dates and times read the CLDR way in each language and in the operator's time zone.

Expected strings are written out by hand from CLDR's patterns (medium date, short or medium time;
Ukrainian puts a narrow no-break space, U+202F, before "р."),
not taken from the code under test."""
from datetime import date, datetime, timezone

import pytest

from app.senders.formatting import local_time
from notices import dates
from notices.proof import format_time

WARSAW = "Europe/Warsaw"
# 01:30 UTC on the night clocks go forward in Warsaw (CET -> CEST at 01:00 UTC): 03:30 local.
SPRING_NIGHT = "2026-03-29T01:30:05Z"


@pytest.mark.parametrize(("lang", "expected"), [
    ("pl", "29 mar 2026, 03:30"),
    ("en", "29 Mar 2026, 03:30"),
    ("uk", "29 бер. 2026\u202fр., 03:30"),
    ("de", "29 mar 2026, 03:30"),  # an unknown language reads as Polish, the source
])
def test_a_moment_in_the_operators_zone(lang, expected):
    assert dates.moment(SPRING_NIGHT, WARSAW, lang) == expected


def test_a_moment_to_the_second_and_in_another_zone():
    assert dates.moment(datetime(2026, 11, 23, 13, 5, 12, tzinfo=timezone.utc), WARSAW, "en", seconds=True) \
        == "23 Nov 2026, 14:05:12"
    assert dates.moment(SPRING_NIGHT, "Europe/Kyiv", "uk") == "29 бер. 2026\u202fр., 04:30"


def test_evidence_times_carry_the_zone_and_utc_in_each_language():
    assert format_time("2026-03-02T09:15:42Z", WARSAW, "pl") == "2 mar 2026, 10:15:42 CET (09:15:42 UTC)"
    assert format_time("2026-07-02T09:15:42Z", WARSAW, "en") == "2 Jul 2026, 11:15:42 CEST (09:15:42 UTC)"
    assert format_time("2026-03-02T09:15:42Z", WARSAW, "uk") == "2 бер. 2026\u202fр., 10:15:42 CET (09:15:42 UTC)"
    assert format_time(None, WARSAW, "pl") == "—"


@pytest.mark.parametrize(("lang", "expected"), [("pl", "7 gru 2026"), ("en", "7 Dec 2026"), ("uk", "7 груд. 2026\u202fр.")])
def test_a_day(lang, expected):
    assert dates.day("2026-12-07", lang) == expected
    assert dates.day(date(2026, 12, 7), lang) == expected
    # 23:30 UTC on 6 December is already 7 December in Warsaw.
    assert dates.day(datetime(2026, 12, 6, 23, 30, tzinfo=timezone.utc), lang, WARSAW) == expected


def test_the_portal_writes_times_in_the_page_language(app):
    with app.test_request_context("/?lang=en"):
        assert local_time(SPRING_NIGHT, WARSAW) == "29 Mar 2026, 03:30"
    with app.test_request_context("/", headers={"Accept-Language": "uk"}):
        assert local_time(SPRING_NIGHT, WARSAW) == "29 бер. 2026\u202fр., 03:30"
    with app.test_request_context("/"):
        assert local_time(SPRING_NIGHT, WARSAW, with_seconds=True) == "29 mar 2026, 03:30:05"
        assert local_time(None, WARSAW) == "—"
