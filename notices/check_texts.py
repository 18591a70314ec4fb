"""Checks on an attempt in plain words, in the reader's language, with their figures filled in."""
from __future__ import annotations

from typing import Any

from babel.numbers import get_decimal_symbol

from notices.i18n import N_, language_or_default, translations

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


def _decimal(text: str, lang: str) -> str:
    """``text`` with the decimal separator of ``lang`` (Babel's locale data: "2,1" in Polish)."""
    return text.replace(".", get_decimal_symbol(language_or_default(lang)))


def duration(seconds: float, lang: str) -> str:
    """``273600`` → "3 d 4 h" (PL "3 dni 4 godz."); under a day in hours and minutes."""
    words = translations(lang)
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    parts = [words.ngettext("{n} dzień", "{n} dni", days).format(n=days) if days else "",
             words.gettext("{n} godz.").format(n=hours) if hours else "",
             words.gettext("{n} min").format(n=minutes) if minutes and not days else ""]
    return " ".join(p for p in parts if p) or words.gettext("{n} min").format(n=0)


def distance(metres: float, lang: str) -> str:
    """``2100`` → "2.1 km" (PL "2,1 km"); under a kilometre to the nearest 10 m ("40 m")."""
    if metres < 1000:
        return f"{round(metres, -1):.0f} m" if metres >= 10 else f"{round(metres):.0f} m"
    text = f"{metres / 1000:.1f} km"
    return _decimal(text, lang)


def distance_sentence(metres: float, lang: str) -> str:
    """The distance from the address as the record page says it."""
    return translations(lang).gettext("zeskanowano {distance} od Twojego adresu").format(distance=distance(metres, lang))


def _number(value: object, lang: str) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return _decimal(text, lang)


TEXTS = {
    "far_from_address": N_("Skan wykonano {distance} od adresu adresata (dopuszczalne do {threshold})."),
    "at_depot": N_("Skan wykonano w placówce {pickup_point} ({depot_distance} od niej), a nie pod adresem."),
    "implausible_speed": N_("Poprzedni skan doręczyciela był {distance} dalej i {seconds} s wcześniej: to "
                            "{speed_kmh} km/h, prędkość nieosiągalna dla doręczyciela."),
    "burst": N_("{attempts} prób doręczenia pod {addresses} różnymi adresami w ciągu {window_s} s."),
    "outside_hours": N_("Skan o {local_time}, poza godzinami doręczeń ({hours})."),
    "poor_accuracy": N_("Niska dokładność pozycji GPS: ±{accuracy_m} m (próg {limit_m} m)."),
    "clock_skew": N_("Zegar urządzenia różnił się od zegara serwera o {skew_s} s (tolerancja {tolerance_s} s)."),
    "no_notice_printed": N_("Odnotowano pozostawienie awiza, ale na urządzeniu nie wydrukowano awiza papierowego."),
    "late_record": N_("Próbę zapisano w systemie {delay} po czasie podanym przez doręczyciela (tolerancja {tolerance})."),
}


def text(check: dict[str, Any], lang: str) -> str:
    """The sentence for one check (``{"code", ...figures}``) in ``lang``."""
    code = check["code"]
    if code not in TEXTS:
        return str(code).replace("_", " ")
    values: dict[str, Any] = {k: v for k, v in check.items() if isinstance(v, str)}
    values.update({k: _number(v, lang) for k, v in check.items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)})
    for name in ("distance_m", "threshold_m", "depot_distance_m"):
        if isinstance(check.get(name), (int, float)):
            values[name.removesuffix("_m")] = distance(check[name], lang)
    if code == "late_record":
        values["delay"], values["tolerance"] = duration(check["delay_s"], lang), duration(check["tolerance_s"], lang)
    return translations(lang).gettext(TEXTS[code]).format_map(_Missing(values))


class _Missing(dict[str, Any]):
    """A figure an old stored check lacks shows as a dash instead of failing the page."""

    def __missing__(self, key: str) -> str:
        return "—"
