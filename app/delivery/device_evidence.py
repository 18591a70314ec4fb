"""The device evidence of an attempt as plain data, for its record, pages and proof."""
from __future__ import annotations

from datetime import timezone

FLAG_TEXT = {
    "sequence_gap": ("Luka w numeracji skanów urządzenia", "Gap in the device's scan sequence"),
    "sequence_reordered": ("Skan dotarł po skanie o wyższym numerze", "Scan arrived after a later-numbered scan"),
    "sequence_replayed": ("Numer skanu użyty ponownie", "Scan sequence number used again"),
    "device_clock_skew": ("Zegar urządzenia niezgodny z zegarem serwera", "Device clock disagrees with the server clock"),
    "time_before_previous_scan": ("Czas skanu wcześniejszy niż poprzedniego skanu", "Scan time earlier than the device's previous scan"),
    "no_fix": ("Brak pozycji GPS w chwili skanu", "No GPS fix at the time of the scan"),
    "unsigned": ("Skan niepodpisany przez urządzenie", "Scan not signed by the device"),
    "outside_carrier_scope": ("Przesyłka czeka w innej placówce niż placówka doręczyciela",
                              "The item waits at a pickup point other than the carrier's"),
}


def _iso(value):
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if value else None


def evidence_data(attempt) -> dict | None:
    """``None`` for attempts from token-only clients that reported a position."""
    evidence = getattr(attempt, "device_evidence", None)
    if evidence is None:
        return None
    return {
        "signed": evidence.signed,
        "signature_verified": evidence.signed,
        "sequence": evidence.sequence,
        "key_fingerprint": evidence.key_fingerprint,
        "device_sent_at": _iso(evidence.device_sent_at),
        "clock_skew_s": evidence.clock_skew_s,
        "no_fix": evidence.no_fix,
        "flags": list(evidence.flags or []),
        "flag_details": [
            {"code": code, "pl": FLAG_TEXT.get(code, (code, code))[0], "en": FLAG_TEXT.get(code, (code, code))[1]}
            for code in evidence.flags or []
        ],
        "details": evidence.details or {},
    }
