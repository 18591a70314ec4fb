"""Wording of the lifecycle alerts: repeat notice, reminder, and the end told to the sender.

Pure functions in the recipient's language (gettext catalogs, Polish msgids). Dates are local dates (the caller converts to the
operator's time zone); SMS texts stay within two segments (see :mod:`notices.sms`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from notices.i18n import N_, language_or_default, translations
from notices.messages import EmailContent
from notices.sms import fit_segments

SMS_MAX_SEGMENTS = 2


@dataclass(frozen=True)
class LifecycleAlert:
    """What the recipient (or the sender) needs to know at one step of the lifecycle."""

    tracking_number: str
    sender_name: str | None
    pickup_name: str
    pickup_address: str
    collect_by: date
    verify_url: str
    language: str = "pl"
    deemed_served_on: date | None = None
    sender_reference: str | None = None
    repeat_notice_left_at: datetime | None = None
    """When the carrier left the repeat notice, in the operator's local time."""


def _d(value: date | None) -> str:
    if value is None:
        return "—"
    return f"{value.day:02d}.{value.month:02d}.{value.year}"  # DD.MM.YYYY, as on Polish notices


def _day_and_time(value: datetime | None) -> str:
    """DD.MM HH:MM, short enough for an SMS (the year is in the deadline next to it)."""
    return "—" if value is None else f"{value.day:02d}.{value.month:02d} {value.hour:02d}:{value.minute:02d}"


def _dt(value: datetime | None) -> str:
    return "—" if value is None else f"{_d(value.date())} {value.hour:02d}:{value.minute:02d}"


def _consequence(alert: LifecycleAlert) -> str:
    _ = translations(alert.language).gettext
    if alert.deemed_served_on:
        return _("Jeśli nie zostanie odebrana, pismo uważa się za doręczone {date} "
                 "(skutek prawny jak przy odbiorze) i wraca do nadawcy.").format(date=_d(alert.deemed_served_on))
    return _("Jeśli nie zostanie odebrana w tym terminie, wraca do nadawcy.")


SMS_TEMPLATES = {
    "repeat_notice": N_("Powtórne awizo należne: {number} w {pickup} do {deadline}. {url}"),
    "repeat_notice_left": N_("Powtórne awizo {left}: {number} w {pickup} do {deadline}. {url}"),
    "reminder": N_("Awizo: {number} odbierz do jutra ({deadline}) w {pickup}. {url}"),
}


@lru_cache(maxsize=4096)
def _fitted_pickup(template: str, pickup: str, number_len: int, url_len: int) -> str:
    """The pickup name as :func:`fit_segments` shortens it for this template and these lengths.

    The shortening depends only on the lengths of the other parts (plain ASCII), so it is worked
    out once per pickup point instead of once per message.
    """
    used = []

    def render(value: str) -> str:
        used.append(value)
        return template.format(number="R" * number_len, pickup=value, deadline="00.00.0000", url="x" * url_len,
                               left="00.00 00:00")

    fit_segments(render, pickup, SMS_MAX_SEGMENTS)
    return used[-1]


def _sms(kind: str, alert: LifecycleAlert) -> str:
    template = translations(alert.language).gettext(SMS_TEMPLATES[kind])
    values = {"number": alert.tracking_number, "deadline": _d(alert.collect_by), "url": alert.verify_url,
              "left": _day_and_time(alert.repeat_notice_left_at)}
    if not (alert.tracking_number + alert.verify_url).isascii() or any(c in "^{}\\[~]|" for c in alert.verify_url):
        return fit_segments(lambda pickup: template.format(pickup=pickup, **values), alert.pickup_name, SMS_MAX_SEGMENTS)
    pickup = _fitted_pickup(template, alert.pickup_name, len(alert.tracking_number), len(alert.verify_url))
    return template.format(pickup=pickup, **values)


def repeat_notice_sms(alert: LifecycleAlert) -> str:
    return _sms("repeat_notice", alert)


def repeat_notice_left_sms(alert: LifecycleAlert) -> str:
    return _sms("repeat_notice_left", alert)


def reminder_sms(alert: LifecycleAlert) -> str:
    return _sms("reminder", alert)


