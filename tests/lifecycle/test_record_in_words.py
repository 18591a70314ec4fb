"""The record page says where the item stands in words; conditions give way to what happened.

Same calendar as test_repeat_notice_evidence: notice on Monday 23 March 2026 in Warsaw, repeat
notice due on 31 March, last day to collect (and the deemed-service day) Tuesday 7 April.
"""
from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.conftest import tracking_number

UTC = timezone.utc
NOTICE = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
REPEAT_DUE = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
LAST_DAY_EVENING = datetime(2026, 4, 7, 19, 0, tzinfo=UTC)   # 21:00 in Warsaw, still 7 April
END_DUE = datetime(2026, 4, 7, 22, 0, tzinfo=UTC)            # midnight in Warsaw: 8 April


@pytest.fixture
def clock():
    with time_machine.travel(NOTICE, tick=False) as traveller:
        yield traveller


def _page(api, url: str, lang: str) -> str:
    text = api.client.get(url.replace("http://awizo.test", "") + f"?lang={lang}").text
    return " ".join(html.unescape(text).split())


def _official_letter(api) -> tuple[str, str]:
    number = tracking_number()
    url = api.register(tracking_number=number, service="pl_official_letter").json["verify_url"]
    assert api.scan(number, occurred_at=NOTICE.isoformat()).status_code == 201
    return number, url


def test_the_page_drops_the_condition_once_the_day_has_passed_and_says_what_happened(api, lc, clock):
    number, url = _official_letter(api)
    page = _page(api, url, "en")
    assert "The item awaits collection." in page
    assert "If it is not collected, the letter is deemed served on 07.04.2026" in page
    assert "(if the item is not collected)" in page

    clock.move_to(REPEAT_DUE + timedelta(hours=3))
    assert api.scan(number, occurred_at=(REPEAT_DUE + timedelta(hours=2)).isoformat()).status_code == 201
    clock.move_to(LAST_DAY_EVENING)
    assert "(if the item is not collected)" in _page(api, url, "en")   # the last day is not over yet

    clock.move_to(END_DUE)          # the day has passed, the sweep has not run yet
    page = _page(api, url, "en")
    assert "if the item is not collected" not in page.lower() and "if it is not collected" not in page.lower()
    assert "The item was not collected by 07.04.2026, the last day to collect it" in page
    assert api.item(number).json["deadlines"]["conditional"] is False

    lc.sweep()
    for lang, said, conditional in (
        ("en", "The letter was deemed served on 07.04.2026, with the same legal effect as if it had been received",
         "if it is not collected"),
        ("pl", "Pismo uznano za doręczone 07.04.2026 — ze skutkiem prawnym takim jak odbiór",
         "jeśli nie zostanie odebrana"),
    ):
        page = _page(api, url, lang)
        assert said in page and conditional not in page.lower()
    assert "(the item was not collected)" in _page(api, url, "en")


def test_a_collected_letter_says_when_it_was_collected_not_what_would_have_happened(api, clock):
    number, url = _official_letter(api)
    clock.move_to(NOTICE + timedelta(days=2))
    collected = api.client.post(f"/api/v1/items/{number}/collection", headers=api.auth(api.device_token),
                                json={"collected_by": "Jan Kowalski", "id_type": "id_card", "id_last_digits": "4321"})
    assert collected.status_code in (200, 201), collected.json
    page = _page(api, url, "en")
    assert "The item was collected on 25.03.2026." in page
    assert "if the item is not collected" not in page.lower() and "deemed served on 07.04.2026" not in page
    assert "does not apply: the item was collected" in page
