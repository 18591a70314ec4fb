"""What a proof states about itself in words: evidential weight, collection, statutory basis.

Each weakness of the record is a sentence of its own (an unsigned scan, a scan without a GPS
position, a late record, a check raised, an alert that failed), never a row left out, so a
reader weighs the evidence without having to notice what is missing. Plain data and a language
in, sentences out.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from notices.i18n import translations

LATE_RECORD_MINUTES = 15
OFFICIAL_LETTER = "pl_official_letter"


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def evidential_weight(record: dict[str, Any], lang: str = "pl") -> list[str]:
    """Every weakness of the record, one sentence each in ``lang``; one sentence saying so when there is none."""
    _ = translations(lang).gettext
    out: list[str] = []
    for number, attempt in enumerate(record.get("attempts") or [], 1):
        device = attempt.get("device_evidence") or {}
        if not device.get("signed"):
            out.append(_("Próba {number}: skan nie jest podpisany przez urządzenie doręczyciela.").format(number=number))
        location = attempt.get("location")
        if not location or device.get("no_fix"):
            out.append(_("Próba {number}: brak pozycji GPS w chwili skanu.").format(number=number))
        occurred, recorded = _time(attempt.get("occurred_at")), _time(attempt.get("recorded_at"))
        if occurred and recorded and (recorded - occurred).total_seconds() > LATE_RECORD_MINUTES * 60:
            minutes = int((recorded - occurred).total_seconds() // 60)
            out.append(_("Próba {number}: zapisana na serwerze {minutes} min po czasie urządzenia.").format(
                number=number, minutes=minutes))
        for check in attempt.get("checks") or []:
            text = check.get("text")
            if text:
                out.append(_("Próba {number}: kontrola — {text}").format(number=number, text=text))
        for flag in device.get("flag_details") or []:
            flag_text = flag.get(lang) or flag.get("en") or flag.get("pl")
            out.append(_("Próba {number}: {text}.").format(number=number, text=flag_text))
    for alert in record.get("notifications") or []:
        if alert.get("status") in ("failed", "undelivered"):
            channel = str(alert.get("channel", "")).upper()
            out.append(_("Powiadomienie {channel} nie zostało dostarczone ({status}).").format(
                channel=channel, status=alert["status"]))
    if not out:
        out.append(_("Nie stwierdzono słabości zapisu: każdy skan podpisany, z pozycją GPS, zapisany na czas, "
                     "bez uwag kontroli, żadne powiadomienie nie zawiodło."))
    return out


def collection(record: dict[str, Any]) -> tuple[str, str] | None:
    """When and by whom a collected item was collected (None if it was not)."""
    if record.get("status") != "collected":
        return None
    event = next((e for e in reversed(record.get("events") or []) if e.get("kind") == "collected"), None)
    data = (event or {}).get("data") or {}
    when = (event or {}).get("occurred_at") or ((record.get("deadlines") or {}).get("collected_at"))
    who = data.get("collected_by") or "—"
    return when or "—", who


def statutory_basis(record: dict[str, Any], lang: str = "pl") -> str:
    """Where the dates on the proof come from, in ``lang``."""
    _ = translations(lang).gettext
    if record.get("service") == OFFICIAL_LETTER:
        return _("Kodeks postępowania administracyjnego, art. 44 (awizo, powtórne awizo po 7 dniach, odbiór w 14 dni)")
    name = record.get("service_name") or {}
    service = name.get("pl") or record.get("service")
    return _("Zasady usługi: {service}").format(service=_(service) if service else service)
