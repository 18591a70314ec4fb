"""The time a carrier claims for an attempt against the time the system saw it."""
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from notices import check_texts
from notices.checks import Rules, evaluate
from tests.checks.test_attempt_checks import by_code, public_record, register
from tests.checks.test_rules import T0, facts
from tests.proofs.pdftools import pdf_text

REGISTERED = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)     # Monday 09:00 in Warsaw
CLAIMED = REGISTERED + timedelta(hours=2)                            # 11:00 in Warsaw
SENT = CLAIMED + timedelta(days=3)                                   # Thursday 11:00


def test_late_record_is_raised_beyond_the_tolerance_with_the_delay():
    rules = Rules(late_record_tolerance_s=3600)
    assert evaluate(facts(recorded_at=T0 + timedelta(minutes=59)), rules) == []
    [late] = evaluate(facts(recorded_at=T0 + timedelta(days=3, hours=1)), rules)
    assert late.code == "late_record" and late.figures["delay_s"] == 3 * 86400 + 3600
    assert check_texts.text(late.as_dict(), "en") == (
        "The attempt reached the system 3 d 1 h after the time the carrier gave (tolerance 1 h).")
    assert check_texts.text(late.as_dict(), "pl") == (
        "Próbę zapisano w systemie 3 dni 1 godz. po czasie podanym przez doręczyciela (tolerancja 1 godz.).")


@pytest.fixture
def clock():
    with time_machine.travel(REGISTERED, tick=False) as traveller:
        yield traveller


def test_a_scan_sent_three_days_late_is_flagged_and_the_dates_show_both_times(api, clock):
    number, token = register(api)
    clock.move_to(SENT)
    assert api.scan(number, occurred_at=CLAIMED.isoformat()).status_code == 201

    [attempt] = public_record(api, token)["attempts"]
    late = by_code(attempt)["late_record"]
    assert late["delay_s"] == 3 * 86400 and late["tolerance_s"] == 3600
    assert late["text"].startswith("The attempt reached the system 3 d after the time the carrier gave")

    deadlines = api.item(number).json["deadlines"]
    assert deadlines["notice_at"] == "2026-11-23T10:00:00Z"
    assert deadlines["notice_recorded_at"] == "2026-11-26T10:00:00Z"
    assert "23.11.2026 11:00" in deadlines["text"]["en"] and "26.11.2026 11:00" in deadlines["text"]["en"]
    assert "dopiero 26.11.2026 11:00" in deadlines["text"]["pl"]

    proof = api.client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key))
    text = " ".join(pdf_text(proof.data).split())
    assert "reached the system only on 26.11.2026 11:00" in text


def test_the_tolerance_for_offline_handhelds_is_configurable(app, api, clock):
    app.config["CHECK_LATE_RECORD_TOLERANCE_SECONDS"] = 4 * 86400
    number, token = register(api)
    clock.move_to(SENT)
    assert api.scan(number, occurred_at=CLAIMED.isoformat()).status_code == 201
    [attempt] = public_record(api, token)["attempts"]
    assert "late_record" not in by_code(attempt)
    assert "reached the system" not in api.item(number).json["deadlines"]["text"]["en"]


def test_an_attempt_claimed_before_the_item_was_registered_is_refused(api, clock):
    number, _ = register(api)
    clock.move_to(SENT)
    response = api.scan(number, occurred_at=(REGISTERED - timedelta(minutes=6)).isoformat())
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    [error] = response.json["errors"]
    assert error["field"] == "occurred_at" and "before the item was registered" in error["message"]
    assert api.item(number).json["attempts"] == []
    ahead = api.scan(number, occurred_at=(SENT + timedelta(minutes=30)).isoformat())
    assert ahead.status_code == 422 and ahead.json["errors"][0]["field"] == "occurred_at"
