"""Recipients' pages under /alerts: opt in, confirm contacts, delegates, preferences, own data.

Also the staff view of one person's history and the ``flask recipients`` commands that
issue claim codes to be sent by letter.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("recipients", __name__, url_prefix="/alerts", cli_group="recipients")


@bp.after_request
def _private(response):
    """Signed links sit in these URLs: never leak them in a Referer or a shared cache."""
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app) -> None:
    from app.recipients import cli, staff, views  # noqa: F401

    app.register_blueprint(bp)
    _use_subscribers_quiet_hours(app)


def _use_subscribers_quiet_hours(app) -> None:
    """SMS to a subscriber's number wait for the end of the quiet hours that person chose."""
    from app.services import outbox, subscriptions
    from notices.sms import QuietHours

    default = QuietHours.parse(app.config.get("SMS_QUIET_HOURS") or "21:00-08:00",
                               app.config.get("OPERATOR_TIMEZONE") or "Europe/Warsaw")
    outbox.set_quiet_hours_lookup(app, lambda session, message: subscriptions.quiet_hours_for(session, message, default))
