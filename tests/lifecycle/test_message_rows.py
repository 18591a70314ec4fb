"""The sweep writes outbox rows in bulk: each must be what the messaging service would write."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.lifecycle.alerts import message_row
from app.messaging.enqueue import enqueue_message

NOW = datetime(2026, 3, 31, 6, 0, tzinfo=timezone.utc)
FIELDS = ("channel", "purpose", "recipient", "language", "subject", "body", "body_html", "headers", "dedupe_key",
          "status", "tries", "next_attempt_at", "quiet_hours", "time_zone", "item_id", "attempt_id")


@pytest.mark.parametrize("kwargs", [
    {"channel": "sms", "recipient": "+48601234567", "body": "Awizo: POWTÓRNE AWIZO…", "language": "pl"},
    {"channel": "sms", "recipient": "601 234 567", "body": "Awizo: last day tomorrow", "language": "en",
     "quiet_hours": "22:00-07:00", "time_zone": "Europe/London"},
    {"channel": "email", "recipient": "Jan.Kowalski@Example.com", "subject": "Powtórne awizo", "language": "pl",
     "body": "Treść\n", "body_html": "<html><body><p>Treść</p></body></html>"},
    {"channel": "email", "recipient": "anna@example.org", "subject": "Repeat notice", "language": "en",
     "body": "Text", "body_html": "<p>Text</p>", "manage_url": "http://awizo.test/alerts/m/abc"},
])
def test_bulk_rows_equal_what_enqueue_message_writes(db_session, kwargs):
    common = {"purpose": "repeat_notice", "dedupe_key": f"k:{kwargs['channel']}:{kwargs['recipient']}",
              "now": NOW, "item_id": None}
    expected = enqueue_message(db_session, **kwargs, **common)
    db_session.flush()
    row = message_row(**kwargs, **common)
    assert {f: row[f] for f in FIELDS} == {f: getattr(expected, f) for f in FIELDS}
    db_session.rollback()


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("pickup", ["Poczta 1", "Placówka pocztowa Warszawa 1", "Urząd Pocztowy " + "Nowa Huta " * 8, ""])
def test_lifecycle_sms_keep_their_budget_and_every_fact(language, pickup):
    from datetime import date, datetime

    from notices.lifecycle_messages import LifecycleAlert, reminder_sms, repeat_notice_left_sms, repeat_notice_sms
    from notices.sms import count_segments
    from notices.sms_texts import SMS_BUDGETS

    url = "https://awizo.example.pl/v/" + "Zz-_9" * 8 + "abc"     # a 43-character token
    alert = LifecycleAlert("RR123456785PL", "Sąd", pickup, "ul. Polna 1", date(2026, 4, 7), url, language,
                           repeat_notice_left_at=datetime(2026, 3, 31, 10, 5))
    for text in (repeat_notice_sms(alert), reminder_sms(alert), repeat_notice_left_sms(alert)):
        assert count_segments(text).segments <= SMS_BUDGETS["reminder"] == SMS_BUDGETS["repeat_notice"]
        assert "RR123456785PL" in text and "07.04.2026" in text and text.endswith(url)
    assert "31.03 10:05" in repeat_notice_left_sms(alert)


def test_sender_is_told_by_e_mail_of_deemed_service_where_it_has_an_address(app):
    """The sweep selects the sender's contact address as ``sender_email``; without one nothing is written."""
    from datetime import date
    from types import SimpleNamespace

    from app.lifecycle.alerts import LifecycleOutbox
    from notices.lifecycle_messages import LifecycleAlert

    alert = LifecycleAlert("RR123456785PL", "Sąd Rejonowy", "Poczta 1", "ul. Polna 1", date(2026, 4, 7),
                           "http://awizo.test/v/t", "pl", date(2026, 4, 7), "I C 123/26")
    row = SimpleNamespace(item_id=7, end_action="deemed_served", sender_email="Biuro@Sad.example")
    with app.app_context():
        outbox = LifecycleOutbox()
        outbox.to_sender(row, alert, NOW)
        outbox.to_sender(SimpleNamespace(item_id=8, end_action="returned", sender_email=None), alert, NOW)
    [message] = outbox.rows()
    assert message["recipient"] == "biuro@sad.example" and message["purpose"] == "sender_deemed_served"
    assert message["subject"] == "Przesyłka RR123456785PL (I C 123/26) uznana za doręczoną 07.04.2026"
    assert "art. 44 KPA" in message["body"] and message["dedupe_key"] == "item:7:deemed_served:sender_email"
