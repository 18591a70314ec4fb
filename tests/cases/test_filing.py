"""Filing a case from the record link: the JSON contract, the number, the history, who is told."""
from __future__ import annotations

import io
import re
import zipfile

import sqlalchemy as sa

from app.accounts import service as accounts
from app.extensions import db
from app.models import Sender
from notices import case_numbers
from tests.cases.conftest import PASSWORD, csrf_from


def test_a_case_filed_as_json_gets_a_number_a_link_and_a_due_date(cases, client):
    _, token, attempt_id = cases.item_with_notice()
    answer = cases.file(token, attempt_id=attempt_id)
    assert answer.status_code == 201, answer.text
    body = answer.json
    assert set(body) == {"case_number", "case_url", "status", "due_at"}
    assert re.fullmatch(r"RK-\d{4}-\d{6}-\d", body["case_number"])
    assert case_numbers.normalise(body["case_number"]) == body["case_number"]
    assert body["status"] == "open" and body["due_at"].endswith("Z")
    assert body["case_url"].startswith("http://awizo.test/c/")

    page = client.get(body["case_url"].replace("http://awizo.test", ""), headers={"Accept": "application/json"})
    assert page.status_code == 200
    case = page.json
    assert case["case_number"] == body["case_number"] and case["status"] == "open"
    assert [e["kind"] for e in case["history"]] == ["opened"]
    assert case["history"][0]["body"] == "Nie było żadnego awizo w skrzynce."
    attempt = case["evidence"]["attempts"][0]
    assert attempt["attempt_id"] == attempt_id
    assert attempt["location"] == {"lat": 52.2297, "lon": 21.0122} and attempt["accuracy_m"] == 8.5
    assert attempt["log"]["log_index"] >= 0
    assert {m["purpose"] for m in case["evidence"]["alerts"]} == {"notice_left"}


def test_bad_input_is_a_422_problem_naming_each_field(cases):
    _, token, _ = cases.item_with_notice()
    answer = cases.client.post(f"/v/{token}/cases", json={"kind": "angry", "message": " ",
                                                          "contact": {"email": "not-an-address"}})
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert {e["field"] for e in answer.json["errors"]} == {"kind", "message", "contact.email"}
    both = cases.file(token, contact={"email": "a@example.com", "phone": "+48601234567"})
    assert both.status_code == 422 and [e["field"] for e in both.json["errors"]] == ["contact"]
    other_item = cases.item_with_notice()[2]
    wrong_attempt = cases.file(token, attempt_id=other_item)
    assert wrong_attempt.status_code == 422 and wrong_attempt.json["errors"][0]["field"] == "attempt_id"
    unknown = cases.client.post("/v/no-such-token/cases", json={})
    assert unknown.status_code == 404


def test_filing_is_rate_limited_per_record(cases, app):
    app.config["CASE_RATE_LIMIT_PER_RECORD"] = "2 per hour"
    _, token, _ = cases.item_with_notice()
    _, other, _ = cases.item_with_notice()
    assert [cases.file(token).status_code for _ in range(2)] == [201, 201]
    limited = cases.file(token)
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"
    assert cases.file(other).status_code == 201  # another record is not affected


def test_filing_is_rate_limited_per_client(cases, app):
    app.config["CASE_RATE_LIMIT_PER_CLIENT"] = "2 per hour"
    tokens = [cases.item_with_notice()[1] for _ in range(3)]
    assert [cases.file(t).status_code for t in tokens] == [201, 201, 429]


def test_the_form_needs_its_csrf_token_and_json_does_not(cases, client):
    _, token, _ = cases.item_with_notice()
    no_token = client.post(f"/v/{token}/cases", data={"kind": "was_home", "message": "x", "contact": "a@example.com"})
    assert no_token.status_code == 400
    page = client.get(f"/v/{token}/cases/new")
    filed = client.post(f"/v/{token}/cases", data={
        "csrf_token": csrf_from(page.text), "kind": "was_home", "message": "Byłem w domu cały dzień.",
        "contact_channel": "email", "contact": "jan@example.com"})
    assert filed.status_code == 303 and "/c/" in filed.headers["Location"]
    shown = client.get(filed.headers["Location"])
    assert re.search(r"RK-\d{4}-\d{6}-\d", shown.text)


def test_the_contact_gets_one_confirmation_with_the_number_then_updates(cases):
    _, token, _ = cases.item_with_notice()
    filed = cases.file(token, contact={"email": "Jan@Example.com"}).json
    confirmations = cases.messages("confirm_email")
    assert len(confirmations) == 1 and confirmations[0].recipient == "jan@example.com"
    assert filed["case_number"] in confirmations[0].subject and filed["case_url"] in confirmations[0].body
    assert cases.messages("case_update") == []  # nothing else before the address is confirmed
    cases.confirm_email("jan@example.com")
    assert cases.case(filed["case_number"]).contact_confirmed_at is not None


