"""The alerts people can act on reach them: through the official Twilio SDK (against Prism and a
recording stub) and a real SMTP server, with the sender, the pickup point, the last day, the
deemed-service warning, and for a delegate whose letter it is."""
from __future__ import annotations

from datetime import datetime, timezone

import time_machine

from notices.sms import count_segments
from notices.sms_texts import SMS_BUDGETS
from tests.messaging.test_delivery import _by_channel, _deadline_text, _sms_day
from tests.recipients.conftest import Recipients
from tests.recipients.test_people_and_data import DELEGATE_PHONE, _confirmed_subscriber

DAYTIME = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)   # a Tuesday, 11:00 in Warsaw: no quiet hours


def test_official_letter_alerts_name_sender_pickup_point_last_day_and_deemed_service(
        api, worker, prism_server, smtp_server, outbox):
    number = api.register(service="pl_official_letter").get_json()["tracking_number"]
    assert api.scan(number).status_code == 201
    worker()

    record = api.item(number).get_json()
    day, sms_day = _deadline_text(record), _sms_day(record)
    assert _by_channel(record)["sms"]["status"] == "sent" and _by_channel(record)["sms"]["provider"] == "twilio"
    [sms] = outbox(channel="sms")
    assert sms["body"] == (f"Awizo: {number} od: Sąd Rejonowy Testowo czeka w Placówka pocztowa Warszawa 1 do {sms_day}."
                           f" Nieodebrane uznaje się za doręczone {sms_day}. {record['verify_url']}")
    assert count_segments(sms["body"]).segments <= SMS_BUDGETS["notice_left"]

    [received] = smtp_server.to("jan.kowalski@example.com")
    text = " ".join(received.get_body(("plain",)).get_content().split())
    assert f"Przesyłka: {number} od: Sąd Rejonowy Testowo" in text
    assert "Odbiór w: Placówka pocztowa Warszawa 1" in text and f"Odbierz do: {day}" in text
    assert f"pismo uznaje się za doręczone {day}" in text


def test_a_registered_letter_sms_carries_no_deemed_service_warning(api, worker, prism_server, outbox):
    number = api.register(service="pl_registered_letter").get_json()["tracking_number"]
    api.scan(number)
    worker()
    [sms] = outbox(channel="sms")
    assert sms["status"] == "sent" and "od: Sąd Rejonowy Testowo" in sms["body"]
    assert "doręczone" not in sms["body"]


def test_a_delegates_sms_through_twilio_says_whose_letter_it_is(app, client, api, worker, twilio_stub):
    with time_machine.travel(DAYTIME, tick=True):
        rec = Recipients(app, client, api)
        token = _confirmed_subscriber(rec)
        page = f"/alerts/m/{token}"
        rec.post(f"{page}/delegates", {"delegate_name": "Anna Nowak", "delegate_role": "family",
                                       "delegate_phone": DELEGATE_PHONE, "delegate_language": "en"}, page=page)
        rec.post("/alerts/code", {"phone": DELEGATE_PHONE, "code": rec.sms_code(DELEGATE_PHONE)})
        number = rec.item_at()
        assert api.scan(number).status_code == 201
        worker()

    sent = [r["form"] for r in twilio_stub.requests if r["form"]["To"] == DELEGATE_PHONE]
    notice = [f["Body"] for f in sent if number in f["Body"]]
    assert notice == [next(b for b in notice)]   # one alert about the item
    assert notice[0].startswith(f"Awizo (addressee: Jan Kowalski): item {number} from Sąd Rejonowy Testowo "
                                "awaits at Placówka pocztowa Warszawa 1 until ")
    holder = [r["form"]["Body"] for r in twilio_stub.requests
              if r["form"]["To"] != DELEGATE_PHONE and number in r["form"]["Body"]]
    assert holder and all(b.startswith(f"Awizo: {number} od: Sąd Rejonowy Testowo") for b in holder)
