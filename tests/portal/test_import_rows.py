"""The quick reading of import rows gives the model's verdicts: same item, or it defers to the model."""
from __future__ import annotations

import copy
import random

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email

from app.delivery.schemas import parse_new_item
from app.errors import ValidationFailed
from app.senders.import_rows import plain_email, polish_phone, quick_new_item
from app.senders.imports import csv_row_to_payload
from notices import s10


def base(**cells) -> dict:
    values = {"tracking_number": s10.make("RR", 12345678), "service": "pl_official_letter",
              "sender_reference": "I C 1/26", "recipient_name": "Jan Kowalski", "address_line1": "ul. Polna 12",
              "address_line2": "", "postal_code": "00-950", "city": "Warszawa", "country": "PL",
              "phone": "+48601234567", "email": "jan@example.com", "language": "pl", "lat": "", "lon": "",
              "content_sha256": ""}
    values.update(cells)
    return csv_row_to_payload(values)


def with_recipient(**fields) -> dict:
    payload = base()
    payload["recipient"].update(fields)
    return payload


def with_address(**fields) -> dict:
    payload = base()
    payload["recipient"]["address"].update(fields)
    return payload


ROWS = [
    base(), base(phone="", email=""), base(phone="601234567"), base(phone="+48 601 234 567"), base(phone="+48221234567"),
    base(phone="12345"), base(phone="+48123456789"), base(phone="+4860123456"), base(phone="+486012345678"),
    base(phone="+49301234567"), base(phone="0048601234567"), base(phone="+48601234567", country="DE"),
    base(phone="501234567", country="pl"), base(email="Jan.Kowalski@Example.COM"), base(email="not-an-email"),
    base(email="a@b"), base(email="jan@localhost"), base(email="jan@example.test"), base(email="Postmaster@example.com"),
    base(email="jan..k@example.com"), base(email=".jan@example.com"), base(email="jan@-example.com"),
    base(email="jan@example..com"), base(email="jan@example.123"), base(email="jan@xn--bcher-kva.example"),
    base(email="jan@bücher.example"), base(email="\"jan\"@example.com"), base(email="Jan <jan@example.com>"),
    base(email="a" * 64 + "@example.com"), base(email="a" * 65 + "@example.com"),
    base(email="jan@" + "a" * 63 + ".com"), base(email="jan@" + "a" * 64 + ".com"),
    base(email="jan@" + ".".join(["a" * 60] * 4) + ".pl"), base(email="jan+tag@sub.example.co.uk"),
    base(tracking_number="RR123456784PL"), base(tracking_number="rr 123 456 785 pl"), base(tracking_number=""),
    base(tracking_number="rr123456785pl"), base(tracking_number="RR-123456785-PL"), base(tracking_number="RR123456785PL "),
    base(tracking_number="RR\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0665PL"), base(tracking_number="RR1234567850PL"),
    base(tracking_number="RR12345678PL"), base(service="carrier_pigeon"), base(service="PL_OFFICIAL_LETTER"),
    base(recipient_name=""), base(recipient_name="x" * 200), base(recipient_name="x" * 201),
    base(address_line1="a" * 201), base(postal_code="1" * 21), base(city="c" * 101), base(country="POL"),
    base(country="P1"), base(country="Pl"), base(country="de", phone=""), base(country="ŁŁ", phone=""),
    base(language="EN"), base(language="uk"), base(language="de"), base(language=""),
    base(sender_reference="r" * 100), base(sender_reference="r" * 101), base(address_line2="m. 4"),
    base(lat="52.2", lon="21.0"), base(lat="x", lon=""), base(content_sha256="A" * 64), base(content_sha256="g" * 64),
    base(content_sha256="ab"), with_recipient(name=" Jan "), with_recipient(name="   "), with_recipient(name=5),
    with_recipient(phone=601234567), with_recipient(phone=" +48601234567"), with_recipient(email=" jan@example.com"),
    with_recipient(language=None), with_recipient(language=" PL "), with_recipient(language=1),
    with_address(country=" PL"), with_address(line2="   "), with_address(location={"lat": 52.1, "lon": 21.0}),
    with_address(location={"lat": 91, "lon": 21.0}), {"recipient": None}, {}, [], "row",
    {**base(), "tracking_number": 123}, {**base(), "extra": "ignored"}, {**base(), "content_sha256": 5},
    {**base(), "sender_reference": "  "}, {**base(), "recipient": "Jan"},
]


