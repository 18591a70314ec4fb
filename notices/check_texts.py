"""Checks on an attempt in plain words, Polish and English, with their figures filled in."""
from __future__ import annotations

from typing import Any

from notices.i18n import N_

# Short names of the checks, for tables (PL, EN).
CODE_NAMES = {
    "far_from_address": N_("daleko od adresu"),
    "at_depot": N_("w placówce"),
    "implausible_speed": N_("niemożliwa prędkość"),
    "burst": N_("seria skanów"),
    "outside_hours": N_("poza godzinami"),
    "poor_accuracy": N_("słaby GPS"),
    "clock_skew": N_("zegar urządzenia"),
    "no_notice_printed": N_("bez wydruku awiza"),
    "late_record": N_("zapis z opóźnieniem"),
}


def duration(seconds: float, lang: str) -> str:
    """``273600`` → "3 d 4 h" (PL "3 dni 4 godz."); under a day in hours and minutes."""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if lang == "pl":
        parts = [f"{days} {'dzień' if days == 1 else 'dni'}" if days else "", f"{hours} godz." if hours else "",
                 f"{minutes} min" if minutes and not days else ""]
    else:
        parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes and not days else ""]
    return " ".join(p for p in parts if p) or ("0 min")


def distance(metres: float, lang: str) -> str:
    """``2100`` → "2.1 km" (PL "2,1 km"); under a kilometre to the nearest 10 m ("40 m")."""
    if metres < 1000:
        return f"{round(metres, -1):.0f} m" if metres >= 10 else f"{round(metres):.0f} m"
    text = f"{metres / 1000:.1f} km"
    return text.replace(".", ",") if lang == "pl" else text


def distance_sentence(metres: float, lang: str) -> str:
    """The distance from the address as the record page says it."""
    if lang == "pl":
        return f"zeskanowano {distance(metres, lang)} od Twojego adresu"
    return f"scanned {distance(metres, lang)} from your address"


def _number(value: object, lang: str) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "pl" else text


def text(check: dict[str, Any], lang: str) -> str:
    """The sentence for one check (``{"code", ...figures}``) in ``lang`` ("pl" or "en")."""
    pl = lang == "pl"
    code = check["code"]
    f = {k: _number(v, lang) for k, v in check.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if code == "far_from_address":
        d, t = distance(check["distance_m"], lang), distance(check["threshold_m"], lang)
        return (f"Skan wykonano {d} od adresu adresata (dopuszczalne do {t})." if pl
                else f"Scanned {d} from the recipient's address (allowed up to {t}).")
    if code == "at_depot":
        d = distance(check["depot_distance_m"], lang)
        return (f"Skan wykonano w placówce {check['pickup_point']} ({d} od niej), a nie pod adresem." if pl
                else f"Scanned at the depot / pickup point {check['pickup_point']} ({d} from it), not at the address.")
    if code == "implausible_speed":
        d = distance(check["distance_m"], lang)
        return (f"Poprzedni skan doręczyciela był {d} dalej i {f['seconds']} s wcześniej: to {f['speed_kmh']} km/h, "
                "prędkość nieosiągalna dla doręczyciela." if pl
                else f"The carrier's previous scan was {d} away and {f['seconds']} s earlier: {f['speed_kmh']} km/h, "
                "a speed no courier reaches.")
    if code == "burst":
        return (f"{f['attempts']} prób doręczenia pod {f['addresses']} różnymi adresami w ciągu {f['window_s']} s." if pl
                else f"{f['attempts']} attempts at {f['addresses']} different addresses within {f['window_s']} s.")
    if code == "outside_hours":
        return (f"Skan o {check['local_time']}, poza godzinami doręczeń ({check['hours']})." if pl
                else f"Scanned at {check['local_time']}, outside delivery hours ({check['hours']}).")
    if code == "poor_accuracy":
        return (f"Niska dokładność pozycji GPS: ±{f['accuracy_m']} m (próg {f['limit_m']} m)." if pl
                else f"Poor GPS accuracy: ±{f['accuracy_m']} m (limit {f['limit_m']} m).")
    if code == "clock_skew":
        return (f"Zegar urządzenia różnił się od zegara serwera o {f['skew_s']} s (tolerancja {f['tolerance_s']} s)." if pl
                else f"The device clock differed from the server clock by {f['skew_s']} s (tolerance {f['tolerance_s']} s).")
    if code == "no_notice_printed":
        return ("Odnotowano pozostawienie awiza, ale na urządzeniu nie wydrukowano awiza papierowego." if pl
                else "A notice was recorded as left, but no paper notice was printed on the handheld.")
    if code == "late_record":
        delay, tolerance = duration(check["delay_s"], lang), duration(check["tolerance_s"], lang)
        return (f"Próbę zapisano w systemie {delay} po czasie podanym przez doręczyciela (tolerancja {tolerance})." if pl
                else f"The attempt reached the system {delay} after the time the carrier gave (tolerance {tolerance}).")
    return str(code).replace("_", " ")
