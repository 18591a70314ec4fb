"""Wording of the lifecycle alerts: repeat notice, reminder, and the end told to the sender.

Pure functions in Polish and English. Dates are local dates (the caller converts to the
operator's time zone); SMS texts and their budgets are in :mod:`notices.sms_texts`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from notices.messages import EmailContent, language_or_default
from notices.sms_texts import SmsFacts, render_sms


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
    addressee: str | None = None
    """The addressee's name when the alert goes to a delegate, so they know whose letter it is."""


def _d(value: date | None) -> str:
    if value is None:
        return "—"
    return f"{value.day:02d}.{value.month:02d}.{value.year}"  # DD.MM.YYYY, as on Polish notices


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


def _sms(kind: str, alert: LifecycleAlert) -> str:
    facts = SmsFacts(
        tracking_number=alert.tracking_number, deadline=alert.collect_by, url=alert.verify_url,
        sender=alert.sender_name, pickup=alert.pickup_name, deemed_served_on=alert.deemed_served_on,
        addressee=alert.addressee, left_at=alert.repeat_notice_left_at,
    )
    return render_sms(kind, facts, language_or_default(alert.language))


def repeat_notice_sms(alert: LifecycleAlert) -> str:
    return _sms("repeat_notice", alert)


def repeat_notice_left_sms(alert: LifecycleAlert) -> str:
    return _sms("repeat_notice_left", alert)


def reminder_sms(alert: LifecycleAlert) -> str:
    return _sms("reminder", alert)


def deemed_served_sms(alert: LifecycleAlert) -> str:
    """To the recipient: the letter was not collected and service is now deemed made."""
    return _sms("deemed_served", alert)


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
    elif kind == "deemed_served":
        subject = (f"Letter {alert.tracking_number} is deemed served on {_d(alert.deemed_served_on)}" if en
                   else f"Pismo {alert.tracking_number} uznane za doręczone {_d(alert.deemed_served_on)}")
        heading = "Deemed served" if en else "Doręczenie uznane za dokonane"
        first = (f"The letter was not collected by {_d(alert.collect_by)}. Both notices were left, so under the "
                 f"Code of Administrative Procedure (art. 44) it is deemed served on {_d(alert.deemed_served_on)}, "
                 "with the same legal effect as if you had received it; any time limit it sets runs from "
                 "that day. The letter is returned to the sender; ask the sender for a copy." if en else
                 f"Pismo nie zostało odebrane do {_d(alert.collect_by)}. Oba awizo zostały pozostawione, więc "
                 f"zgodnie z art. 44 KPA uważa się je za doręczone {_d(alert.deemed_served_on)}, ze skutkiem "
                 "prawnym takim jak odbiór; terminy, które w nim wyznaczono, biegną od tego dnia. Pismo wraca "
                 "do nadawcy; o jego kopię prosimy zwrócić się do nadawcy.")
    else:
        subject = (f"Tomorrow is the last day to collect item {alert.tracking_number}" if en
                   else f"Jutro mija termin odbioru przesyłki {alert.tracking_number}")
        heading = "Last day tomorrow" if en else "Jutro ostatni dzień"
        first = (f"You can collect the item until {_d(alert.collect_by)}." if en
                 else f"Przesyłkę można odebrać do {_d(alert.collect_by)}.")
    paragraphs: tuple[str, ...] = (first,) if kind == "deemed_served" else (first, _consequence(alert, en))
    if alert.addressee:
        subject += f" (for {alert.addressee})" if en else f" (adresat: {alert.addressee})"
        paragraphs += ((f"You get this as an authorised person; the item is addressed to {alert.addressee}.",)
                       if en else (f"Otrzymujesz tę wiadomość jako osoba upoważniona; przesyłka jest "
                                   f"zaadresowana do: {alert.addressee}.",))
    return EmailContent(
        language="en" if en else "pl", subject=subject, heading=heading,
        paragraphs=paragraphs, facts=facts,
        link_label="The item's record" if en else "Historia przesyłki", link_url=alert.verify_url,
    )


def repeat_notice_email_content(alert: LifecycleAlert) -> EmailContent:
    return _recipient_email(alert, "repeat_notice")


def repeat_notice_left_email_content(alert: LifecycleAlert) -> EmailContent:
    return _recipient_email(alert, "repeat_notice_left")


def reminder_email_content(alert: LifecycleAlert) -> EmailContent:
    return _recipient_email(alert, "reminder")


def deemed_served_email_content(alert: LifecycleAlert) -> EmailContent:
    """To the recipient: the letter is now deemed served, what that means, and the record."""
    return _recipient_email(alert, "deemed_served")





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


def state_sentence(language: str, status: str, collect_by: date, deemed_served_on: date | None, today: date,
                   collected_on: date | None = None) -> str:
    """Where the item stands today, in plain words, for the record page and the sender.

    While the item can still be collected the dates are said as conditions ("if it is not
    collected, … deemed served on …"); once the last day has passed the sentence says what
    happened instead, never what would happen.
    """
    en = language_or_default(language) == "en"
    if status in ("collected", "delivered"):
        if en:
            return f"The item was collected on {_d(collected_on)}." if collected_on else "The item was collected."
        return f"Przesyłka została odebrana {_d(collected_on)}." if collected_on else "Przesyłka została odebrana."
    if status == "deemed_served":
        if en:
            return (f"The item was not collected by {_d(collect_by)}. The letter was deemed served on "
                    f"{_d(deemed_served_on)}, with the same legal effect as if it had been received, and is "
                    "returned to the sender.")
        return (f"Przesyłka nie została odebrana do {_d(collect_by)}. Pismo uznano za doręczone "
                f"{_d(deemed_served_on)} — ze skutkiem prawnym takim jak odbiór — i wraca do nadawcy.")
    if status == "deemed_service_not_established":
        return not_established_sentence(language)
    if status == "returned":
        if en:
            return f"The item was not collected by {_d(collect_by)} and is returned to the sender."
        return f"Przesyłka nie została odebrana do {_d(collect_by)} i wraca do nadawcy."
    if today > collect_by:  # the last day is over; the sweep has not recorded the outcome yet
        if en:
            return (f"The item was not collected by {_d(collect_by)}, the last day to collect it; "
                    "what follows is being recorded.")
        return (f"Przesyłka nie została odebrana do {_d(collect_by)}, ostatniego dnia odbioru; "
                "dalszy los przesyłki jest właśnie zapisywany.")
    waiting = "The item awaits collection. " if en else "Przesyłka czeka na odbiór. "
    return waiting + deadline_sentence(language, collect_by, deemed_served_on)


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
