"""A sweep's SMS fitted once per shape and filled in per item are the SMS fitted one by one."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta

from app.lifecycle.sms_shapes import SmsShapes
from notices.lifecycle_messages import (
    LifecycleAlert,
    deemed_served_sms,
    reminder_sms,
    repeat_notice_left_sms,
    repeat_notice_sms,
)

WORDINGS = (repeat_notice_sms, repeat_notice_left_sms, reminder_sms, deemed_served_sms)
PLAIN = "ABCdef0123456789-_/:."
ODD = "<>&\"' śąćżółŁ Ї{}{0}%s\\\x00\n^€[~§¤😀"
WORDS = ["Poczta", "Polska", "Urząd", "Pocztowy", "nr", "12", "Sąd", "Rejonowy", "dla", "Warszawy-Śródmieścia",
         "Wydział", "I", "Cywilny", "Punkt", "odbioru", "Żabka", "Sklep", "spożywczy", "Office", "Court", "§", "¤",
         "{url}", "Київ", "ul.", "Marszałkowska", "[A]", "€"]


def _text(rng: random.Random, alphabet: str, most: int = 30) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, most)))


ASCII_WORDS = [w for w in WORDS if w.isascii()]  # an English text of these stays GSM-7


def _words(rng: random.Random, most: int) -> str:
    words = rng.choice([WORDS, ASCII_WORDS, ASCII_WORDS])
    return " ".join(rng.choice(words) for _ in range(rng.randint(1, most)))


def _alert(rng: random.Random) -> LifecycleAlert:
    day = date(2026, 1, 1) + timedelta(days=rng.randint(0, 700))
    return LifecycleAlert(
        tracking_number="RR123456785PL", sender_name=rng.choice([None, "", "Sąd Rejonowy", _words(rng, 50)]),
        pickup_name=rng.choice(["Poczta 1", "", _words(rng, 30), _words(rng, 100)]), pickup_address="ul. Polna 1",
        collect_by=day, verify_url="http://awizo.test/v/x", language=rng.choice(["pl", "en", "uk", "de", None]),
        deemed_served_on=rng.choice([None, day]), sender_reference=rng.choice([None, "I C 12/26"]),
        repeat_notice_left_at=rng.choice([None, datetime(2026, 3, 31, 10, 5)]),
        addressee=rng.choice([None, "", "Jan Kowalski", _words(rng, 8)]),
    )


def _value(rng: random.Random, prefix: str = "") -> str:
    alphabet = rng.choice([PLAIN, PLAIN, PLAIN + ODD, PLAIN * 4 + "€", PLAIN * 4 + "ś", PLAIN * 4 + "^{", "€^{}[]~|", PLAIN + "§¤"])
    return prefix + _text(rng, alphabet, rng.choice([3, 13, 60, 120]))


def test_filled_sms_equal_sms_fitted_one_by_one(app):
    rng = random.Random(14)
    shapes = SmsShapes()
    fitted = 0
    with app.app_context():
        for _ in range(200):
            shared = _alert(rng)
            for _ in range(4):  # items noticed together: one shape, their own number and link
                alert = replace(shared, tracking_number=_value(rng), verify_url=_value(rng, "https://awizo.test/v/"))
                for wording in WORDINGS:
                    expected = wording(alert)
                    assert shapes.sms(wording, alert) == expected
                    fitted += "…" in expected
    assert fitted > 100  # many of them had a field shortened to fit


def test_same_lengths_share_a_shape_and_odd_values_take_the_ordinary_path(app):
    base = LifecycleAlert("RR123456785PL", "Sąd Rejonowy", "Poczta 1", "ul. Polna 1", date(2026, 4, 7),
                          "http://awizo.test/v/t", "pl", date(2026, 4, 7))
    alerts = [base, replace(base, tracking_number="RR§§§§§§§§§PL"), replace(base, verify_url="http://awizo.test/v/¤"),
              replace(base, sender_name="Sąd ¤¤¤"), replace(base, sender_name="Sąd § 5"), replace(base, tracking_number=""), replace(base, verify_url=""),
              replace(base, tracking_number="RR000000000PL"), replace(base, tracking_number="RR€00000000PL"),
              replace(base, pickup_name="§" * 13), replace(base, tracking_number="¤" * 21), base]
    shapes = SmsShapes()
    with app.app_context():
        for alert in alerts:
            for wording in WORDINGS:
                assert shapes.sms(wording, alert) == wording(alert)
