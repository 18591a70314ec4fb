"""Everyone sees the dates: the record page, the proof, the paper notice and the alerts."""
import io
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
import time_machine
from pypdf import PdfReader

from app.extensions import db
from app.models import OutboxMessage
from tests.conftest import tracking_number

NOTICE_AT = "2026-11-20T10:00:00+01:00"   # a Friday; day 14 is Friday 4 December 2026
REGISTERED_BEFORE_THE_NOTICE = time_machine.travel(datetime(2026, 11, 19, 9, 0, tzinfo=timezone.utc))


@pytest.fixture(autouse=True)
def clock():
    """The notice is recorded an hour after it was left (a scan from the future is refused)."""
    with time_machine.travel(datetime.fromisoformat("2026-11-20T11:00:00+01:00"), tick=False):
        yield


def test_collection_deadline_and_deemed_service_are_shown_in_plain_words(api, app):
    number = tracking_number()
    with REGISTERED_BEFORE_THE_NOTICE:
        verify_url = api.register(tracking_number=number, service="pl_official_letter").json["verify_url"]
    assert api.scan(number, occurred_at=NOTICE_AT).status_code == 201
    record = api.item(number).json
    assert record["deadlines"]["deemed_served_on"] == "2026-12-04"

    page = api.client.get(verify_url.replace("http://awizo.test", ""), headers={"Accept-Language": "en"}).text
    assert "Deemed served on" in page and "04.12.2026" in page
    assert record["deadlines"]["text"]["en"] in page
    page_pl = api.client.get(verify_url.replace("http://awizo.test", "") + "?lang=pl").text
    assert "Doręczenie uznane za dokonane" in page_pl and record["deadlines"]["text"]["pl"] in page_pl

    proof = api.client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(proof.data)).pages)
    assert "Deemed served on" in text and "04.12.2026" in text

    notice = api.client.get(f"/h/api/notice/{number}", headers=api.auth(api.device_token)).json
    assert "deemed served on 04.12.2026" in str(notice)
    assert "uznana za doręczoną 04.12.2026" in str(notice)

    with app.app_context():
        sent = db.session.execute(sa.select(OutboxMessage.channel, OutboxMessage.body)
                                  .where(OutboxMessage.purpose == "notice_left")).all()
    # SMS write the day in digits; e-mails as CLDR writes it in Polish.
    assert sent and all(("04.12.2026" if channel == "sms" else "4 gru 2026") in body for channel, body in sent)


def test_an_ordinary_registered_letter_has_no_deemed_service_date(api):
    number = tracking_number()
    with REGISTERED_BEFORE_THE_NOTICE:
        verify_url = api.register(tracking_number=number, service="pl_registered_letter").json["verify_url"]
    api.scan(number, occurred_at=NOTICE_AT)
    page = api.client.get(verify_url.replace("http://awizo.test", ""), headers={"Accept-Language": "en"}).text
    assert "Deemed served on" not in page
    assert api.item(number).json["deadlines"]["deemed_served_on"] is None


def test_reading_the_paper_notice_writes_nothing_and_its_claim_code_stays_valid(api, app):
    """The handheld may show or reprint a notice any number of times: the same code each time."""
    from app.models.subscriptions import ClaimCode

    number = tracking_number()
    with REGISTERED_BEFORE_THE_NOTICE:
        api.register(tracking_number=number, service="pl_official_letter")
    assert api.scan(number, occurred_at=NOTICE_AT).status_code == 201
    with app.app_context():
        issued = db.session.scalar(sa.select(sa.func.count()).select_from(ClaimCode))
    first = api.client.get(f"/h/api/notice/{number}", headers=api.auth(api.device_token)).json
    second = api.client.get(f"/h/api/notice/{number}", headers=api.auth(api.device_token)).json
    assert first["claim_code"] and first["claim_code"] == second["claim_code"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ClaimCode)) == issued == 1
