"""Wording of the messages that confirm a recipient's contacts, in Polish and English.

Pure functions returning text. SMS are kept short (one or two segments even with Polish
diacritics); the code is never part of a link, so link scanners cannot confirm for anyone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from notices.messages import EmailContent, language_or_default


def confirm_sms(language: str, code: str, minutes: int) -> str:
    if language_or_default(language) == "en":
        return f"Awizo: your confirmation code is {code} (valid {minutes} min). Do not share it."
    return f"Awizo: kod potwierdzenia {code} (ważny {minutes} min). Nie podawaj go nikomu."


def delegate_sms(language: str, code: str, principal_name: str, code_url: str) -> str:
    who = (principal_name or "").split()[0][:20] if principal_name else ""
    if language_or_default(language) == "en":
        return f"Awizo: {who} added you to their mail alerts. Code {code}, enter at {code_url}"
    return f"Awizo: {who} dodał(a) Cię do powiadomień. Kod {code}, wpisz: {code_url}"


def confirm_email(language: str, link: str, hours: int, principal_name: str | None = None) -> EmailContent:
    """The e-mail that confirms an address: one link, valid ``hours``; ignoring it changes nothing."""
    if language_or_default(language) == "en":
        intro = (f"{principal_name} added you to the Awizo alerts for their mail."
                 if principal_name else "You asked for Awizo alerts about registered mail.")
        return EmailContent(
            language="en", subject="Confirm your e-mail address for Awizo alerts",
            heading="Confirm your e-mail address",
            paragraphs=(intro, f"Open the link below and press the button to confirm (valid for {hours} hours)."),
            closing=("If it was not you, ignore this message: nothing will be sent to you.",),
            link_label="Confirm this address", link_url=link,
        )
    intro = (f"{principal_name} dodał(a) Cię do powiadomień Awizo o swojej korespondencji."
             if principal_name else "Poproszono o powiadomienia Awizo o przesyłkach poleconych.")
    return EmailContent(
        language="pl", subject="Potwierdź adres e-mail do powiadomień Awizo",
        heading="Potwierdź adres e-mail",
        paragraphs=(intro, f"Otwórz link poniżej i naciśnij przycisk, aby potwierdzić (ważny {hours} godz.)."),
        closing=("Jeśli to nie Ty, zignoruj tę wiadomość: nic więcej nie wyślemy.",),
        link_label="Potwierdź ten adres", link_url=link,
    )


def letter_text(language: str, name: str, code: str, signup_url: str) -> str:
    """Body of the paper letter that carries a claim code to the address."""
    if language_or_default(language) == "en":
        return (f"Dear {name},\n\nsomeone asked for Awizo alerts about the mail for this address.\n"
                f"If it was you, enter this code at {signup_url} : {code}\n"
                "If it was not you, ignore this letter.\n")
    return (f"Szanowna Pani / Szanowny Panie {name},\n\npoproszono o powiadomienia Awizo o przesyłkach "
            f"na ten adres.\nJeśli to Ty, wpisz ten kod na stronie {signup_url} : {code}\n"
            "Jeśli to nie Ty, zignoruj ten list.\n")


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
    first = min(items, key=lambda i: i.collect_by or date.max)
    day = _day(first.collect_by) if first.collect_by else "—"
    if language_or_default(language) == "en":
        return f"Awizo: {len(items)} item(s) already await you; {first.tracking_number} until {day}. {first.url}"
    return f"Awizo: czeka już na Ciebie {len(items)} przes.; {first.tracking_number} do {day}. {first.url}"


def waiting_items_email(language: str, items: list[WaitingItem]) -> EmailContent:
    """Every waiting item with its sender, last day and (official letters) deemed-service date."""
    en = language_or_default(language) == "en"
    lines = []
    for item in sorted(items, key=lambda i: i.collect_by or date.max):
        until = _day(item.collect_by) if item.collect_by else "—"
        if en:
            line = f"{item.tracking_number} from {item.sender_name}: collect by {until}"
            if item.deemed_served_on:
                line += f"; if not collected, deemed served on {_day(item.deemed_served_on)}"
        else:
            line = f"{item.tracking_number} od: {item.sender_name}: odbiór do {until}"
            if item.deemed_served_on:
                line += f"; jeśli nieodebrana, uznana za doręczoną {_day(item.deemed_served_on)}"
        lines.append(f"{line} — {item.url}")
    first = min(items, key=lambda i: i.collect_by or date.max)
    if en:
        return EmailContent(
            language="en", subject=f"{len(items)} registered item(s) already await you",
            heading="Items already waiting for you",
            paragraphs=("Your alerts are on. These items were left for you before you opted in:", *lines),
            link_label="The nearest deadline's record", link_url=first.url,
        )
    return EmailContent(
        language="pl", subject=f"Czekające na Ciebie przesyłki: {len(items)}",
        heading="Przesyłki, które już na Ciebie czekają",
        paragraphs=("Powiadomienia są włączone. Te przesyłki awizowano, zanim się zapisałeś(-aś):", *lines),
        link_label="Historia przesyłki z najbliższym terminem", link_url=first.url,
    )
