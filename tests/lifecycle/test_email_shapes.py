"""A sweep's e-mails made once per shape and filled in per item are the e-mails made one by one."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta

from app.lifecycle.email_shapes import EmailShapes, email_parts
from notices.lifecycle_messages import (
    LifecycleAlert,
    deemed_served_email_content,
    outcome_email_content,
    reminder_email_content,
    repeat_notice_email_content,
    repeat_notice_left_email_content,
)

RECIPIENT_WORDINGS = (repeat_notice_email_content, repeat_notice_left_email_content, reminder_email_content,
                      deemed_served_email_content)
OUTCOMES = ("deemed_served", "deemed_service_not_established", "returned")
ODD = "<>&\"' śąćżółŁ Ї{}{0}%s\\\x00\n"


def _text(rng: random.Random, alphabet: str = "ABCdef0123456789-_/" + ODD, most: int = 30) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, most)))


def _alert(rng: random.Random) -> LifecycleAlert:
    day = date(2026, 1, 1) + timedelta(days=rng.randint(0, 700))
    return LifecycleAlert(
        tracking_number=_text(rng), sender_name=rng.choice([None, "Sąd Rejonowy", _text(rng)]),
        pickup_name=rng.choice(["Poczta 1", _text(rng)]), pickup_address=rng.choice(["ul. Polna 1", _text(rng)]),
        collect_by=day, verify_url="http://awizo.test/v/" + _text(rng),
        language=rng.choice(["pl", "en", "uk", "de", None]),
        deemed_served_on=rng.choice([None, day]), sender_reference=rng.choice([None, "I C 12/26", _text(rng)]),
        repeat_notice_left_at=rng.choice([None, datetime(2026, 3, 31, 10, 5)]),
        addressee=rng.choice([None, "Jan Kowalski", _text(rng)]),
    )


def test_filled_e_mails_equal_e_mails_made_one_by_one(app):
    rng = random.Random(14)
    shapes = EmailShapes()
    with app.app_context():
        for _ in range(150):
            shared = _alert(rng)
            for _ in range(4):  # items noticed together: the same shape with their own number and link
                alert = replace(shared, tracking_number=_text(rng), verify_url="https://awizo.test/v/" + _text(rng))
                for wording in RECIPIENT_WORDINGS:
                    assert shapes.email(wording, alert) == email_parts(wording(alert))
                for outcome in OUTCOMES:
                    assert shapes.email(outcome_email_content, alert, outcome) == \
                        email_parts(outcome_email_content(alert, outcome))


def test_values_that_hold_the_marker_or_are_empty_take_the_ordinary_path(app):
    base = LifecycleAlert("RR123456785PL", "Sąd", "Poczta 1", "ul. Polna 1", date(2026, 4, 7),
                          "http://awizo.test/v/t", "pl", date(2026, 4, 7))
    alerts = [base, replace(base, tracking_number="RR\x01number\x01PL"), replace(base, verify_url="\x01url\x01"),
              replace(base, sender_name="Sąd \x01url\x01"), replace(base, sender_name="Sąd \x01"),
              replace(base, tracking_number=""), replace(base, verify_url=""), base]
    shapes = EmailShapes()
    with app.app_context():
        for alert in alerts:
            for wording in RECIPIENT_WORDINGS:
                assert shapes.email(wording, alert) == email_parts(wording(alert))
