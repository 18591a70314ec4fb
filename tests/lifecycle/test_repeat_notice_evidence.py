"""The repeat notice is an attempt a carrier records; deemed service rests on it.

Notice on Monday 23 March 2026 in Warsaw (see test_lifecycle_flow): the repeat notice falls due
on Tuesday 31 March at 08:00 CEST and counts until the end of the next working day, Wednesday
1 April; collection runs to Tuesday 7 April, when service would be deemed made.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine

from app.accounts import service as accounts
from app.extensions import db
from app.models import Sender
from notices import lifecycle as rules
from notices.profiles import PROFILES
from tests.conftest import tracking_number
from tests.portal.conftest import login
from tests.proofs.pdftools import pdf_text

UTC = timezone.utc
NOTICE = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
REPEAT_DUE = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
END_DUE = datetime(2026, 4, 7, 22, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PASSWORD_HASH_CHEAP": True}


@pytest.fixture
def clock():
    with time_machine.travel(NOTICE, tick=False) as traveller:
        yield traveller


def _letter(api) -> str:
    number = tracking_number()
    assert api.register(tracking_number=number, service="pl_official_letter").status_code == 201
    assert api.scan(number, occurred_at=NOTICE.isoformat()).status_code == 201
    return number


def _tasks(api) -> list[str]:
    tasks = api.client.get("/api/v1/tasks", headers=api.auth(api.device_token)).json["tasks"]
    return [t["tracking_number"] for t in tasks]


def test_the_window_is_computed_from_the_profile():
    opens, closes = rules.repeat_notice_window(PROFILES["pl_official_letter"], REPEAT_DUE, "Europe/Warsaw")
    assert opens == datetime(2026, 3, 30, 22, 0, tzinfo=UTC)                  # Tuesday 00:00 CEST
    assert closes == datetime(2026, 4, 1, 21, 59, 59, tzinfo=UTC)             # Wednesday 23:59:59 CEST
    problem = rules.repeat_notice_problem
    profile = PROFILES["pl_official_letter"]
    assert problem(profile, REPEAT_DUE, None, "Europe/Warsaw") == "missing"
    assert problem(profile, REPEAT_DUE, closes, "Europe/Warsaw") is None
    assert problem(profile, REPEAT_DUE, closes + timedelta(seconds=1), "Europe/Warsaw") == "late"
    assert problem(PROFILES["pl_registered_letter"], None, None, "Europe/Warsaw") is None


def test_alerts_say_due_before_and_left_with_the_time_after_the_carrier_records_it(api, lc, clock):
    letter = _letter(api)
    clock.move_to(REPEAT_DUE)
    assert lc.sweep().actions == {"repeat_notice_due": 1}
    due = lc.messages(letter, "repeat_notice")
    sms = next(m.body for m in due if m.channel == "sms")
    email = next(m.body for m in due if m.channel == "email")
    assert sms.startswith("Awizo: powtórne awizo należne. ")
    assert "zostaje" not in email and "Przypada termin pozostawienia powtórnego awizo" in email
    assert lc.messages(letter, "repeat_notice_left") == []
    assert letter in _tasks(api)

    clock.move_to(REPEAT_DUE + timedelta(hours=3))
    assert api.scan(letter, occurred_at=(REPEAT_DUE + timedelta(hours=2)).isoformat()).status_code == 201
    left = lc.messages(letter, "repeat_notice_left")
    assert {m.channel for m in left} == {"sms", "email"}
    # 08:00 UTC is 10:00 in Warsaw
    assert next(m.body for m in left if m.channel == "sms").startswith("Awizo: powtórne awizo 31.03 10:00. ")
    assert "pozostawione pod Twoim adresem 31 mar 2026, 10:00" in next(m.body for m in left if m.channel == "email")
    assert letter not in _tasks(api)
    record = api.item(letter).json
    assert record["deadlines"]["repeat_notice_left_at"] == "2026-03-31T08:00:00Z"
    assert record["deadlines"]["deemed_service"] == "pending"

    clock.move_to(END_DUE)
    assert lc.sweep().actions == {"collection_reminder_skipped": 1, "deemed_served": 1}
    assert lc.status(letter) == "deemed_served"
    assert api.item(letter).json["deadlines"]["deemed_service"] == "established"
    told = lc.messages(letter, "deemed_served")   # the recipient hears it too, by SMS and e-mail
    assert {m.channel for m in told} == {"sms", "email"}
    assert "nieodebrane w Placówka pocztowa Warszawa 1 do 07.04.2026 uznaje się za doręczone 07.04.2026" in next(m.body for m in told if m.channel == "sms")
    assert "art. 44 KPA" in next(m.body for m in told if m.channel == "email")


def test_a_second_notice_in_the_first_week_is_not_the_repeat_notice(api, lc, clock):
    letter = _letter(api)
    clock.move_to(NOTICE + timedelta(days=2))
    assert api.scan(letter, occurred_at=(NOTICE + timedelta(days=2)).isoformat()).status_code == 201
    assert lc.messages(letter, "repeat_notice_left") == []
    clock.move_to(END_DUE + timedelta(hours=1))
    lc.sweep()
    assert lc.status(letter) == "deemed_service_not_established"


@pytest.fixture
def sender_admin(app, api):
    with app.app_context():
        sender = db.session.scalar(sa.select(Sender).where(Sender.id == api.sender_id))
        accounts.create_user(db.session, "sekretariat@sad.example", "sender_admin", sender, password=PASSWORD)
        accounts.create_user(db.session, "staff@operator.example.com", "staff", None, password=PASSWORD)


def test_a_repeat_notice_never_left_is_not_deemed_service_and_everyone_is_told(api, lc, clock, sender_admin, app):
    hook = api.client.post("/api/v1/webhooks", json={"url": "https://court.example/hooks"},
                           headers=api.auth(api.sender_key))
    assert hook.status_code == 201, hook.json
    never = _letter(api)
    late = _letter(api)
    clock.move_to(REPEAT_DUE)
    assert lc.sweep().actions == {"repeat_notice_due": 2}
    assert set(_tasks(api)) == {never, late}

    clock.move_to(datetime(2026, 4, 3, 9, 0, tzinfo=UTC))                   # Friday: two days after the window
    assert api.scan(late, occurred_at=datetime(2026, 4, 3, 8, 0, tzinfo=UTC).isoformat()).status_code == 201
    assert _tasks(api) == [never]

    clock.move_to(END_DUE)
    assert lc.sweep().actions == {"collection_reminder_skipped": 2, "deemed_service_not_established": 2}
    assert _tasks(api) == []                                                 # the returned letter leaves the list
    assert lc.tasks(never) == [("repeat_notice", "cancelled")]
    for number, reason in ((never, "missing"), (late, "late")):
        assert lc.status(number) == "deemed_service_not_established"
        record = api.item(number).json
        assert record["status"] == "deemed_service_not_established"
        assert record["deadlines"]["deemed_service"] == "not_established"
        assert "NOT deemed made" in record["deadlines"]["text"]["en"]
        assert "NIE uznaje się" in record["deadlines"]["text"]["pl"]
        event = next(e for e in record["events"] if e["kind"] == "deemed_service_not_established")
        assert event["data"]["repeat_notice"] == reason
        assert "deemed_served" not in lc.events(number)

        mail = lc.messages(number, "sender_deemed_service_not_established")
        assert [m.recipient for m in mail] == ["sekretariat@sad.example"]
        assert "service cannot be deemed made" in mail[0].body or "doręczenia nie można uznać" in mail[0].body

        proof = api.client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key))
        assert proof.status_code == 200
        text = " ".join(pdf_text(proof.data).split())
        assert "NOT — no repeat notice left in time" in text

    log = api.client.get(f"/api/v1/webhooks/{hook.json['id']}/deliveries?limit=100",
                         headers=api.auth(api.sender_key)).json["deliveries"]
    assert [d["event_type"] for d in log].count("item.deemed_service_not_established") == 2
    assert "item.deemed_served" not in [d["event_type"] for d in log]

    staff = app.test_client()
    login(staff, "staff@operator.example.com", PASSWORD)
    page = staff.get("/staff/deemed-service?lang=en")
    assert page.status_code == 200
    assert never in page.text and late in page.text
    assert "never recorded" in page.text and "left too late" in page.text
    assert api.client.get("/staff/deemed-service").status_code in (302, 401, 403)  # not for the public


def test_a_returned_registered_letter_leaves_the_carriers_list(api, lc, clock):
    number = tracking_number()
    assert api.register(tracking_number=number, service="pl_registered_letter").status_code == 201
    assert api.scan(number, occurred_at=NOTICE.isoformat()).status_code == 201
    clock.move_to(REPEAT_DUE)
    lc.sweep()
    assert _tasks(api) == [number]
    clock.move_to(END_DUE)
    lc.sweep()
    assert lc.status(number) == "returned"
    assert _tasks(api) == []


def test_the_proof_and_the_record_show_the_repeat_notice_with_its_own_time_and_place(api, lc, clock):
    letter = _letter(api)
    clock.move_to(REPEAT_DUE + timedelta(hours=3))
    left_at = REPEAT_DUE + timedelta(hours=2)  # 10:00 CEST on Tuesday 31 March
    assert api.scan(letter, occurred_at=left_at.isoformat(),
                    location={"lat": 52.1111, "lon": 21.2222, "accuracy_m": 4}).status_code == 201

    attempts = api.item(letter).json["attempts"]
    assert [a["repeat_notice"] for a in attempts] == [False, True]
    assert attempts[1]["repeat_notice_late"] is False

    proof = api.client.get(f"/api/v1/items/{letter}/proof.pdf", headers=api.auth(api.sender_key))
    text = " ".join(pdf_text(proof.data).split())
    assert "Powtórne awizo / Repeat notice 31 mar 2026, 10:00:00 CEST (08:00:00 UTC) — próba 2 / attempt 2" in text
    second = text.split("Próba 2 / Attempt 2 — powtórne awizo / repeat notice")[1]
    assert "31 mar 2026, 10:00:00 CEST" in second and "52.111100, 21.222200 (± 4 m)" in second
    assert "52.229700" not in second.split("Próba")[0]  # the first notice's place stays with the first attempt

    page = api.client.get(api.item(letter).json["verify_url"].replace("http://awizo.test", ""))
    html = page.get_data(as_text=True)
    assert html.count('class="repeat-notice"') == 1 and "52.111100" in html
