"""How the portal shows times and statuses to a person: local time, words instead of codes."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import format_datetime, gettext

from app.web.i18n import current_language
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


def local_time(value, with_seconds: bool = False) -> str:
    """An ISO string or aware datetime, in the operator's time zone, e.g. '2026-11-23 17:06'."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    # Babel, in the operator's time zone (Flask-Babel's time zone selector, app.web.i18n).
    return format_datetime(value, "yyyy-MM-dd HH:mm:ss" if with_seconds else "yyyy-MM-dd HH:mm")


def held_text(until) -> str:
    """An SMS held by quiet hours until ``until`` (ISO or datetime), in the page's language:
    "wstrzymany do 08:00 (godziny ciszy)" / "held until 08:00 (quiet hours)", operator's time."""
    if isinstance(until, str):
        until = datetime.fromisoformat(until.replace("Z", "+00:00"))
    words = held_words(until, current_app.config.get("OPERATOR_TIMEZONE") or "Europe/Warsaw")
    return words[current_language()]


def init_app(app) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["status_label"] = status_label
    app.jinja_env.filters["held_text"] = held_text
