"""The alert SMS texts, each with a segment budget, in every language the app has.

Every alert SMS names the sender, the pickup point by its register name, the last day to
collect and the record's link; an official letter's SMS also warns that it is deemed served if
not collected; an SMS to a delegate starts by saying whose letter it is. A text that would
exceed its budget (:data:`SMS_BUDGETS`, in segments, counted by :func:`notices.sms.count_segments`)
is shortened only in its free-text parts — the pickup point's name, the sender's name, the
addressee's name — at word boundaries with an ellipsis; the item number, the dates and the
link are never cut.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from notices.i18n import N_, translations
from notices.sms import fit_fields

SMS_BUDGETS: dict[str, int] = {
    "notice_left": 4,
    "repeat_notice": 4,
    "repeat_notice_left": 4,
    "reminder": 4,
    "deemed_served": 4,
}
"""Most segments each alert may cost. Polish and Ukrainian texts are UCS-2 (67 characters a
part; so is an English text naming a Polish sender), a record link alone takes some 60 of
them, and an official letter's alert to a delegate must still name the addressee, the sender
and the pickup point besides the warning."""

OTHER_SMS_BUDGETS: dict[str, int] = {
    "contact_code": 2,    # notices.recipient_messages.confirm_sms
    "delegate_code": 2,   # notices.recipient_messages.delegate_sms
    "waiting_items": 2,   # notices.recipient_messages.waiting_items_sms
    "email_failed": 2,    # notices.messages.email_failed_sms
    "case_code": 2,       # notices.case_messages.confirm_sms
    "case_status": 3,     # notices.case_messages.status_sms (Polish statuses with a 43-character link)
}
"""Budgets of the other SMS (codes, case updates): short texts with one link at most."""

SMS_TEMPLATES: dict[str, str] = {
    "notice_left": N_("{prefix}{number}{from} czeka w {pickup} do {deadline}.{warning} {url}"),
    "repeat_notice": N_("{prefix}powtórne awizo należne. {number}{from} czeka w {pickup} do {deadline}."
                        "{warning} {url}"),
    "repeat_notice_left": N_("{prefix}powtórne awizo {left}. {number}{from} czeka w {pickup} do {deadline}."
                             "{warning} {url}"),
    "reminder": N_("{prefix}{number}{from} odbierz do jutra ({deadline}) w {pickup}.{warning} {url}"),
    "deemed_served": N_("{prefix}pismo {number}{from} nieodebrane w {pickup} do {deadline} uznaje się "
                        "za doręczone {deemed}. {url}"),
}
"""Each alert's template (Polish msgid; every language in the catalogs) with its optional parts."""

_PREFIX = N_("Awizo: ")
_PREFIX_FOR = N_("Awizo (adresat: {addressee}): ")
_FROM = N_(" od: {sender}")
_WARNING = N_(" Nieodebrane uznaje się za doręczone {deemed}.")


@dataclass(frozen=True)
class SmsFacts:
    """What an alert SMS says. Dates are the operator's local dates; ``left_at`` local time."""

    tracking_number: str
    deadline: date
    url: str
    language: str = "pl"
    sender: str | None = None
    pickup: str = ""
    deemed_served_on: date | None = None
    """Set for official letters only: their SMS carries the deemed-service warning."""
    addressee: str | None = None
    """Set when the SMS goes to a delegate: whose letter it is."""
    left_at: datetime | None = None


def _day(value: date | None) -> str:
    return "—" if value is None else f"{value.day:02d}.{value.month:02d}.{value.year}"


def _day_and_time(value: datetime | None) -> str:
    """DD.MM HH:MM, short enough for an SMS (the year is in the deadline next to it)."""
    return "—" if value is None else f"{value.day:02d}.{value.month:02d} {value.hour:02d}:{value.minute:02d}"


@lru_cache(maxsize=256)
def template_for(kind: str, language: str, *, sender: bool, warning: bool, delegate: bool) -> str:
    """The template of one alert with its optional parts put in (still with the free-text fields).

    Made once per process for each combination (the catalogs are loaded once, see
    :func:`notices.i18n.translations`): a sweep fits thousands of SMS to a few templates."""
    _ = translations(language).gettext
    template = _(SMS_TEMPLATES[kind])
    prefix = _(_PREFIX_FOR) if delegate else _(_PREFIX)
    return (template.replace("{prefix}", prefix)
            .replace("{from}", _(_FROM) if sender else "")
            .replace("{warning}", _(_WARNING) if warning else ""))


def render_sms(kind: str, facts: SmsFacts, language: str) -> str:
    """The SMS of ``kind`` in ``language`` (one of :data:`notices.i18n.LANGUAGES`), within its budget."""
    sender, addressee = (facts.sender or "").strip(), (facts.addressee or "").strip()
    template = template_for(kind, language, sender=bool(sender),
                            warning=facts.deemed_served_on is not None and kind != "deemed_served",
                            delegate=bool(addressee))
    fixed = {"number": facts.tracking_number, "deadline": _day(facts.deadline), "url": facts.url,
             "deemed": _day(facts.deemed_served_on), "left": _day_and_time(facts.left_at)}
    fields = {"pickup": facts.pickup.strip() or "—"}
    if sender:
        fields["sender"] = sender
    if addressee:
        fields["addressee"] = addressee

    def render(**free: str) -> str:
        return template.format(**fixed, **free)

    return fit_fields(render, fields, SMS_BUDGETS[kind])
