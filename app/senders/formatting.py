"""How the portal shows times and statuses to a person: local time, words instead of codes."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.web.i18n import current_language
from notices.sms import held_text as held_words

STATUS_LABELS = {
    "registered": ("zarejestrowana", "registered"),
    "awaiting_collection": ("czeka na odbiór (awizo)", "awaiting collection (notice left)"),
    "delivered": ("doręczona", "delivered"),
    "collected": ("odebrana w placówce", "collected"),
    "refused": ("odmowa przyjęcia", "refused"),
    "undeliverable": ("niedoręczalna", "undeliverable"),
    "returned": ("zwrócona do nadawcy", "returned to sender"),
    "deemed_served": ("doręczenie zastępcze", "deemed served"),
    "deemed_service_not_established": ("nieodebrana, doręczenia nie można uznać (brak powtórnego awizo)",
                                       "not collected, deemed service not established (no repeat notice)"),
    "queued": ("w kolejce", "queued"), "sending": ("wysyłanie", "sending"), "sent": ("wysłane", "sent"),
    "undelivered": ("niedostarczone", "undelivered"), "failed": ("nieudane", "failed"),
    "cancelled": ("anulowane", "cancelled"),
}


def status_label(status: str | None) -> str:
    if not status:
        return ""
    pl, en = STATUS_LABELS.get(status, (status.replace("_", " "),) * 2)
    return pl if current_language() == "pl" else en


def local_time(value, tz: str, with_seconds: bool = False) -> str:
    """An ISO string or aware datetime, in the time zone ``tz``, e.g. '2026-11-23 17:06'."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    zone = ZoneInfo(tz)
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


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
