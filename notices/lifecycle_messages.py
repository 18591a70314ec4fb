"""Wording of the lifecycle alerts: repeat notice, reminder, and the end told to the sender.

Pure functions in Polish and English. Dates are local dates (the caller converts to the
operator's time zone); SMS texts stay within two segments (see :mod:`notices.sms`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from notices.messages import EmailContent, language_or_default
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


def _consequence(alert: LifecycleAlert, en: bool) -> str:
    if alert.deemed_served_on:
        if en:
            return (f"If it is not collected, the letter is deemed served on {_d(alert.deemed_served_on)} "
                    "(legally delivered, even unopened) and returned to the sender.")
        return (f"Jeśli nie zostanie odebrana, pismo uważa się za doręczone {_d(alert.deemed_served_on)} "
                "(skutek prawny jak przy odbiorze) i wraca do nadawcy.")
    if en:
        return "If it is not collected by then, it is returned to the sender."
    return "Jeśli nie zostanie odebrana w tym terminie, wraca do nadawcy."


SMS_TEMPLATES = {
    ("repeat_notice", "en"): "Awizo: a repeat notice is due. Item {number} awaits at {pickup} until {deadline}. {url}",
    ("repeat_notice", "pl"): "Powtórne awizo należne: {number} w {pickup} do {deadline}. {url}",
    ("repeat_notice_left", "en"): "Awizo: repeat notice left {left}. Item {number} awaits at {pickup} until "
                                  "{deadline}. {url}",
    ("repeat_notice_left", "pl"): "Powtórne awizo {left}: {number} w {pickup} do {deadline}. {url}",
    ("reminder", "en"): "Awizo: last day tomorrow ({deadline}) to collect {number} at {pickup}. {url}",
    ("reminder", "pl"): "Awizo: {number} odbierz do jutra ({deadline}) w {pickup}. {url}",
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
    template = SMS_TEMPLATES[(kind, language_or_default(alert.language))]
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
    en = language_or_default(alert.language) == "en"
    facts: tuple[tuple[str, str], ...] = (
        (("Item" if en else "Przesyłka"), alert.tracking_number),
        (("From" if en else "Nadawca"), alert.sender_name or ("—")),
        (("Where" if en else "Gdzie"), f"{alert.pickup_name}, {alert.pickup_address}"),
        (("Collect by" if en else "Odbiór do"), _d(alert.collect_by)),
    )
    if alert.deemed_served_on:
        facts += ((("Deemed served on" if en else "Doręczenie uznane za dokonane"), _d(alert.deemed_served_on)),)
    if kind == "repeat_notice":
        subject = (f"Repeat notice: item {alert.tracking_number} still awaits collection" if en
                   else f"Powtórne awizo: przesyłka {alert.tracking_number} nadal czeka na odbiór")
        heading = "Repeat notice" if en else "Powtórne awizo"
        first = ("Your registered item has not been collected yet. A repeat notice is due to be left at your "
                 "address; you will be told when the carrier has left it." if en else
                 "Twoja przesyłka polecona nie została jeszcze odebrana. Przypada termin pozostawienia "
                 "powtórnego awizo pod Twoim adresem; napiszemy, gdy doręczyciel je pozostawi.")
    elif kind == "repeat_notice_left":
        subject = (f"Repeat notice left: item {alert.tracking_number} still awaits collection" if en
                   else f"Powtórne awizo pozostawione: przesyłka {alert.tracking_number} czeka na odbiór")
        heading = "Repeat notice left" if en else "Powtórne awizo pozostawione"
        first = (f"A repeat notice was left at your address at {_dt(alert.repeat_notice_left_at)}." if en else
                 f"Powtórne awizo zostało pozostawione pod Twoim adresem {_dt(alert.repeat_notice_left_at)}.")
    else:
        subject = (f"Tomorrow is the last day to collect item {alert.tracking_number}" if en
                   else f"Jutro mija termin odbioru przesyłki {alert.tracking_number}")
        heading = "Last day tomorrow" if en else "Jutro ostatni dzień"
        first = (f"You can collect the item until {_d(alert.collect_by)}." if en
                 else f"Przesyłkę można odebrać do {_d(alert.collect_by)}.")
    return EmailContent(
        language="en" if en else "pl", subject=subject, heading=heading,
        paragraphs=(first, _consequence(alert, en)), facts=facts,
        link_label="The item's record" if en else "Historia przesyłki", link_url=alert.verify_url,
    )


def repeat_notice_email_content(alert: LifecycleAlert) -> EmailContent:
    return _recipient_email(alert, "repeat_notice")


def repeat_notice_left_email_content(alert: LifecycleAlert) -> EmailContent:
    return _recipient_email(alert, "repeat_notice_left")


def reminder_email_content(alert: LifecycleAlert) -> EmailContent:
    return _recipient_email(alert, "reminder")





def outcome_email_content(alert: LifecycleAlert, outcome: str) -> EmailContent:
    """To the sender: the item was not collected; deemed served (with the date) or returned."""
    en = language_or_default(alert.language) == "en"
    ref = f" ({alert.sender_reference})" if alert.sender_reference else ""
    if outcome == "deemed_served":
        subject = (f"Item {alert.tracking_number}{ref} deemed served on {_d(alert.deemed_served_on)}" if en
                   else f"Przesyłka {alert.tracking_number}{ref} uznana za doręczoną {_d(alert.deemed_served_on)}")
        first = (f"The item was not collected by {_d(alert.collect_by)}. Service is deemed made on "
                 f"{_d(alert.deemed_served_on)} (Code of Administrative Procedure, art. 44); the letter is "
                 "being returned to you." if en else
                 f"Przesyłka nie została odebrana do {_d(alert.collect_by)}. Doręczenie uważa się za dokonane "
                 f"{_d(alert.deemed_served_on)} (art. 44 KPA); pismo wraca do nadawcy.")
    elif outcome == "deemed_service_not_established":
        subject = (f"Item {alert.tracking_number}{ref} not collected: deemed service NOT established" if en
                   else f"Przesyłka {alert.tracking_number}{ref} nieodebrana: brak podstaw do uznania doręczenia")
        first = (f"The item was not collected by {_d(alert.collect_by)}, but service cannot be deemed made: "
                 "there is no record of the repeat notice being left at the address in time (Code of "
                 "Administrative Procedure, art. 44 needs both notices). Do not treat the letter as served; "
                 "it is being returned to you." if en else
                 f"Przesyłka nie została odebrana do {_d(alert.collect_by)}, ale doręczenia nie można uznać "
                 "za dokonane: brak zapisu, że powtórne awizo zostało w terminie pozostawione pod adresem "
                 "(art. 44 KPA wymaga obu awizo). Prosimy nie traktować pisma jako doręczonego; "
                 "pismo wraca do nadawcy.")
    else:
        subject = (f"Item {alert.tracking_number}{ref} not collected: returned to sender" if en
                   else f"Przesyłka {alert.tracking_number}{ref} nieodebrana: zwrot do nadawcy")
        first = (f"The item was not collected by {_d(alert.collect_by)} and is being returned to you." if en
                 else f"Przesyłka nie została odebrana do {_d(alert.collect_by)} i wraca do nadawcy.")
    return EmailContent(
        language="en" if en else "pl", subject=subject,
        heading="Not collected" if en else "Przesyłka nieodebrana",
        paragraphs=(first,), facts=((("Item" if en else "Przesyłka"), alert.tracking_number),),
        link_label="The item's record and proof" if en else "Historia i dowód doręczenia",
        link_url=alert.verify_url,
    )


def deadline_sentence(language: str, collect_by: date, deemed_served_on: date | None) -> str:
    """The dates in plain words, for records, pages and the paper notice."""
    if language_or_default(language) == "en":
        text = f"The item can be collected until {_d(collect_by)}."
        if deemed_served_on:
            text += (f" If it is not collected, the letter is deemed served on {_d(deemed_served_on)}, "
                     "with the same legal effect as if it had been received.")
        return text
    text = f"Przesyłkę można odebrać do {_d(collect_by)}."
    if deemed_served_on:
        text += (f" Jeśli nie zostanie odebrana, pismo uważa się za doręczone {_d(deemed_served_on)} "
                 "— ze skutkiem prawnym takim jak odbiór.")
    return text


def not_established_sentence(language: str) -> str:
    """For the record of an uncollected official letter whose repeat notice is not evidenced."""
    if language_or_default(language) == "en":
        return ("The item was not collected, and service is NOT deemed made: there is no record of the repeat "
                "notice being left in time. The letter is returned to the sender.")
    return ("Przesyłka nie została odebrana, a doręczenia NIE uznaje się za dokonane: brak zapisu, że powtórne "
            "awizo zostało pozostawione w terminie. Pismo wraca do nadawcy.")


def late_record_sentence(language: str, claimed: datetime, recorded: datetime) -> str:
    """When the notice reached the system long after the time the carrier gave (local times)."""
    if language_or_default(language) == "en":
        return (f"The carrier gave {_dt(claimed)} as the time of the notice, but it reached the system only on "
                f"{_dt(recorded)}; the dates above run from the time the carrier gave.")
    return (f"Doręczyciel podał {_dt(claimed)} jako czas pozostawienia awiza, ale trafiło ono do systemu dopiero "
            f"{_dt(recorded)}; terminy powyżej liczą się od czasu podanego przez doręczyciela.")
