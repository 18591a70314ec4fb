"""Wording of the lifecycle alerts: repeat notice, reminder, and the end told to the sender.

Pure functions in the recipient's language (gettext catalogs, Polish msgids). Dates are local
dates (the caller converts to the operator's time zone); SMS texts and their budgets are in
:mod:`notices.sms_texts`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from notices import dates
from notices.i18n import language_or_default, translations
from notices.messages import EmailContent
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


def _consequence(alert: LifecycleAlert) -> str:
    _ = translations(alert.language).gettext
    if alert.deemed_served_on:
        return _("Jeśli nie zostanie odebrana, pismo uważa się za doręczone {date} "
                 "(skutek prawny jak przy odbiorze) i wraca do nadawcy.").format(date=dates.day(alert.deemed_served_on, alert.language))
    return _("Jeśli nie zostanie odebrana w tym terminie, wraca do nadawcy.")


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
    _ = translations(alert.language).gettext

    def _d(value: date | None) -> str:  # e-mails write days as CLDR does in the recipient's language
        return dates.day(value, alert.language)

    def _dt(value: datetime | None) -> str:
        return dates.moment(value, None, alert.language) if value else "—"

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
    elif kind == "deemed_served":
        subject = _("Pismo {number} uznane za doręczone {deemed}").format(
            number=alert.tracking_number, deemed=_d(alert.deemed_served_on))
        heading = _("Doręczenie uznane za dokonane")
        first = _("Pismo nie zostało odebrane do {collect_by}. Oba awizo zostały pozostawione, więc "
                  "zgodnie z art. 44 KPA uważa się je za doręczone {deemed}, ze skutkiem "
                  "prawnym takim jak odbiór; terminy, które w nim wyznaczono, biegną od tego dnia. Pismo wraca "
                  "do nadawcy; o jego kopię prosimy zwrócić się do nadawcy.").format(
                      collect_by=_d(alert.collect_by), deemed=_d(alert.deemed_served_on))
    else:
        subject = _("Jutro mija termin odbioru przesyłki {number}").format(number=alert.tracking_number)
        heading = _("Jutro ostatni dzień")
        first = _("Przesyłkę można odebrać do {date}.").format(date=_d(alert.collect_by))
    paragraphs: tuple[str, ...] = (first,) if kind == "deemed_served" else (first, _consequence(alert))
    if alert.addressee:
        subject += _(" (adresat: {addressee})").format(addressee=alert.addressee)
        paragraphs += (_("Otrzymujesz tę wiadomość jako osoba upoważniona; przesyłka jest zaadresowana do: "
                         "{addressee}.").format(addressee=alert.addressee),)
    return EmailContent(
        language=language_or_default(alert.language), subject=subject, heading=heading,
        paragraphs=paragraphs, facts=facts,
        link_label=_("Historia przesyłki"), link_url=alert.verify_url,
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


def state_sentence(language: str, status: str, collect_by: date, deemed_served_on: date | None, today: date,
                   collected_on: date | None = None) -> str:
    """Where the item stands today, in plain words, for the record page and the sender.

    While the item can still be collected the dates are said as conditions ("if it is not
    collected, … deemed served on …"); once the last day has passed the sentence says what
    happened instead, never what would happen.
    """
    _ = translations(language).gettext
    if status in ("collected", "delivered"):
        if collected_on:
            return _("Przesyłka została odebrana {date}.").format(date=_d(collected_on))
        return _("Przesyłka została odebrana.")
    if status == "deemed_served":
        return _("Przesyłka nie została odebrana do {collect_by}. Pismo uznano za doręczone "
                 "{deemed} — ze skutkiem prawnym takim jak odbiór — i wraca do nadawcy.").format(
                     collect_by=_d(collect_by), deemed=_d(deemed_served_on))
    if status == "deemed_service_not_established":
        return not_established_sentence(language)
    if status == "returned":
        return _("Przesyłka nie została odebrana do {date} i wraca do nadawcy.").format(date=_d(collect_by))
    if today > collect_by:  # the last day is over; the sweep has not recorded the outcome yet
        return _("Przesyłka nie została odebrana do {date}, ostatniego dnia odbioru; "
                 "dalszy los przesyłki jest właśnie zapisywany.").format(date=_d(collect_by))
    return _("Przesyłka czeka na odbiór.") + " " + deadline_sentence(language, collect_by, deemed_served_on)


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
