"""The wording of the paper notice (awizo) a carrier prints and leaves, in Polish and English.

Readable at a glance: what arrived, where and until when to collect it, what happens if it
is not collected, and where to see the record (the QR code). Plain data in, strings out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class NoticeFacts:
    tracking_number: str
    service_pl: str
    service_en: str
    sender_name: str | None
    left_at: datetime            # local time of the attempt
    collect_by: datetime         # local end of the collection period
    pickup_name: str
    pickup_address: str
    pickup_hours: str | None
    repeat_notice: bool          # a second notice follows if the item is not collected
    hold_days: int               # days from the first notice the item is held
    deemed_service: bool         # KPA art. 44: uncollected = served on the last day
    verify_url: str


def _date(value: datetime) -> str:
    return value.strftime("%d.%m.%Y")


def notice_text(facts: NoticeFacts, language: str) -> dict[str, str]:
    """The blocks of the notice in ``language`` ("pl" or "en")."""
    pl = language == "pl"
    if facts.deemed_service:
        otherwise = (
            f"Jeśli nie odbierzesz przesyłki, zostawimy powtórne awizo. Nieodebrana w ciągu {facts.hold_days} dni "
            f"od pierwszego awiza zostanie uznana za doręczoną {_date(facts.collect_by)} (art. 44 KPA) "
            "i wróci do nadawcy."
            if pl else
            f"If you do not collect it, a repeat notice will be left. If it is still not collected within "
            f"{facts.hold_days} days of this first notice, it is deemed served on {_date(facts.collect_by)} "
            "(Polish KPA art. 44) and returned to the sender.")
    elif facts.repeat_notice:
        otherwise = (
            f"Jeśli nie odbierzesz przesyłki, zostawimy powtórne awizo; po {facts.hold_days} dniach "
            "przesyłka wróci do nadawcy." if pl else
            f"If you do not collect it, a repeat notice will be left; after {facts.hold_days} days the "
            "item is returned to the sender.")
    else:
        otherwise = ("Nieodebrana przesyłka wróci do nadawcy." if pl
                     else "If it is not collected, it is returned to the sender.")
    service = facts.service_pl if pl else facts.service_en
    return {
        "title": "AWIZO — przesyłka czeka na odbiór" if pl else "NOTICE — an item is waiting for you",
        "what": (f"{service} nr {facts.tracking_number}" if pl else f"{service} no. {facts.tracking_number}")
        + (f" od: {facts.sender_name}" if pl and facts.sender_name else "")
        + (f" from: {facts.sender_name}" if not pl and facts.sender_name else ""),
        "attempt": (f"Próba doręczenia: {facts.left_at.strftime('%d.%m.%Y %H:%M')}" if pl
                    else f"Delivery attempted: {facts.left_at.strftime('%d.%m.%Y %H:%M')}"),
        "where_label": "Odbierz w:" if pl else "Collect at:",
        "where": f"{facts.pickup_name}, {facts.pickup_address}",
        "hours": (f"Godziny otwarcia: {facts.pickup_hours}" if pl else f"Opening hours: {facts.pickup_hours}")
        if facts.pickup_hours else "",
        "until_label": "Do kiedy:" if pl else "Until:",
        "until": _date(facts.collect_by),
        "otherwise": otherwise,
        "bring": ("Zabierz dokument tożsamości i to awizo." if pl
                  else "Bring an identity document and this notice."),
        "qr": ("Zeskanuj kod QR: zobaczysz zapis tej próby doręczenia i zapiszesz się na powiadomienia SMS/e-mail."
               if pl else "Scan the QR code to see the record of this attempt and sign up for SMS/e-mail alerts."),
    }
