"""Wording of the messages about a case, in Polish and English: plain functions returning text.

Every message carries the case number and the case link, so nobody has to ask what is
happening or retell their story. SMS stay within two segments even with Polish diacritics.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from notices.cases import DECISIONS, KINDS, STATUSES, label
from notices.messages import EmailContent, language_or_default


def _day(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%d.%m.%Y")


def confirm_sms(language: str, case_number: str, code: str, minutes: int) -> str:
    """The first message to a phone given with a case: the number at once, and the code."""
    if language_or_default(language) == "en":
        return f"Awizo: complaint {case_number} received. Code {code} confirms this number ({minutes} min)."
    return f"Awizo: reklamacja {case_number} przyjęta. Kod {code} potwierdza ten numer ({minutes} min)."


def confirm_email(language: str, case_number: str, link: str, case_url: str, hours: int) -> EmailContent:
    """The first e-mail to an address given with a case: the number, the case link, the confirm link."""
    if language_or_default(language) == "en":
        return EmailContent(
            language="en", subject=f"Complaint {case_number} received — confirm your e-mail",
            heading=f"Your complaint number: {case_number}",
            paragraphs=(f"Keep this number. Everything about your complaint is on one page: {case_url}",
                        f"Press the button on the page behind the link below to get updates by e-mail "
                        f"(valid for {hours} hours)."),
            closing=("If it was not you, ignore this message.",),
            link_label="Confirm this address", link_url=link,
        )
    return EmailContent(
        language="pl", subject=f"Reklamacja {case_number} przyjęta — potwierdź adres e-mail",
        heading=f"Numer Twojej reklamacji: {case_number}",
        paragraphs=(f"Zachowaj ten numer. Wszystko o reklamacji jest na jednej stronie: {case_url}",
                    f"Naciśnij przycisk na stronie pod linkiem poniżej, aby dostawać informacje e-mailem "
                    f"(link ważny {hours} godz.)."),
        closing=("Jeśli to nie Ty, zignoruj tę wiadomość.",),
        link_label="Potwierdź ten adres", link_url=link,
    )


def status_sms(language: str, case_number: str, status: str, case_url: str, due_at: datetime | None, tz: str,
               decision: str | None = None) -> str:
    lang = language_or_default(language)
    if decision:
        what = label(DECISIONS, decision, lang)
        return (f"Awizo: complaint {case_number} decided: {what}. Letter and details: {case_url}" if lang == "en"
                else f"Awizo: reklamacja {case_number} rozpatrzona: {what}. Pismo i szczegóły: {case_url}")
    state = label(STATUSES, status, lang)
    due = f" {'by' if lang == 'en' else 'do'} {_day(due_at, tz)}" if due_at else ""
    if lang == "en":
        return f"Awizo: complaint {case_number}: {state}, answer{due}. {case_url}"
    return f"Awizo: reklamacja {case_number}: {state}, odpowiedź{due}. {case_url}"


def status_email(language: str, case_number: str, status: str, case_url: str, due_at: datetime | None, tz: str,
                 *, note: str | None = None, decision: str | None = None, reason: str | None = None) -> EmailContent:
    lang = language_or_default(language)
    en = lang == "en"
    if decision:
        what = label(DECISIONS, decision, lang)
        subject = f"Complaint {case_number} decided: {what}" if en else f"Reklamacja {case_number} rozpatrzona: {what}"
        paragraphs: tuple[str, ...] = ((f"Decision: {what}." if en else f"Decyzja: {what}."),)
        if reason:
            paragraphs += ((f"Reason: {reason}" if en else f"Uzasadnienie: {reason}"),)
        paragraphs += (("The signed decision letter and the evidence are on the case page."
                        if en else "Podpisane pismo z decyzją i materiał dowodowy są na stronie reklamacji."),)
    else:
        state = label(STATUSES, status, lang)
        subject = f"Complaint {case_number}: {state}" if en else f"Reklamacja {case_number}: {state}"
        paragraphs = ((f"Status: {state}." if en else f"Stan: {state}."),)
        if due_at:
            paragraphs += ((f"You will have an answer by {_day(due_at, tz)}." if en
                            else f"Odpowiedź otrzymasz do {_day(due_at, tz)}."),)
        if note:
            paragraphs += (note,)
    return EmailContent(
        language=lang, subject=subject, heading=subject, paragraphs=paragraphs,
        facts=(("Case number" if en else "Numer reklamacji", case_number),),
        link_label="Open the case" if en else "Otwórz reklamację", link_url=case_url,
    )


def sender_email(case_number: str, event: str, tracking_number: str, kind: str, status: str, portal_url: str,
                 decision: str | None = None, reason: str | None = None) -> EmailContent:
    """To the sender's people: bilingual, as the portal is."""
    what = {"opened": ("Nowa reklamacja", "New complaint"), "updated": ("Zmiana w reklamacji", "Complaint updated"),
            "decided": ("Reklamacja rozpatrzona", "Complaint decided")}[event]
    subject = f"{what[0]} / {what[1]}: {case_number} ({tracking_number})"
    paragraphs: tuple[str, ...] = (f"{label(KINDS, kind, 'pl')} / {label(KINDS, kind, 'en')}",
                  f"Stan / Status: {label(STATUSES, status, 'pl')} / {label(STATUSES, status, 'en')}")
    if decision:
        paragraphs += (f"Decyzja / Decision: {label(DECISIONS, decision, 'pl')} / {label(DECISIONS, decision, 'en')}",)
    if reason:
        paragraphs += (reason,)
    return EmailContent(
        language="pl", subject=subject, heading=subject, paragraphs=paragraphs,
        facts=(("Przesyłka / Item", tracking_number), ("Reklamacja / Case", case_number)),
        link_label="Portal", link_url=portal_url,
    )
