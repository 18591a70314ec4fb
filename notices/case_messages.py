"""Wording of the messages about a case, in the recipient's language: plain functions returning text.

Every message carries the case number and the case link, so nobody has to ask what is
happening or retell their story. SMS stay within two segments even with Polish diacritics.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from notices import dates
from notices.cases import DECISIONS, KINDS, STATUSES, label
from notices.i18n import language_or_default, translations
from notices.messages import EmailContent


def _day(value: datetime, tz: str) -> str:
    """A day in an SMS: digits only (dd.mm.yyyy), the shortest in every language."""
    return value.astimezone(ZoneInfo(tz)).strftime("%d.%m.%Y")


def confirm_sms(language: str, case_number: str, code: str, minutes: int) -> str:
    """The first message to a phone given with a case: the number at once, and the code."""
    _ = translations(language).gettext
    return _("Awizo: reklamacja {number} przyjęta. Kod {code} potwierdza ten numer ({minutes} min).").format(
        number=case_number, code=code, minutes=minutes)


def confirm_email(language: str, case_number: str, link: str, case_url: str, hours: int) -> EmailContent:
    """The first e-mail to an address given with a case: the number, the case link, the confirm link."""
    _ = translations(language).gettext
    return EmailContent(
        language=language_or_default(language),
        subject=_("Reklamacja {number} przyjęta — potwierdź adres e-mail").format(number=case_number),
        heading=_("Numer Twojej reklamacji: {number}").format(number=case_number),
        paragraphs=(_("Zachowaj ten numer. Wszystko o reklamacji jest na jednej stronie: {url}").format(url=case_url),
                    _("Naciśnij przycisk na stronie pod linkiem poniżej, aby dostawać informacje e-mailem "
                      "(link ważny {hours} godz.).").format(hours=hours)),
        closing=(_("Jeśli to nie Ty, zignoruj tę wiadomość."),),
        link_label=_("Potwierdź ten adres"), link_url=link,
    )


def status_sms(language: str, case_number: str, status: str, case_url: str, due_at: datetime | None, tz: str,
               decision: str | None = None) -> str:
    lang = language_or_default(language)
    _ = translations(lang).gettext
    if decision:
        what = label(DECISIONS, decision, lang)
        return _("Awizo: reklamacja {number} rozpatrzona: {decision}. Pismo i szczegóły: {url}").format(
            number=case_number, decision=what, url=case_url)
    state = label(STATUSES, status, lang)
    if due_at:
        return _("Awizo: reklamacja {number}: {status}, odpowiedź do {date}. {url}").format(
            number=case_number, status=state, date=_day(due_at, tz), url=case_url)
    return _("Awizo: reklamacja {number}: {status}, odpowiedź. {url}").format(
        number=case_number, status=state, url=case_url)


def status_email(language: str, case_number: str, status: str, case_url: str, due_at: datetime | None, tz: str,
                 *, note: str | None = None, decision: str | None = None, reason: str | None = None) -> EmailContent:
    lang = language_or_default(language)
    _ = translations(lang).gettext
    if decision:
        what = label(DECISIONS, decision, lang)
        subject = _("Reklamacja {number} rozpatrzona: {decision}").format(number=case_number, decision=what)
        paragraphs: tuple[str, ...] = (_("Decyzja: {decision}.").format(decision=what),)
        if reason:
            paragraphs += (_("Uzasadnienie: {reason}").format(reason=reason),)
        paragraphs += (_("Podpisane pismo z decyzją i materiał dowodowy są na stronie reklamacji."),)
    else:
        state = label(STATUSES, status, lang)
        subject = _("Reklamacja {number}: {status}").format(number=case_number, status=state)
        paragraphs = (_("Stan: {status}.").format(status=state),)
        if due_at:
            paragraphs += (_("Odpowiedź otrzymasz do {date}.").format(date=dates.day(due_at, lang, tz)),)
        if note:
            paragraphs += (note,)
    return EmailContent(
        language=lang, subject=subject, heading=subject, paragraphs=paragraphs,
        facts=((_("Numer reklamacji"), case_number),),
        link_label=_("Otwórz reklamację"), link_url=case_url,
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
