"""The device evidence of an attempt as plain data, for its record, pages and proof."""
from __future__ import annotations

from datetime import timezone

from notices.i18n import LANGUAGES, N_, translations

FLAG_TEXT = {
    "sequence_gap": N_("Luka w numeracji skanów urządzenia"),
    "sequence_reordered": N_("Skan dotarł po skanie o wyższym numerze"),
    "sequence_replayed": N_("Numer skanu użyty ponownie"),
    "device_clock_skew": N_("Zegar urządzenia niezgodny z zegarem serwera"),
    "time_before_previous_scan": N_("Czas skanu wcześniejszy niż poprzedniego skanu"),
    "no_fix": N_("Brak pozycji GPS w chwili skanu"),
    "unsigned": N_("Skan niepodpisany przez urządzenie"),
    "outside_carrier_scope": N_("Przesyłka czeka w innej placówce niż placówka doręczyciela"),
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
            {"code": code, **{lang: translations(lang).gettext(FLAG_TEXT[code]) if code in FLAG_TEXT else code
                              for lang in LANGUAGES}}
            for code in evidence.flags or []
        ],
        "details": evidence.details or {},
    }
