"""Wording of the messages that confirm a recipient's contacts, in the recipient's language.

Pure functions returning text; the wording is in the gettext catalogs (Polish msgids, see
:mod:`notices.i18n`). SMS are kept short (one or two segments even with Polish diacritics);
the code is never part of a link, so link scanners cannot confirm for anyone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from notices.i18n import language_or_default, translations
from notices.messages import EmailContent


def confirm_sms(language: str, code: str, minutes: int) -> str:
    _ = translations(language).gettext
    return _("Awizo: kod potwierdzenia {code} (ważny {minutes} min). Nie podawaj go nikomu.").format(
        code=code, minutes=minutes)


def delegate_sms(language: str, code: str, principal_name: str, code_url: str) -> str:
    _ = translations(language).gettext
    who = (principal_name or "").split()[0][:20] if principal_name else ""
    return _("Awizo: {who} dodał(a) Cię do powiadomień. Kod {code}, wpisz: {url}").format(
        who=who, code=code, url=code_url)


def confirm_email(language: str, link: str, hours: int, principal_name: str | None = None) -> EmailContent:
    """The e-mail that confirms an address: one link, valid ``hours``; ignoring it changes nothing."""
    _ = translations(language).gettext
    intro = (_("{name} dodał(a) Cię do powiadomień Awizo o swojej korespondencji.").format(name=principal_name)
             if principal_name else _("Poproszono o powiadomienia Awizo o przesyłkach poleconych."))
    return EmailContent(
        language=language_or_default(language), subject=_("Potwierdź adres e-mail do powiadomień Awizo"),
        heading=_("Potwierdź adres e-mail"),
        paragraphs=(intro, _("Otwórz link poniżej i naciśnij przycisk, aby potwierdzić (ważny {hours} godz.).")
                    .format(hours=hours)),
        closing=(_("Jeśli to nie Ty, zignoruj tę wiadomość: nic więcej nie wyślemy."),),
        link_label=_("Potwierdź ten adres"), link_url=link,
    )


def letter_text(language: str, name: str, code: str, signup_url: str) -> str:
    """Body of the paper letter that carries a claim code to the address."""
    _ = translations(language).gettext
    return _("Szanowna Pani / Szanowny Panie {name},\n\npoproszono o powiadomienia Awizo o przesyłkach "
             "na ten adres.\nJeśli to Ty, wpisz ten kod na stronie {url} : {code}\n"
             "Jeśli to nie Ty, zignoruj ten list.\n").format(name=name, url=signup_url, code=code)


def _day(value: date) -> str:
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


@dataclass(frozen=True)
class WaitingItem:
    """An item already waiting for a recipient who has just opted in."""

    tracking_number: str
    sender_name: str
    collect_by: date | None
    deemed_served_on: date | None
    url: str


def waiting_items_sms(language: str, items: list[WaitingItem]) -> str:
    """One SMS: how many items wait, the nearest last day, the record of that item."""
    _ = translations(language).gettext
    first = min(items, key=lambda i: i.collect_by or date.max)
    day = _day(first.collect_by) if first.collect_by else "—"
    return _("Awizo: czeka już na Ciebie {count} przes.; {number} do {day}. {url}").format(
        count=len(items), number=first.tracking_number, day=day, url=first.url)


def waiting_items_email(language: str, items: list[WaitingItem]) -> EmailContent:
    """Every waiting item with its sender, last day and (official letters) deemed-service date."""
    _ = translations(language).gettext
    lines = []
    for item in sorted(items, key=lambda i: i.collect_by or date.max):
        until = _day(item.collect_by) if item.collect_by else "—"
        line = _("{number} od: {sender}: odbiór do {day}").format(
            number=item.tracking_number, sender=item.sender_name, day=until)
        if item.deemed_served_on:
            line += _("; jeśli nieodebrana, uznana za doręczoną {day}").format(day=_day(item.deemed_served_on))
        lines.append(f"{line} — {item.url}")
    first = min(items, key=lambda i: i.collect_by or date.max)
    return EmailContent(
        language=language_or_default(language), subject=_("Czekające na Ciebie przesyłki: {count}").format(count=len(items)),
        heading=_("Przesyłki, które już na Ciebie czekają"),
        paragraphs=(_("Powiadomienia są włączone. Te przesyłki awizowano, zanim się zapisałeś(-aś):"), *lines),
        link_label=_("Historia przesyłki z najbliższym terminem"), link_url=first.url,
    )