def _recipient_email(alert: LifecycleAlert, kind: str) -> EmailContent:
    _ = translations(alert.language).gettext
    facts: tuple[tuple[str, str], ...] = (
        (_("Przesyłka"), alert.tracking_number),
        (_("Nadawca"), alert.sender_name or ("—")),
        (_("Gdzie"), f"{alert.pickup_name}, {alert.pickup_address}"),
        (_("Odbiór do"), _d(alert.collect_by)),
    )
    if alert.deemed_served_on:
        facts += ((_("Doręczenie uznane za dokonane"), _d(alert.deemed_served_on)),)
    if kind == "repeat_notice":
        subject = _("Powtórne awizo: przesyłka {number} nadal czeka na odbiór").format(number=alert.tracking_number)
        heading = _("Powtórne awizo")
        first = _("Twoja przesyłka polecona nie została jeszcze odebrana. Przypada termin pozostawienia "
                  "powtórnego awizo pod Twoim adresem; napiszemy, gdy doręczyciel je pozostawi.")
    elif kind == "repeat_notice_left":
        subject = _("Powtórne awizo pozostawione: przesyłka {number} czeka na odbiór").format(
            number=alert.tracking_number)
        heading = _("Powtórne awizo pozostawione")
        first = _("Powtórne awizo zostało pozostawione pod Twoim adresem {time}.").format(
            time=_dt(alert.repeat_notice_left_at))
    else:
        subject = _("Jutro mija termin odbioru przesyłki {number}").format(number=alert.tracking_number)
        heading = _("Jutro ostatni dzień")
        first = _("Przesyłkę można odebrać do {date}.").format(date=_d(alert.collect_by))
    return EmailContent(
        language=language_or_default(alert.language), subject=subject, heading=heading,
        paragraphs=(first, _consequence(alert)), facts=facts,
        link_label=_("Historia przesyłki"), link_url=alert.verify_url,
    )


def repeat_notice_email_content(alert: LifecycleAlert) -> EmailContent:
    return _recipient_email(alert, "repeat_notice")


def repeat_notice_left_email_content(alert: LifecycleAlert) -> EmailContent:
    return _recipient_email(alert, "repeat_notice_left")


def reminder_email_content(alert: LifecycleAlert) -> EmailContent:
    return _recipient_email(alert, "reminder")





def outcome_email_content(alert: LifecycleAlert, outcome: str) -> EmailContent:
    """To the sender: the item was not collected; deemed served (with the date) or returned."""
    _ = translations(alert.language).gettext
    ref = f" ({alert.sender_reference})" if alert.sender_reference else ""
    values = {"number": alert.tracking_number, "ref": ref, "collect_by": _d(alert.collect_by),
              "deemed": _d(alert.deemed_served_on)}
    if outcome == "deemed_served":
        subject = _("Przesyłka {number}{ref} uznana za doręczoną {deemed}").format(**values)
        first = _("Przesyłka nie została odebrana do {collect_by}. Doręczenie uważa się za dokonane "
                  "{deemed} (art. 44 KPA); pismo wraca do nadawcy.").format(**values)
    elif outcome == "deemed_service_not_established":
        subject = _("Przesyłka {number}{ref} nieodebrana: brak podstaw do uznania doręczenia").format(**values)
        first = _("Przesyłka nie została odebrana do {collect_by}, ale doręczenia nie można uznać "
                  "za dokonane: brak zapisu, że powtórne awizo zostało w terminie pozostawione pod adresem "
                  "(art. 44 KPA wymaga obu awizo). Prosimy nie traktować pisma jako doręczonego; "
                  "pismo wraca do nadawcy.").format(**values)
    else:
        subject = _("Przesyłka {number}{ref} nieodebrana: zwrot do nadawcy").format(**values)
        first = _("Przesyłka nie została odebrana do {collect_by} i wraca do nadawcy.").format(**values)
    return EmailContent(
        language=language_or_default(alert.language), subject=subject,
        heading=_("Przesyłka nieodebrana"),
        paragraphs=(first,), facts=((_("Przesyłka"), alert.tracking_number),),
        link_label=_("Historia i dowód doręczenia"),
        link_url=alert.verify_url,
    )


def deadline_sentence(language: str, collect_by: date, deemed_served_on: date | None) -> str:
    """The dates in plain words, for records, pages and the paper notice."""
    _ = translations(language).gettext
    text = _("Przesyłkę można odebrać do {date}.").format(date=_d(collect_by))
    if deemed_served_on:
        text += " " + _("Jeśli nie zostanie odebrana, pismo uważa się za doręczone {date} "
                        "— ze skutkiem prawnym takim jak odbiór.").format(date=_d(deemed_served_on))
    return text


def not_established_sentence(language: str) -> str:
    """For the record of an uncollected official letter whose repeat notice is not evidenced."""
    _ = translations(language).gettext
    return _("Przesyłka nie została odebrana, a doręczenia NIE uznaje się za dokonane: brak zapisu, że powtórne "
             "awizo zostało pozostawione w terminie. Pismo wraca do nadawcy.")


def late_record_sentence(language: str, claimed: datetime, recorded: datetime) -> str:
    """When the notice reached the system long after the time the carrier gave (local times)."""
    _ = translations(language).gettext
    return _("Doręczyciel podał {claimed} jako czas pozostawienia awiza, ale trafiło ono do systemu dopiero "
             "{recorded}; terminy powyżej liczą się od czasu podanego przez doręczyciela.").format(
                 claimed=_dt(claimed), recorded=_dt(recorded))
