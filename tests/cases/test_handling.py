"""The operator's side: queue, notes, the carrier's statement, the decision, and who hears of it."""
from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.cases import handling
from app.cases.context import CaseSettings
from app.cases.escalation import escalate_due_cases
from app.extensions import db
from app.models.cases import Case
from app.models.types import utcnow
from tests.cases.conftest import csrf_from


def _act(client, number: str, action: str, **data):
    page = client.get(f"/staff/cases/{number}")
    assert page.status_code == 200
    return client.post(f"/staff/cases/{number}/{action}", data={"csrf_token": csrf_from(page.text), **data})


def test_the_whole_loop_in_the_staff_console_tells_both_sides_through_the_outbox(cases, api):
    number, token, attempt_id = cases.item_with_notice()
    hook = api.client.post("/api/v1/webhooks", json={"url": "https://sender.example.com/hook",
                                                     "event_types": ["case.opened", "case.updated", "case.decided"]},
                           headers=api.auth(api.sender_key))
    assert hook.status_code == 201, hook.text
    filed = cases.file(token, attempt_id=attempt_id).json
    case_number = filed["case_number"]
    cases.confirm_email("jan@example.com")
    staff = cases.staff_client()

    queue = staff.get("/staff/cases")
    assert case_number in queue.text
    assert _act(staff, case_number, "assign").status_code == 302
    assert _act(staff, case_number, "note", body="Sprawdzamy nagranie GPS.", visible="").status_code == 302
    assert _act(staff, case_number, "note", body="Poprosiliśmy listonosza o wyjaśnienia.", visible="1").status_code == 302
    assert _act(staff, case_number, "ask", question="Czy zostawiłaś awizo w skrzynce 4?").status_code == 302

    # The carrier sees the question on the handheld and answers; the answer joins the history.
    tasks = api.client.get("/api/v1/statements", headers=api.auth(api.device_token)).json["statements"]
    assert [(t["case_number"], t["tracking_number"]) for t in tasks] == [(case_number, number)]
    answered = api.client.post(f"/api/v1/statements/{tasks[0]['id']}", json={"answer": "Skrzynka była zamknięta."},
                               headers=api.auth(api.device_token))
    assert answered.status_code == 201
    assert api.client.get("/api/v1/statements", headers=api.auth(api.device_token)).json["statements"] == []

    decided = _act(staff, case_number, "decide", decision="upheld", reason="Skan 2 km od adresu.")
    assert decided.status_code == 302

    page = cases.client.get(filed["case_url"].replace("http://awizo.test", ""), headers={"Accept": "application/json"})
    case = page.json
    assert case["status"] == "decided" and case["decision"] == "upheld" and case["notice_found_not_left"] is True
    kinds = [(e["kind"], (e.get("data") or {}).get("to")) for e in case["history"]]
    assert kinds == [("opened", None), ("contact_confirmed", None), ("status", "in_progress"), ("note", None),
                     ("status", "awaiting_carrier"), ("carrier_statement", None), ("status", "in_progress"),
                     ("status", "decided")]
    assert "Sprawdzamy nagranie GPS." not in page.text  # the internal note stays internal
    assert case["letter_available"] is True

    # Every status change and the visible note reached the recipient's confirmed e-mail.
    updates = cases.messages("case_update")
    assert len(updates) == 5 and {m.recipient for m in updates} == {"jan@example.com"}
    assert all(case_number in m.subject and filed["case_url"] in m.body for m in updates)
    assert "Skan 2 km od adresu." in updates[-1].body
    # The sender: signed webhook events for each change, and an e-mail for each.
    hooks = [json.loads(m.body)["type"] for m in cases.messages(channel="webhook")]
    assert hooks == ["case.opened", "case.updated", "case.updated", "case.updated", "case.decided"]
    assert len(cases.messages("case_updated")) == 3 and len(cases.messages("case_decided")) == 1

    # The item says plainly that the notice was found not to have been left.
    record = cases.client.get(f"/v/{token}", headers={"Accept": "application/json"}).json
    assert record["notice_finding"]["case_number"] == case_number
    assert api.item(number).json["cases"][0]["status"] == "decided"
    page = cases.client.get(f"/v/{token}?lang=en")
    assert "the notice was found not to have been left" in page.text.lower()


