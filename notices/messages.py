"""Wording of the alerts sent to recipients, in Polish and English.

Pure functions: they take plain values and return text. Dates are formatted in the
operator's local time by the caller-provided ``deadline_local`` (an aware datetime).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

LANGUAGES = ("pl", "en")


def language_or_default(code: str | None) -> str:
    code = (code or "pl").lower()[:2]
    return code if code in LANGUAGES else "pl"


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


def _date(value: datetime) -> str:
    return value.strftime("%d.%m.%Y")


def notice_sms(alert: NoticeAlert) -> str:
    """A short SMS: what, where, until when, and the link to the record."""
    if language_or_default(alert.language) == "en":
        return (
            f"Awizo: item {alert.tracking_number} awaits at {alert.pickup_name} "
            f"until {_date(alert.deadline_local)}. {alert.verify_url}"
        )
    return (
        f"Awizo: przesyłka {alert.tracking_number} czeka w {alert.pickup_name} "
        f"do {_date(alert.deadline_local)}. {alert.verify_url}"
    )


def notice_email(alert: NoticeAlert) -> tuple[str, str]:
    """Subject and plain-text body of the notice e-mail."""
    sender = alert.sender_name
    if language_or_default(alert.language) == "en":
        subject = f"Notice: registered item {alert.tracking_number} awaits collection"
        lines = [
            "We tried to deliver a registered item to you, but nobody could take it.",
            "A paper notice was left at your address; this message is in addition to it.",
            "",
            f"Item: {alert.tracking_number}" + (f" from {sender}" if sender else ""),
            f"Collect it at: {alert.pickup_name}, {alert.pickup_address}",
            f"Collect by: {_date(alert.deadline_local)}",
        ]
        if alert.deemed_service_local:
            lines.append(
                "If it is not collected, the letter is deemed served on "
                f"{_date(alert.deemed_service_local)} and returned to the sender."
            )
        else:
            lines.append("If it is not collected by then, it is returned to the sender.")
        lines += ["", f"The record of this delivery attempt: {alert.verify_url}"]
    else:
        subject = f"Awizo: przesyłka polecona {alert.tracking_number} czeka na odbiór"
        lines = [
            "Próbowaliśmy doręczyć Ci przesyłkę poleconą, ale nikt nie mógł jej odebrać.",
            "W skrzynce zostawiliśmy papierowe awizo; ta wiadomość jest dodatkiem do niego.",
            "",
            f"Przesyłka: {alert.tracking_number}" + (f" od: {sender}" if sender else ""),
            f"Odbiór w: {alert.pickup_name}, {alert.pickup_address}",
            f"Odbierz do: {_date(alert.deadline_local)}",
        ]
        if alert.deemed_service_local:
            lines.append(
                "Jeśli przesyłka nie zostanie odebrana, pismo uznaje się za doręczone "
                f"{_date(alert.deemed_service_local)} i wraca do nadawcy."
            )
        else:
            lines.append("Jeśli nie zostanie odebrana w tym terminie, wróci do nadawcy.")
        lines += ["", f"Zapis tej próby doręczenia: {alert.verify_url}"]
    return subject, "\n".join(lines) + "\n"
