"""What a decision changes: the proof, the letter's language, the metrics and the carriers' figures."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.cases import handling
from app.cases.context import CaseSettings
from app.cases.letters import attach_letter
from app.cases.queries import case_counts_by_carrier
from app.extensions import db
from app.models.cases import Case
from app.models.types import utcnow
from tests.proofs.pdftools import pdf_text


def _decide(app, number: str, decision: str, reason: str = "Ustalenia.", at=None) -> None:
    with app.app_context():
        case = handling.case_by_number(db.session, number)
        handling.decide(db.session, case, decision, reason, user_id=None, settings=CaseSettings.from_app(app),
                        now=at or utcnow(), on_decided=attach_letter)


def _proof(api, number: str) -> bytes:
    answer = api.client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key))
    assert answer.status_code == 200
    return answer.data


def test_an_upheld_notice_case_gives_a_new_proof_and_the_old_one_is_superseded(cases, app, api):
    number, token, attempt_id = cases.item_with_notice()
    before = _proof(api, number)
    case_number = cases.file(token, attempt_id=attempt_id).json["case_number"]
    _decide(app, case_number, "upheld", "Skan wykonano w placówce, nie pod adresem.")
    after = _proof(api, number)
    text = pdf_text(after)
    assert case_number in text and "notice was found not to have been left" in text.replace("\n", " ")
    old = api.client.post("/api/v1/proofs/verify", data=before, content_type="application/pdf").json
    new = api.client.post("/api/v1/proofs/verify", data=after, content_type="application/pdf").json
    assert old["verdict"] == "authentic_superseded" and new["verdict"] == "authentic_current"
    assert "case.decided" in [c["kind"] for c in old["changes_since"]]
    item = api.item(number).json
    assert item["notice_finding"]["case_number"] == case_number


def test_a_rejected_case_or_another_kind_does_not_contest_the_notice(cases, app, api):
    number, token, _ = cases.item_with_notice()
    rejected = cases.file(token).json["case_number"]
    pickup = cases.file(token, kind="wrong_pickup_point").json["case_number"]
    _decide(app, rejected, "rejected")
    _decide(app, pickup, "upheld")
    assert api.item(number).json["notice_finding"] is None


def test_the_letter_is_in_the_recipients_language(cases, app):
    _, token, _ = cases.item_with_notice()
    english = cases.file(token, language="en").json["case_number"]
    polish = cases.file(token).json["case_number"]
    _decide(app, english, "partly_upheld", "Partly right.")
    _decide(app, polish, "rejected", "Awizo zostało pozostawione.")
    english_text = pdf_text(cases.case(english).letter_pdf)
    polish_text = pdf_text(cases.case(polish).letter_pdf)
    assert "Answer to your complaint" in english_text and "partly upheld" in english_text
    assert "Odpowiedź na reklamację" in polish_text and "nieuznana" in polish_text


def test_metrics_put_time_to_resolution_next_to_first_response_and_count_past_due(cases, app):
    _, token, _ = cases.item_with_notice()
    numbers = [cases.file(token).json["case_number"] for _ in range(3)]
    with app.app_context():
        for hours, number in zip((10, 30), numbers[:2], strict=True):  # the third stays open
            case = db.session.scalar(sa.select(Case).where(Case.number == number))
            case.first_response_at = case.opened_at + timedelta(hours=1)
            db.session.commit()
            _decide(app, number, "rejected", at=case.opened_at + timedelta(hours=hours))
        late = db.session.scalar(sa.select(Case).where(Case.number == numbers[2]))
        late.due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    staff = cases.staff_client()
    data = staff.get("/staff/cases/metrics", headers={"Accept": "application/json"}).json
    (row,) = data["by_week_and_kind"]
    assert row["kind"] == "no_notice_found" and row["opened"] == 3 and row["decided"] == 2
    assert row["resolution_hours"] == {"median": 10.0, "p90": 30.0}
    assert row["first_response_hours"] == {"median": 1.0, "p90": 1.0}
    assert data["open_past_due"]["count"] == 1 and data["open_past_due"]["cases"][0]["case_number"] == numbers[2]
    page = staff.get("/staff/cases/metrics?lang=en")
    assert "Time to resolution" in page.text and ">1<" in page.text
    queue = staff.get("/staff/cases?overdue=1").text
    assert numbers[2] in queue and numbers[0] not in queue
    assert cases.client.get("/staff/cases/metrics").status_code in (302, 401, 403)


def test_counts_per_carrier_and_day(cases, app, api):
    _, token, attempt_id = cases.item_with_notice()
    open_number = cases.file(token).json["case_number"]
    upheld = cases.file(token, attempt_id=attempt_id).json["case_number"]
    _decide(app, upheld, "upheld")
    with app.app_context():
        attempt_day = db.session.scalar(sa.select(Case).where(Case.number == open_number)).item.attempts[0] \
            .occurred_at.astimezone(ZoneInfo("Europe/Warsaw")).date()
        counts = case_counts_by_carrier(db.session, attempt_day)
        assert counts == {api.carrier_id: {"open": 1, "upheld": 1}}
        assert case_counts_by_carrier(db.session, attempt_day - timedelta(days=1)) == {}