def model(payload):
    try:
        return parse_new_item(copy.deepcopy(payload))
    except ValidationFailed as exc:
        return [(e.field, e.message) for e in exc.errors]


@pytest.mark.parametrize("payload", ROWS)
def test_the_quick_reading_is_the_model_or_defers_to_it(payload):
    """Known answers: for each row, good or bad, the quick reading is the model's item or nothing."""
    quick = quick_new_item(copy.deepcopy(payload))
    expected = model(payload)
    if quick is not None:
        assert quick == expected
    else:
        assert payload != base()  # the ordinary row is read quickly


def test_many_of_the_rows_are_read_quickly():
    assert 20 <= sum(quick_new_item(copy.deepcopy(payload)) is not None for payload in ROWS) < len(ROWS)


def test_ordinary_rows_are_read_quickly():
    for payload in (base(), base(phone="", email=""), base(phone="601234567"), base(email="Jan.K@Example.COM"),
                    base(country="pl"), base(language="EN"), base(address_line2="m. 4"), base(content_sha256="A" * 64)):
        assert quick_new_item(payload) == parse_new_item(payload)


def test_tracking_numbers_have_the_model_verdict_for_every_check_digit():
    """Every check digit of many serials, as stored and as people write them: the model's item or nothing."""
    rng = random.Random(14)
    for serial in [0, 99_999_999] + [rng.randrange(100_000_000) for _ in range(40)]:
        for check in range(10):
            number = f"RB{serial:08d}{check}PL"
            for written in (number, number.lower(), f"{number[:2]} {number[2:11]} {number[11:]}"):
                payload = base(tracking_number=written)
                quick = quick_new_item(copy.deepcopy(payload))
                expected = model(payload)
                assert quick is None or quick == expected, written
                if written == number and not isinstance(expected, list):
                    assert quick is not None and quick.tracking_number == number


def library_phone(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "PL")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_polish_numbers_have_the_phone_library_verdict_for_every_prefix():
    rng = random.Random(14)
    numbers = [f"{prefix:03d}{rng.randrange(10**6):06d}" for prefix in range(100, 1000) for _ in range(3)]
    numbers += [f"{prefix:03d}000000" for prefix in range(100, 1000)] + [f"{prefix:03d}999999" for prefix in range(100, 1000)]
    numbers += [f"{prefix:04d}{rng.randrange(10**5):05d}" for prefix in range(1000, 10000)]
    checked = valid = 0
    for national in numbers:
        for text in (national, "+48" + national):
            mine, theirs = polish_phone(text), library_phone(text)
            assert mine == theirs, text
            valid += mine is not None
            checked += 1
    assert valid > 1000 and checked == 2 * len(numbers)
    # other forms are left to the library (through the model)
    assert polish_phone("+48 601 234 567") is None and polish_phone("0601234567") is None


def library_email(text: str) -> str | None:
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def test_plain_addresses_have_the_email_library_verdict():
    rng = random.Random(4)
    alphabet = "abcXYZ019._+-@"
    addresses = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 14))) + rng.choice(
        ["@example.com", "@EXAMPLE.pl", "@a.b", "@sub.example.org", "@localhost", "@x.invalid", "@mail.local",
         "@1.2.3.4", "@-a.com", "@a-.com", "@a..com", ".com", "@" + "b" * 70 + ".pl", "@arpa", "@onion.pl"])
        for _ in range(3000)]
    accepted = 0
    for text in addresses:
        mine = plain_email(text)
        if mine is not None:
            assert mine == library_email(text), text
            accepted += 1
    assert accepted > 300
