"""An outbox e-mail reads the same as the standard library's ``EmailMessage`` would write it.

The oracle is the standard library's high-level API (``EmailMessage`` with ``policy.default``)
given the same parts; both messages are parsed back as a mail program would.
"""
from __future__ import annotations

import email
import email.policy
from email.errors import HeaderParseError
from email.message import EmailMessage
from types import SimpleNamespace

import pytest

from app.messaging.providers.mime import build_email

LONG_LINK = "<https://awizo.test/unsubscribe/" + "WyJlbWFpbCIsImphbi5rb3dhbHNraUBleGFtcGxlLmNvbSJd" * 2 + ">"
CASES = {
    "polish, text and html": SimpleNamespace(
        recipient="zofia.zdzblo@example.com", subject="Awizo: przesyłka czeka — odbiór do 12 grudnia",
        send_key="k" * 32, language="pl", headers={"List-Unsubscribe": LONG_LINK,
                                                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        body="Dzień dobry,\nprzesyłka czeka w placówce.\n.\nZażółć gęślą jaźń " * 8,
        body_html="<p>Zażółć gęślą jaźń</p>\n" * 30),
    "ukrainian, long subject": SimpleNamespace(
        recipient="olena@example.com", subject="Повідомлення: відправлення чекає на вас у відділенні " * 3,
        send_key="u" * 32, language="uk", headers=None, body="Доброго дня!\r\nВідправлення чекає.", body_html=None),
    "ascii, long subject with spaces": SimpleNamespace(
        recipient="jan@example.com", subject="Notice " * 30, send_key="a" * 32, language="en",
        headers={"X-Awizo-Case": "SPR/2026/000123"}, body="Plain text only", body_html="<b>html</b>"),
}
SENDER = "Awizo – Poczta <awizo@example.com>"


def _reference(message) -> EmailMessage:
    reference = EmailMessage(policy=email.policy.default)
    reference["From"] = SENDER
    reference["To"] = message.recipient
    reference["Subject"] = message.subject
    reference["Message-ID"] = f"<{message.send_key}@example.com>"
    for name, value in (message.headers or {}).items():
        reference[name] = value
    reference.set_content(message.body)
    if message.body_html:
        reference.add_alternative(message.body_html, subtype="html")
    reference["Content-Language"] = message.language
    return reference


def _read(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize("case", CASES)
def test_an_e_mail_reads_as_the_standard_librarys(case):
    message = CASES[case]
    ours = _read(build_email(message, SENDER, "example.com").as_bytes())
    theirs = _read(_reference(message).as_bytes())
    for name in ("From", "To", "Subject", "Message-ID", "Content-Language", "MIME-Version",
                 *(message.headers or {})):
        assert str(ours[name]) == str(theirs[name]), name
    assert ours["Date"] is not None and ours.get_content_type() == theirs.get_content_type()
    for kind in ("plain", "html"):
        mine, reference = ours.get_body((kind,)), theirs.get_body((kind,))
        assert (mine is None) == (reference is None)
        if mine is not None:
            assert mine.get_content() == reference.get_content()
            assert mine.get_content_charset() == "utf-8"


def test_lines_stay_within_the_limits_and_links_are_not_broken():
    raw = build_email(CASES["polish, text and html"], SENDER, "example.com").as_bytes()
    head = raw.split(b"\n\n", 1)[0].decode("ascii")  # every header line is ASCII
    assert f"List-Unsubscribe: {LONG_LINK}" in head.splitlines()
    assert all(len(line) <= 998 for line in raw.splitlines())
    assert raw.count(b"MIME-Version") == 1


@pytest.mark.parametrize("subject", ["Awizo\r\nBcc: someone@example.com", "Awizo\nBcc: ktoś@example.com"])
def test_a_line_break_in_a_header_never_makes_another_header(subject):
    message = SimpleNamespace(**{**vars(CASES["ukrainian, long subject"]), "subject": subject})
    try:
        raw = build_email(message, SENDER, "example.com").as_bytes()
    except HeaderParseError:
        return  # refused: the worker reports it as the message's error and tries again later
    assert _read(raw)["Bcc"] is None


def test_an_address_with_a_domain_that_is_not_ascii_is_written_for_smtputf8():
    message = SimpleNamespace(**{**vars(CASES["ukrainian, long subject"]), "recipient": "olena@приклад.укр"})
    built = build_email(message, SENDER, "example.com")
    assert isinstance(built, EmailMessage)
    assert "To: olena@приклад.укр".encode() in built.as_bytes(policy=built.policy.clone(utf8=True))
