import pytest

from notices import s10


@pytest.mark.parametrize("serial, digit", [
    ("12345678", 5),   # the example from the UPU standard: RR123456785PL
    ("10000014", 0),   # sum mod 11 = 1, so C = 10 -> 0
    ("00000000", 5),   # sum 0 -> 11 -> 5
])
def test_check_digit(serial, digit):
    assert s10.check_digit(serial) == digit


def test_parse_accepts_spaces_and_lower_case():
    parsed = s10.parse(" rr 123 456 785 pl ")
    assert str(parsed) == "RR123456785PL"
    assert parsed.is_registered_letter


@pytest.mark.parametrize("text, reason", [
    ("RR123456780PL", "check digit is 0, expected 5"),
    ("RR12345678PL", "expected 2 letters"),
    ("R1123456785PL", "expected 2 letters"),
    ("", "expected 2 letters"),
])
def test_parse_rejects_with_a_reason(text, reason):
    with pytest.raises(s10.S10Error, match=reason):
        s10.parse(text)


def test_make_builds_valid_numbers():
    for serial in range(0, 10_000_000, 99_991):
        assert str(s10.parse(s10.make("RR", serial))) == s10.make("RR", serial)
