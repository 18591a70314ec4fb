"""Wording of the alerts sent to recipients, in Polish and English.

Pure functions: they take plain values and return text. Dates are formatted in the
operator's local time by the caller-provided ``deadline_local`` (an aware datetime).
Alert SMS texts and their segment budgets are in :mod:`notices.sms_texts`.
E-mails are built as :class:`EmailContent`, rendered as plain text here and as HTML by
the application's template, so both parts say the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from notices.sms_texts import SmsFacts, render_sms

LANGUAGES = ("pl", "en")


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
    addressee: str | None = None
    """The addressee's name when the alert goes to a delegate, so they know whose letter it is."""


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
    """A short SMS: what, from whom, where, until when (for official letters: deemed service), the link."""
    facts = SmsFacts(
        tracking_number=alert.tracking_number, deadline=alert.deadline_local.date(), url=alert.verify_url,
        sender=alert.sender_name, pickup=alert.pickup_name, addressee=alert.addressee,
        deemed_served_on=alert.deemed_service_local.date() if alert.deemed_service_local else None,
    )
    return render_sms("notice_left", facts, language_or_default(alert.language))


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
            subject=f"Notice: registered item {alert.tracking_number} awaits collection"
            + (f" (for {alert.addressee})" if alert.addressee else ""),
            heading="A registered item awaits you",
            paragraphs=(
                "We tried to deliver a registered item to you, but nobody could take it.",
                "A paper notice was left at your address; this message is in addition to it.",
            ) + ((f"You get this as an authorised person; the item is addressed to {alert.addressee}.",)
                 if alert.addressee else ()),
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
        subject=f"Awizo: przesyłka polecona {alert.tracking_number} czeka na odbiór"
        + (f" (adresat: {alert.addressee})" if alert.addressee else ""),
        heading="Czeka na Ciebie przesyłka polecona",
        paragraphs=(
            "Próbowaliśmy doręczyć Ci przesyłkę poleconą, ale nikt nie mógł jej odebrać.",
            "W skrzynce zostawiliśmy papierowe awizo; ta wiadomość jest dodatkiem do niego.",
        ) + ((f"Otrzymujesz tę wiadomość jako osoba upoważniona; przesyłka jest zaadresowana do: "
              f"{alert.addressee}.",) if alert.addressee else ()),
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
