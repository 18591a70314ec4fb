"""How the portal shows times and statuses to a person: local time, words instead of codes."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext

from app.web.i18n import current_language
from notices import dates
from notices.i18n import N_
from notices.sms import held_text as held_words

STATUS_LABELS = {
    "registered": N_("zarejestrowana"),
    "awaiting_collection": N_("czeka na odbiór (awizo)"),
    "delivered": N_("doręczona"),
    "collected": N_("odebrana w placówce"),
    "refused": N_("odmowa przyjęcia"),
    "undeliverable": N_("niedoręczalna"),
    "returned": N_("zwrócona do nadawcy"),
    "deemed_served": N_("doręczenie zastępcze"),
    "deemed_service_not_established": N_("nieodebrana, doręczenia nie można uznać (brak powtórnego awizo)"),
    "queued": N_("w kolejce"), "sending": N_("wysyłanie"), "sent": N_("wysłane"),
    "undelivered": N_("niedostarczone"), "failed": N_("nieudane"),
    "cancelled": N_("anulowane"),
}


def status_label(status: str | None) -> str:
    if not status:
        return ""
    name = STATUS_LABELS.get(status)
    return gettext(name) if name else status.replace("_", " ")


def local_time(value, tz: str, with_seconds: bool = False) -> str:
    """An ISO string or aware datetime, in the time zone ``tz`` and the page's language, by Babel:
    "23 lis 2026, 17:06" / "23 Nov 2026, 17:06" (``notices.dates.moment``)."""
    return dates.moment(value or None, tz, current_language(), seconds=with_seconds)


def held_text(until, tz: str) -> str:
    """An SMS held by quiet hours until ``until`` (ISO or datetime), in the page's language:
    "wstrzymany do 08:00 (godziny ciszy)" / "held until 08:00 (quiet hours)", in the time zone ``tz``."""
    if isinstance(until, str):
        until = datetime.fromisoformat(until.replace("Z", "+00:00"))
    words = held_words(until, tz)
    return words[current_language()]


def init_app(app) -> None:
    """The template filters; times are shown in the app's ``OPERATOR_TIMEZONE`` (read when a page renders)."""
    def operator_tz() -> str:
        return app.config.get("OPERATOR_TIMEZONE") or "Europe/Warsaw"

    app.jinja_env.filters["local_time"] = lambda value, with_seconds=False: local_time(value, operator_tz(), with_seconds)
    app.jinja_env.filters["status_label"] = status_label
    app.jinja_env.filters["held_text"] = lambda until: held_text(until, operator_tz())
