"""What a proof states about itself in words: evidential weight, collection, statutory basis.

Each weakness of the record is a sentence of its own (an unsigned scan, a scan without a GPS
position, a late record, a check raised, an alert that failed), never a row left out, so a
reader weighs the evidence without having to notice what is missing. Plain data in, pairs of
(Polish, English) sentences out.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

LATE_RECORD_MINUTES = 15
OFFICIAL_LETTER = "pl_official_letter"


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def evidential_weight(record: dict[str, Any]) -> list[tuple[str, str]]:
    """Every weakness of the record, one sentence each; one sentence saying so when there is none."""
    out: list[tuple[str, str]] = []
    for number, attempt in enumerate(record.get("attempts") or [], 1):
        device = attempt.get("device_evidence") or {}
        if not device.get("signed"):
            out.append((f"Próba {number}: skan nie jest podpisany przez urządzenie doręczyciela.",
                        f"Attempt {number}: the scan is not signed by the carrier's device."))
        location = attempt.get("location")
        if not location or device.get("no_fix"):
            out.append((f"Próba {number}: brak pozycji GPS w chwili skanu.",
                        f"Attempt {number}: no GPS position at the time of the scan."))
        occurred, recorded = _time(attempt.get("occurred_at")), _time(attempt.get("recorded_at"))
        if occurred and recorded and (recorded - occurred).total_seconds() > LATE_RECORD_MINUTES * 60:
            minutes = int((recorded - occurred).total_seconds() // 60)
            out.append((f"Próba {number}: zapisana na serwerze {minutes} min po czasie urządzenia.",
                        f"Attempt {number}: recorded by the server {minutes} min after the device's time."))
        for check in attempt.get("checks") or []:
            text = check.get("text")
            if text:
                out.append((f"Próba {number}: kontrola — {text}", f"Attempt {number}: check raised — {text}"))
        for flag in device.get("flag_details") or []:
            out.append((f"Próba {number}: {flag['pl']}.", f"Attempt {number}: {flag['en']}."))
    for alert in record.get("notifications") or []:
        if alert.get("status") in ("failed", "undelivered"):
            channel = str(alert.get("channel", "")).upper()
            out.append((f"Powiadomienie {channel} nie zostało dostarczone ({alert['status']}).",
                        f"The {channel} alert was not delivered ({alert['status']})."))
    if not out:
        out.append(("Nie stwierdzono słabości zapisu: każdy skan podpisany, z pozycją GPS, zapisany na czas, "
                    "bez uwag kontroli, żadne powiadomienie nie zawiodło.",
                    "No weakness found: every scan signed, with a GPS position, recorded on time, no check "
                    "raised, no alert failed."))
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


def statutory_basis(record: dict[str, Any]) -> tuple[str, str]:
    """Where the dates on the proof come from."""
    if record.get("service") == OFFICIAL_LETTER:
        return ("Kodeks postępowania administracyjnego, art. 44 (awizo, powtórne awizo po 7 dniach, odbiór w 14 dni)",
                "Code of Administrative Procedure (KPA) art. 44 (notice, repeat notice after 7 days, 14 days to collect)")
    name = record.get("service_name") or {}
    return (f"Zasady usługi: {name.get('pl') or record.get('service')}",
            f"The service's rules: {name.get('en') or record.get('service')}")