def test_a_phone_contact_is_confirmed_by_the_code_in_the_first_sms(cases, client):
    _, token, _ = cases.item_with_notice()
    filed = cases.file(token, contact={"phone": "601 234 567"}).json
    (sms,) = [m for m in cases.messages("confirm_sms") if m.recipient == "+48601234567" and "RK-" in m.body]
    assert filed["case_number"] in sms.body
    code = re.search(r"(?:Kod|Code) (\d{6})", sms.body).group(1)
    path = filed["case_url"].replace("http://awizo.test", "")
    page = client.get(path)
    wrong = client.post(f"{path}/confirm", data={"csrf_token": csrf_from(page.text), "code": "000000"})
    assert wrong.status_code == 422
    right = client.post(f"{path}/confirm", data={"csrf_token": csrf_from(page.text), "code": code})
    assert right.status_code == 303
    assert cases.case(filed["case_number"]).contact_confirmed_at is not None


def test_the_sender_is_told_at_once_and_sees_the_case_on_the_item(cases, api):
    number, token, _ = cases.item_with_notice()
    filed = cases.file(token).json
    (mail,) = cases.messages("case_opened")
    assert mail.recipient == "admin@sender.example.com" and filed["case_number"] in mail.subject
    item = api.item(number).json
    assert item["cases"] == [{"case_number": filed["case_number"], "status": "open", "kind": "no_notice_found",
                              "decision": None, "due_at": filed["due_at"]}]
    assert [e["kind"] for e in item["events"]][-1] == "case.opened"
    public = cases.client.get(f"/v/{token}", headers={"Accept": "application/json"}).json
    assert "cases" not in public and public["notice_finding"] is None
    assert {n["purpose"] for n in public["notifications"]} == {"notice_left"}  # the case's messages stay with the case


def test_alerts_carry_a_complaint_link_and_the_alerts_page_leads_to_the_form(cases, client):
    number, token, _ = cases.item_with_notice()
    (mail,) = cases.messages("notice_left", channel="email")
    assert f"/v/{token}/cases/new?from=alert" in mail.body
    assert 'href="/cases/find' in client.get("/alerts/").text
    page = client.get("/cases/find")
    unknown = client.post("/cases/find", data={"csrf_token": csrf_from(page.text), "link": "http://x/v/nope"})
    assert unknown.status_code == 422
    found = client.post("/cases/find", data={"csrf_token": csrf_from(page.text), "link": f"http://awizo.test/v/{token}"})
    assert found.status_code == 303 and f"/v/{token}/cases/new" in found.headers["Location"]
    form = client.get(found.headers["Location"])
    assert 'name="from" value="alerts_page"' in form.text and number in form.text


def test_the_sender_downloads_the_evidence_bundle_of_its_own_case_only(cases, app, api):
    _, token, _ = cases.item_with_notice()
    number = cases.file(token).json["case_number"]
    sender = app.test_client()
    page = sender.get("/login")
    sender.post("/login", data={"email": "admin@sender.example.com", "password": PASSWORD,
                                "csrf_token": csrf_from(page.text)})
    answer = sender.get(f"/portal/cases/{number}/bundle.zip")
    assert answer.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(answer.data)).namelist()
    assert f"{number}.json" in names and "log-inclusion-proofs.json" in names
    assert any(n.startswith("proof-") and n.endswith(".pdf") for n in names)
    recipient = cases.client.get(f"/c/{cases.case_token(number)}/bundle.zip")
    assert recipient.status_code == 200
    api.new_sender("Inny Nadawca")
    with app.app_context():
        other = db.session.scalar(sa.select(Sender).where(Sender.name == "Inny Nadawca"))
        accounts.create_user(db.session, "admin@other.example.com", "sender_admin", other, password=PASSWORD)
    stranger = app.test_client()
    page = stranger.get("/login")
    stranger.post("/login", data={"email": "admin@other.example.com", "password": PASSWORD,
                                  "csrf_token": csrf_from(page.text)})
    assert stranger.get(f"/portal/cases/{number}/bundle.zip").status_code == 404


def test_a_sender_with_a_contact_address_is_told_there_instead_of_its_admins(cases, api):
    assert api.client.patch("/api/v1/sender", json={"contact_email": "biuro@sad.example.com"},
                            headers=api.auth(api.sender_key)).status_code == 200
    _, token, _ = cases.item_with_notice()
    filed = cases.file(token).json
    (mail,) = cases.messages("case_opened")
    assert mail.recipient == "biuro@sad.example.com" and filed["case_number"] in mail.subject
