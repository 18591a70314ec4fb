"""A Ukrainian-speaking recipient's alerts leave through Twilio (official SDK) and SMTP in Ukrainian."""
from __future__ import annotations

from notices.sms import count_segments
from notices.sms_texts import SMS_BUDGETS

RECIPIENT = {"name": "Олена Коваленко", "email": "olena@example.com", "phone": "+48 601 234 777", "language": "uk",
             "address": {"line1": "ul. Długa 5", "postal_code": "00-238", "city": "Warszawa", "country": "PL"}}


def test_ukrainian_recipient_gets_ukrainian_sms_and_email(api, worker, twilio_stub, smtp_server):
    number = api.register(recipient=RECIPIENT).get_json()["tracking_number"]
    assert api.scan(number).status_code == 201
    worker()

    [request] = [r for r in twilio_stub.requests if r["form"]["To"] == "+48601234777"]
    body = request["form"]["Body"]
    assert body.startswith(f"Awizo: {number} від: ") and " чекає у " in body
    assert count_segments(body).segments <= SMS_BUDGETS["notice_left"]
    [received] = smtp_server.to("olena@example.com")
    assert received["Subject"] == f"Awizo: рекомендований лист {number} очікує отримання"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "На вас чекає рекомендований лист" in text and "Отримати до: " in text
    assert "Відписатися: http://awizo.test/unsubscribe/" in text
    assert '<html lang="uk">' in html and "Місце отримання" in html
