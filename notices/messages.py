"""Wording of the alerts sent to recipients, in their language (gettext catalogs, Polish msgids).

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

from notices import dates
from notices.i18n import LANGUAGES, language_or_default, translations
from notices.sms_texts import SmsFacts, render_sms

__all__ = ["LANGUAGES", "EmailContent", "NoticeAlert", "language_or_default"]


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


def notice_sms(alert: NoticeAlert) -> str:
    """A short SMS: what, from whom, where, until when (for official letters: deemed service), the link."""
    facts = SmsFacts(
        tracking_number=alert.tracking_number, deadline=alert.deadline_local.date(), url=alert.verify_url,
        sender=alert.sender_name, pickup=alert.pickup_name, addressee=alert.addressee,
        deemed_served_on=alert.deemed_service_local.date() if alert.deemed_service_local else None,
    )
    return render_sms("notice_left", facts, language_or_default(alert.language))


def notice_email_content(alert: NoticeAlert) -> EmailContent:
    _ = translations(alert.language).gettext
    sender = alert.sender_name
    if alert.deemed_service_local:
        consequence = _("Jeśli przesyłka nie zostanie odebrana, pismo uznaje się za doręczone "
                        "{date} i wraca do nadawcy.").format(date=dates.day(alert.deemed_service_local, alert.language))
    else:
        consequence = _("Jeśli nie zostanie odebrana w tym terminie, wróci do nadawcy.")
    return EmailContent(
        language=language_or_default(alert.language),
        subject=_("Awizo: przesyłka polecona {number} czeka na odbiór").format(number=alert.tracking_number)
        + (_(" (adresat: {addressee})").format(addressee=alert.addressee) if alert.addressee else ""),
        heading=_("Czeka na Ciebie przesyłka polecona"),
        paragraphs=(
            _("Próbowaliśmy doręczyć Ci przesyłkę poleconą, ale nikt nie mógł jej odebrać."),
            _("W skrzynce zostawiliśmy papierowe awizo; ta wiadomość jest dodatkiem do niego."),
        ) + ((_("Otrzymujesz tę wiadomość jako osoba upoważniona; przesyłka jest zaadresowana do: "
                "{addressee}.").format(addressee=alert.addressee),) if alert.addressee else ()),
        facts=(
            (_("Przesyłka"), alert.tracking_number + (_(" od: {sender}").format(sender=sender) if sender else "")),
            (_("Odbiór w"), f"{alert.pickup_name}, {alert.pickup_address}"),
            (_("Odbierz do"), dates.day(alert.deadline_local, alert.language)),
        ),
        closing=(consequence,
                 _("Nie ma awizo w skrzynce? Złóż reklamację, numer dostaniesz od razu: {url}").format(
                     url=f"{alert.verify_url}/cases/new?from=alert"))
        + ((_("Alerty o wszystkich przesyłkach na Twój adres: {url}").format(url=alert.signup_url),)
           if alert.signup_url else ()),
        link_label=_("Zapis tej próby doręczenia"),
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
    _ = translations(language).gettext
    return _("Otrzymujesz tę wiadomość, bo Twój adres podano do powiadomień Awizo. Wypisz się: {url}").format(url=url)


def manage_footer(language: str, url: str) -> str:
    _ = translations(language).gettext
    return _("Zmień lub wyłącz powiadomienia: {url}").format(url=url)


# -- when one channel fails, the other one tells the recipient --------------------------------

def sms_failed_email(language: str, tracking_number: str, masked_phone: str, verify_url: str) -> EmailContent:
    """Told by e-mail: the SMS alert about an item could not be delivered to the number."""
    _ = translations(language).gettext
    return EmailContent(
        language=language_or_default(language),
        subject=_("Nie udało się wysłać SMS o przesyłce {number}").format(number=tracking_number),
        heading=_("SMS z powiadomieniem nie dotarł"),
        paragraphs=(
            _("Nie udało się doręczyć SMS o przesyłce poleconej {number} na numer {phone}.").format(
                number=tracking_number, phone=masked_phone),
            _("Sprawdź numer telefonu podany nadawcy. Zapis przesyłki znajdziesz poniżej."),
        ),
        link_label=_("Zapis przesyłki"), link_url=verify_url,
    )


def email_failed_sms(language: str, tracking_number: str, verify_url: str) -> str:
    """Told by SMS: the e-mail alert about an item bounced."""
    _ = translations(language).gettext
    return _("Awizo: e-mail o przesyłce {number} nie dotarł. Sprawdź adres. {url}").format(
        number=tracking_number, url=verify_url)


# -- opt-out and opt-in confirmations ---------------------------------------------------------

OPT_OUT_SMS = ("Awizo: nie wyślemy już SMS na ten numer. Odpisz START, aby wznowić. "
               "No more SMS to this number; reply START to resume.")
OPT_IN_SMS = ("Awizo: SMS wznowione. Odpisz STOP, aby je wyłączyć. "
              "SMS alerts resumed; reply STOP to stop them.")
