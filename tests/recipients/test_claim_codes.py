"""Pure helpers: address matching, code formats, and the length of confirmation SMS."""
from __future__ import annotations

import pytest

from notices import claim_codes, recipient_messages
from notices.sms import count_segments


@pytest.mark.parametrize("typed", [
    ("ul. Polna 12 m. 4", None, "00-950", "Warszawa", "PL"),
    ("POLNA 12/4", "", "00950", "warszawa", "pl"),
    ("Polna 12", "m. 4", "00 950", "WARSZAWA", "PL"),
    ("ulica Polna 12 lok. 4", None, "00-950", "Warszawa", "PL"),
])
def test_the_same_flat_written_differently_has_one_key(typed):
    assert claim_codes.address_key(*typed) == claim_codes.address_key("ul. Polna 12 m. 4", None, "00-950", "Warszawa", "PL")


@pytest.mark.parametrize("other", [
    ("ul. Polna 12 m. 5", None, "00-950", "Warszawa", "PL"),   # another flat
    ("ul. Polna 12", None, "00-950", "Warszawa", "PL"),        # the house, not the flat
    ("ul. Polna 12 m. 4", None, "00-951", "Warszawa", "PL"),   # another postal code
    ("ul. Polna 12 m. 4", None, "00-950", "Łódź", "PL"),
])
def test_other_addresses_do_not_match(other):
    assert claim_codes.address_key(*other) != claim_codes.address_key("ul. Polna 12 m. 4", None, "00-950", "Warszawa", "PL")


def test_polish_letters_are_folded():
    assert claim_codes.address_key("ul. Łąkowa 3", None, "90-001", "Łódź", "PL") == \
        claim_codes.address_key("LAKOWA 3", None, "90001", "lodz", "PL")


def test_claim_codes_read_back_despite_look_alike_letters():
    code = claim_codes.new_claim_code()
    assert len(code) == 12 and code.count("-") == 2
    assert set(code.replace("-", "")) <= set(claim_codes.ALPHABET)
    sloppy = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert claim_codes.canonical_claim_code(sloppy) == code.replace("-", "")


def test_code_digest_depends_on_secret_and_context():
    digest = claim_codes.code_digest("s1", "123456", "contact:1")
    assert digest != claim_codes.code_digest("s2", "123456", "contact:1")
    assert digest != claim_codes.code_digest("s1", "123456", "contact:2")
    assert "123456" not in digest


def test_numeric_codes_have_six_digits():
    assert all(len(c) == 6 and c.isdigit() for c in (claim_codes.new_numeric_code() for _ in range(50)))


@pytest.mark.parametrize("language", ["pl", "en"])
def test_confirmation_sms_fit_in_two_segments(language):
    texts = [
        recipient_messages.confirm_sms(language, "123456", 10),
        recipient_messages.delegate_sms(language, "123456", "Małgorzata Wiśniewska-Kowalczyk",
                                        "https://awizo.poczta-przyklad.pl/alerts/code"),
    ]
    for text in texts:
        assert "123456" in text
        assert count_segments(text).segments <= 2, text


@pytest.mark.parametrize("language, words", [("pl", "Potwierdź"), ("en", "Confirm")])
def test_confirmation_email_names_the_link_and_the_delegating_person(language, words):
    content = recipient_messages.confirm_email(language, "https://x/alerts/confirm/t", 48, "Jan Kowalski")
    assert words in content.subject and content.link_url == "https://x/alerts/confirm/t"
    assert "Jan Kowalski" in content.paragraphs[0] and "48" in content.paragraphs[1]
