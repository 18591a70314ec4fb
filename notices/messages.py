"""Wording of the alerts sent to recipients, in Polish and English.

Pure functions: they take plain values and return text. Dates are formatted in the
operator's local time by the caller-provided ``deadline_local`` (an aware datetime).
SMS texts are kept within two segments, even in UCS-2 (see :mod:`notices.sms`).
E-mails are built as :class:`EmailContent`, rendered as plain text here and as HTML by
the application's template, so both parts say the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from notices.sms import fit_segments

LANGUAGES = ("pl", "en")
SMS_MAX_SEGMENTS = 2


def language_or_default(code: str | None) -> str:
    code = (code or "pl").lower()[:2]
    return code if code in LANGUAGES else "pl"


@dataclass(frozen=True)
class NoticeAlert:
    """What a recipient needs to know when a notice was left for them."""

    tracking_number: str
    sender_name: str | None
    pickup_name: str
    pickup_address: str
    deadline_local: datetime
    verify_url: str
    language: str = "pl"
    deemed_service_local: datetime | None = None
    signup_url: str | None = None


@dataclass(frozen=True)
class EmailContent:
    """One e-mail, independent of its format: a heading, paragraphs, facts and a link."""

    language: str
    subject: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    closing: tuple[str, ...] = ()
    link_label: str | None = None
    link_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _date(value: datetime) -> str:
    return value.strftime("%d.%m.%Y")


def notice_sms(alert: NoticeAlert) -> str:
    """A short SMS: what, where, until when, and the link to the record (≤ 2 segments)."""
    deadline = _date(alert.deadline_local)
    if language_or_default(alert.language) == "en":
        def render(pickup: str) -> str:
            return f"Awizo: item {alert.tracking_number} awaits at {pickup} until {deadline}. {alert.verify_url}"
    else:
        def render(pickup: str) -> str:
            return f"Awizo: przesyłka {alert.tracking_number} czeka w {pickup} do {deadline}. {alert.verify_url}"
    return fit_segments(render, alert.pickup_name, SMS_MAX_SEGMENTS)


def notice_email_content(alert: NoticeAlert) -> EmailContent:
    sender = alert.sender_name
    if language_or_default(alert.language) == "en":
        if alert.deemed_service_local:
            consequence = ("If it is not collected, the letter is deemed served on "
                           f"{_date(alert.deemed_service_local)} and returned to the sender.")
        else:
            consequence = "If it is not collected by then, it is returned to the sender."
        return EmailContent(
            language="en",
            subject=f"Notice: registered item {alert.tracking_number} awaits collection",
            heading="A registered item awaits you",
            paragraphs=(
                "We tried to deliver a registered item to you, but nobody could take it.",
                "A paper notice was left at your address; this message is in addition to it.",
            ),
            facts=(
                ("Item", alert.tracking_number + (f" from {sender}" if sender else "")),
                ("Collect it at", f"{alert.pickup_name}, {alert.pickup_address}"),
                ("Collect by", _date(alert.deadline_local)),
            ),
            closing=(consequence,
                     f"No paper notice in your mailbox? File a complaint, you get a case number at once: "
                     f"{alert.verify_url}/cases/new?from=alert")
            + ((f"Alerts for every item to your address: {alert.signup_url}",) if alert.signup_url else ()),
            link_label="The record of this delivery attempt",
            link_url=alert.verify_url,
        )
    if alert.deemed_service_local:
        consequence = ("Jeśli przesyłka nie zostanie odebrana, pismo uznaje się za doręczone "
                       f"{_date(alert.deemed_service_local)} i wraca do nadawcy.")
    else:
        consequence = "Jeśli nie zostanie odebrana w tym terminie, wróci do nadawcy."
    return EmailContent(
        language="pl",
        subject=f"Awizo: przesyłka polecona {alert.tracking_number} czeka na odbiór",
        heading="Czeka na Ciebie przesyłka polecona",
        paragraphs=(
            "Próbowaliśmy doręczyć Ci przesyłkę poleconą, ale nikt nie mógł jej odebrać.",
            "W skrzynce zostawiliśmy papierowe awizo; ta wiadomość jest dodatkiem do niego.",
        ),
        facts=(
            ("Przesyłka", alert.tracking_number + (f" od: {sender}" if sender else "")),
            ("Odbiór w", f"{alert.pickup_name}, {alert.pickup_address}"),
            ("Odbierz do", _date(alert.deadline_local)),
        ),
        closing=(consequence,
                 f"Nie ma awizo w skrzynce? Złóż reklamację, numer dostaniesz od razu: "
                 f"{alert.verify_url}/cases/new?from=alert")
        + ((f"Alerty o wszystkich przesyłkach na Twój adres: {alert.signup_url}",) if alert.signup_url else ()),
        link_label="Zapis tej próby doręczenia",
        link_url=alert.verify_url,
    )


def email_text(content: EmailContent) -> str:
    """The plain-text part of an e-mail."""
    lines = [content.heading, ""]
    lines += list(content.paragraphs)
    if content.facts:
        lines.append("")
        lines += [f"{label}: {value}" for label, value in content.facts]
    if content.closing:
        lines += list(content.closing)
    if content.link_url:
        lines += ["", f"{content.link_label}: {content.link_url}"]
    return "\n".join(lines) + "\n"



def unsubscribe_footer(language: str, url: str) -> str:
    if language_or_default(language) == "en":
        return f"You receive this because your address was given for Awizo alerts. Unsubscribe: {url}"
    return f"Otrzymujesz tę wiadomość, bo Twój adres podano do powiadomień Awizo. Wypisz się: {url}"


def manage_footer(language: str, url: str) -> str:
    if language_or_default(language) == "en":
        return f"Change or stop your alerts: {url}"
    return f"Zmień lub wyłącz powiadomienia: {url}"


# -- when one channel fails, the other one tells the recipient --------------------------------

def sms_failed_email(language: str, tracking_number: str, masked_phone: str, verify_url: str) -> EmailContent:
    """Told by e-mail: the SMS alert about an item could not be delivered to the number."""
    if language_or_default(language) == "en":
        return EmailContent(
            language="en",
            subject=f"We could not text you about item {tracking_number}",
            heading="Your SMS alert did not arrive",
            paragraphs=(
                f"The SMS alert about registered item {tracking_number} could not be delivered "
                f"to {masked_phone}.",
                "Please check the phone number you gave the sender. The item's record is below.",
            ),
            link_label="The record of the item", link_url=verify_url,
        )
    return EmailContent(
        language="pl",
        subject=f"Nie udało się wysłać SMS o przesyłce {tracking_number}",
        heading="SMS z powiadomieniem nie dotarł",
        paragraphs=(
            f"Nie udało się doręczyć SMS o przesyłce poleconej {tracking_number} na numer "
            f"{masked_phone}.",
            "Sprawdź numer telefonu podany nadawcy. Zapis przesyłki znajdziesz poniżej.",
        ),
        link_label="Zapis przesyłki", link_url=verify_url,
    )


def email_failed_sms(language: str, tracking_number: str, verify_url: str) -> str:
    """Told by SMS: the e-mail alert about an item bounced."""
    if language_or_default(language) == "en":
        text = f"Awizo: our e-mail about item {tracking_number} bounced. Check your address. {verify_url}"
    else:
        text = f"Awizo: e-mail o przesyłce {tracking_number} nie dotarł. Sprawdź adres. {verify_url}"
    return text


# -- opt-out and opt-in confirmations ---------------------------------------------------------

OPT_OUT_SMS = ("Awizo: nie wyślemy już SMS na ten numer. Odpisz START, aby wznowić. "
               "No more SMS to this number; reply START to resume.")
OPT_IN_SMS = ("Awizo: SMS wznowione. Odpisz STOP, aby je wyłączyć. "
              "SMS alerts resumed; reply STOP to stop them.")