def test_a_decided_case_cannot_be_decided_again_and_decisions_are_checked(cases, app):
    _, token, _ = cases.item_with_notice()
    number = cases.file(token).json["case_number"]
    with app.app_context():
        case = handling.case_by_number(db.session, number.replace("-", " "))
        settings = CaseSettings.from_app(app)
        try:
            handling.decide(db.session, case, "maybe", "x", user_id=None, settings=settings, now=utcnow())
            raise AssertionError("an unknown decision was accepted")
        except Exception as exc:
            assert exc.errors[0].field == "decision"
        handling.decide(db.session, case, "rejected", "Awizo widoczne na zdjęciu.", user_id=None, settings=settings,
                        now=utcnow())
        try:
            handling.decide(db.session, case, "upheld", "x", user_id=None, settings=settings, now=utcnow())
            raise AssertionError("decided twice")
        except Exception as exc:
            assert exc.status == 409


def test_cli_lists_and_decides_with_a_signed_letter(cases, runner):
    _, token, _ = cases.item_with_notice(recipient={
        "name": "John Smith", "address": {"line1": "ul. Polna 1", "postal_code": "00-950", "city": "Warszawa",
                                          "country": "PL"}, "email": "john@example.com", "language": "en"})
    filed = cases.file(token, language="en").json
    listed = runner.invoke(args=["cases", "list"])
    assert listed.exit_code == 0 and filed["case_number"] in listed.output
    bad = runner.invoke(args=["cases", "decide", "RK-2026-000001-0", "upheld", "--reason", "x"])
    assert bad.exit_code != 0 and "No case" in bad.output
    done = runner.invoke(args=["cases", "decide", filed["case_number"], "partly_upheld", "--reason", "Partly."])
    assert done.exit_code == 0, done.output
    case = cases.case(filed["case_number"])
    assert case.decision == "partly_upheld" and case.letter_pdf.startswith(b"%PDF")
    assert b"/ByteRange" in case.letter_pdf  # signed
    letter = cases.client.get(filed["case_url"].replace("http://awizo.test", "") + "/letter.pdf")
    assert letter.status_code == 200 and letter.data == case.letter_pdf


def test_a_case_past_its_due_date_is_escalated_once_with_a_new_date(cases, app):
    _, token, _ = cases.item_with_notice()
    number = cases.file(token, contact={"email": "jan@example.com"}).json["case_number"]
    cases.confirm_email("jan@example.com")
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.number == number))
        old_due = case.due_at
        later = old_due + timedelta(minutes=1)
        settings = CaseSettings.from_app(app)
        assert escalate_due_cases(db.session, settings, now=later) == [number]
        assert escalate_due_cases(db.session, settings, now=later) == []
        case = db.session.scalar(sa.select(Case).where(Case.number == number))
        assert case.status == "escalated" and old_due < case.due_at <= case.statutory_due_at
        new_due = case.due_at
    (told,) = cases.messages("case_update")
    due = new_due.astimezone(ZoneInfo("Europe/Warsaw"))
    months = ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"]  # CLDR pl_PL, abbreviated
    assert f"Odpowiedź otrzymasz do {due.day} {months[due.month - 1]} {due.year}." in told.body
    assert number in told.subject


def test_the_queue_is_ordered_by_due_date_and_filters_by_kind_and_owner(cases, app):
    _, token, _ = cases.item_with_notice()
    first = cases.file(token).json["case_number"]
    second = cases.file(token, kind="wrong_pickup_point").json["case_number"]
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.number == second))
        case.due_at = case.due_at - timedelta(days=2)  # due sooner: first in the queue
        db.session.commit()
    staff = cases.staff_client()
    queue = staff.get("/staff/cases").text
    assert queue.index(second) < queue.index(first)
    only_pickup = staff.get("/staff/cases?kind=wrong_pickup_point").text
    assert second in only_pickup and first not in only_pickup
    _act(staff, first, "assign")
    mine = staff.get("/staff/cases?mine=1").text
    assert first in mine and second not in mine
    # A filter value the queue does not know is named next to its field, and the rest still applies.
    bad = staff.get("/staff/cases?kind=lost_in_space&mine=1&lang=en")
    assert bad.status_code == 422
    assert 'id="kind-error"' in bad.text and "Choose one of the options." in bad.text
    assert first in bad.text and second not in bad.text
    assert cases.client.get("/staff/cases").status_code == 302  # not signed in
