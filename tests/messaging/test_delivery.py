"""A left notice reaches the recipient by SMS (official Twilio SDK) and e-mail (SMTP)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from notices.sms import count_segments
from notices.sms_texts import SMS_BUDGETS

# CLDR's abbreviated month names (pl_PL, en_GB), as the e-mails write a day: "18 gru 2026" / "18 Dec 2026".
MONTHS = {"pl": ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"],
          "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"]}


def _deadline_text(record: dict, lang: str = "pl") -> str:
    deadline = datetime.fromisoformat(record["collect_by"].replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/Warsaw"))
    return f"{deadline.day} {MONTHS[lang][deadline.month - 1]} {deadline.year}"


def _sms_day(record: dict) -> str:
    """SMS keep the shortest form, digits only, in every language."""
    deadline = datetime.fromisoformat(record["collect_by"].replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/Warsaw"))
    return f"{deadline:%d.%m.%Y}"


def _by_channel(record: dict) -> dict:
    return {n["channel"]: n for n in record["notifications"]}


def test_notice_left_alerts_go_out_by_twilio_and_smtp(api, worker, prism_server, smtp_server):
    number = api.register().get_json()["tracking_number"]
    assert api.scan(number).status_code == 201
    before = prism_server.message_requests()

    worker()

    record = api.item(number).get_json()
    sms, mail = _by_channel(record)["sms"], _by_channel(record)["email"]
    assert sms["status"] == "sent" and sms["provider"] == "twilio"
    assert sms["provider_message_id"].startswith("SM") and sms["tries"] == 1 and sms["last_error"] is None
    assert prism_server.message_requests() == before + 1
    assert mail["status"] == "sent" and mail["provider"] == "smtp"

    [received] = smtp_server.to("jan.kowalski@example.com")
    assert mail["provider_message_id"] == received["Message-ID"]
    assert number in received["Subject"] and "czeka na odbiór" in received["Subject"]
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert f"Odbierz do: {_deadline_text(record)}" in text
    assert record["verify_url"] in text and f'href="{record["verify_url"]}"' in html
    assert '<html lang="pl">' in html and _deadline_text(record) in html
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["List-Unsubscribe"].startswith("<http://awizo.test/unsubscribe/")
    assert "Wypisz się: http://awizo.test/unsubscribe/" in text

    statuses = [e["data"]["status"] for e in record["events"] if e["kind"] == "notification_status"]
    assert statuses == ["sent", "sent"]

    worker()  # a second run finds nothing to send again
    assert prism_server.message_requests() == before + 1
    assert len(smtp_server.to("jan.kowalski@example.com")) == 1


def test_english_recipient_gets_english_email_and_an_sms_within_its_budget(api, worker, smtp_server, outbox):
    payload = {"name": "John Smith", "email": "john@example.com", "phone": "+48 601 234 999", "language": "en",
               "address": {"line1": "ul. Długa 5", "postal_code": "00-238", "city": "Warszawa", "country": "PL"}}
    number = api.register(recipient=payload).get_json()["tracking_number"]
    api.scan(number)
    worker()

    [received] = smtp_server.to("john@example.com")
    text = received.get_body(("plain",)).get_content()
    record = api.item(number).get_json()
    assert received["Subject"].startswith("Notice: registered item")
    assert f"Collect by: {_deadline_text(record, 'en')}" in text and "Unsubscribe: " in text
    [sms] = outbox(channel="sms")
    assert sms["recipient"] == "+48601234999" and sms["provider"] == "dev"  # no Twilio here
    assert sms["body"].startswith(f"Awizo: item {number} from Sąd Rejonowy Testowo awaits at ")
    assert count_segments(sms["body"]).segments <= SMS_BUDGETS["notice_left"]


def test_provider_outage_then_recovery_loses_and_duplicates_nothing(api, worker, twilio_stub, smtp_server, outbox,
                                                                     app):
    number = api.register().get_json()["tracking_number"]
    api.scan(number)
    twilio_stub.stop()
    smtp_server.stop()

    worker()

    for message in outbox():
        assert message["status"] == "queued" and message["tries"] == 1
        assert "unreachable" in message["last_error"]
        assert message["next_attempt_at"] > message["created_at"]
    worker()  # not due yet: nothing is tried again
    assert [m["tries"] for m in outbox()] == [1, 1]

    twilio_stub.start()
    smtp_server.start()
    with time_machine.travel(datetime.now().astimezone() + timedelta(hours=2), tick=False):
        worker()
        worker()
    messages = outbox()
    assert [m["status"] for m in messages] == ["sent", "sent"]
    assert [m["tries"] for m in messages] == [2, 2]
    assert all(m["last_error"] is None for m in messages)
    assert len(twilio_stub.requests) == 1 and twilio_stub.requests[0]["form"]["To"] == "+48601234567"
    assert len(smtp_server.to("jan.kowalski@example.com")) == 1


def test_dev_outbox_page_shows_messages_when_no_provider_is_configured(api, worker, client):
    number = api.register().get_json()["tracking_number"]
    api.scan(number)
    worker()

    page = client.get("/dev/outbox")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "+48601234567" in html and "jan.kowalski@example.com" in html
    assert f"Awizo: przesyłka polecona {number} czeka na odbiór" in html
    assert f"Awizo: {number} od: Sąd Rejonowy Testowo czeka w" in html
    assert html.count('class="status-sent">sent') == 2


def test_dev_outbox_page_is_absent_with_real_providers(client, twilio_stub, smtp_server):
    assert client.get("/dev/outbox").status_code == 404
