"""What the proof says in words: its evidential weight, a collection, the statutory basis."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import time_machine

from tests.proofs.pdftools import pdf_text


def _text(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def test_weaknesses_are_stated_in_words(proofs, api):
    registered = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
    with time_machine.travel(registered, tick=False) as clock:
        number = api.register().get_json()["tracking_number"]
        clock.move_to(registered + timedelta(hours=3))  # the scan reaches the server two hours late
        response = api.scan(number, occurred_at=(registered + timedelta(hours=1)).isoformat(), location=None,
                            no_fix=True)
    assert response.status_code == 201, response.get_json()
    text = _text(proofs.pdf(number))
    assert "Evidential weight" in text
    assert "Attempt 1: the scan is not signed by the carrier's device." in text
    assert "Attempt 1: no GPS position at the time of the scan." in text
    assert "Attempt 1: recorded by the server 1" in text and "min after the device's time." in text
    assert "Code of Administrative Procedure (KPA) art. 44" in text


def test_a_collected_item_says_when_and_by_whom_not_deemed_service(proofs, runner):
    number = proofs.item_with_attempt(outcome="notice_left")
    before = _text(proofs.pdf(number))
    assert "if not collected" in before
    result = runner.invoke(args=["lifecycle", "collected", number, "--by", "pełnomocnik Anna Nowak",
                                 "--id-type", "id_card", "--id-last-digits", "4321"])
    assert result.exit_code == 0, result.output
    text = _text(proofs.pdf(number))
    assert "Odebrano / Collected" in text and "pełnomocnik Anna Nowak" in text
    assert "if not collected" not in text
