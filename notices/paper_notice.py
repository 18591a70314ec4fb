"""The wording of the paper notice (awizo) a carrier prints and leaves, in Polish and the item's language.

Readable at a glance: what arrived, where and until when to collect it, what happens if it
is not collected, and where to see the record (the QR code). Plain data in, strings out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from notices.i18n import LANGUAGES, N_, translations


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
    """The blocks of the notice in ``language`` (the gettext catalogs; Polish is the source)."""
    _ = translations(language).gettext
    if facts.deemed_service:
        otherwise = _(
            "Jeśli nie odbierzesz przesyłki, zostawimy powtórne awizo. Nieodebrana w ciągu {days} dni "
            "od pierwszego awiza zostanie uznana za doręczoną {date} (art. 44 KPA) "
            "i wróci do nadawcy.").format(days=facts.hold_days, date=_date(facts.collect_by))
    elif facts.repeat_notice:
        otherwise = _("Jeśli nie odbierzesz przesyłki, zostawimy powtórne awizo; po {days} dniach "
                      "przesyłka wróci do nadawcy.").format(days=facts.hold_days)
    else:
        otherwise = _("Nieodebrana przesyłka wróci do nadawcy.")
    service = _(facts.service_pl)
    what = (_("{service} nr {number} od: {sender}") if facts.sender_name else _("{service} nr {number}")).format(
        service=service, number=facts.tracking_number, sender=facts.sender_name)
    return {
        "title": _("AWIZO — przesyłka czeka na odbiór"),
        "what": what,
        "attempt": _("Próba doręczenia: {time}").format(time=facts.left_at.strftime("%d.%m.%Y %H:%M")),
        "where_label": _("Odbierz w:"),
        "where": f"{facts.pickup_name}, {facts.pickup_address}",
        "hours": _("Godziny otwarcia: {hours}").format(hours=facts.pickup_hours) if facts.pickup_hours else "",
        "until_label": _("Do kiedy:"),
        "until": _date(facts.collect_by),
        "otherwise": otherwise,
        "bring": _("Zabierz dokument tożsamości i to awizo."),
        "qr": _("Zeskanuj kod QR: zobaczysz zapis tej próby doręczenia i zapiszesz się na powiadomienia SMS/e-mail."),
    }


DEVICE_NOTICE_TEXTS = {
    "title": N_("AWIZO — przesyłka czeka na odbiór"),
    "item": N_("Przesyłka"),
    "what": N_("{service} nr {number}"),
    "what_from": N_("{service} nr {number} od: {sender}"),
    "attempt": N_("Próba doręczenia: {time}"),
    "where_label": N_("Odbierz w:"),
    "hours": N_("Godziny otwarcia: {hours}"),
    "until_label": N_("Do kiedy:"),
    "until_unknown": N_("termin w zapisie pod kodem QR"),
    "otherwise_deemed": N_(
        "Jeśli nie odbierzesz przesyłki, zostawimy powtórne awizo. Nieodebrana w ciągu {days} dni "
        "od pierwszego awiza zostanie uznana za doręczoną {date} (art. 44 KPA) "
        "i wróci do nadawcy."),
    "otherwise_repeat": N_("Jeśli nie odbierzesz przesyłki, zostawimy powtórne awizo; po {days} dniach "
                           "przesyłka wróci do nadawcy."),
    "otherwise_return": N_("Nieodebrana przesyłka wróci do nadawcy."),
    "otherwise_unknown": N_("Co się stanie, jeśli nie odbierzesz przesyłki, zobaczysz w zapisie pod kodem QR."),
    "bring": N_("Zabierz dokument tożsamości i to awizo."),
    "qr": N_("Zeskanuj kod QR: zobaczysz zapis tej próby doręczenia i zapiszesz się na powiadomienia SMS/e-mail."),
    "note": N_("Awizo wydrukowane na urządzeniu; kod QR i kod alertów działają od chwili, gdy skan dotrze "
               "do systemu."),
}
"""The notice a handheld makes offline (app/static/handheld/notice.js) from these templates."""


def device_notice_texts(service_names: dict[str, str]) -> dict[str, dict[str, str]]:
    """Per language: the device notice's templates and the services' names (by service code)."""
    out = {}
    for lang in LANGUAGES:
        _ = translations(lang).gettext
        out[lang] = {**{key: _(msgid) for key, msgid in DEVICE_NOTICE_TEXTS.items()},
                     **{f"service:{code}": _(name) for code, name in service_names.items()}}
    return out
