"""``/dev/outbox``: the messages the development outbox kept, for a person to read.

Exists only while ``DEV_OUTBOX`` is on and some channel has no real provider; otherwise 404,
so a production deployment with Twilio and SMTP configured never shows it.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template

from app.extensions import db
from app.messaging.outbox_settings import OutboxSettings, held_until
from app.messaging.providers import channels, dev_outbox_in_use
from app.messaging.providers.dev_outbox import DevOutbox
from app.models import OutboxMessage
from app.models.types import utcnow
from notices.sms import held_text

bp = Blueprint("dev", __name__, url_prefix="/dev", template_folder="templates")


def _dev_channels() -> list[str]:
    if not dev_outbox_in_use(current_app):
        abort(404)
    return [name for name, channel in channels(current_app).items() if isinstance(channel, DevOutbox)]


@bp.get("/outbox")
def outbox():
    names = _dev_channels()
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.channel.in_(names))
        .order_by(OutboxMessage.id.desc()).limit(200)
    ).all()
    settings, now = OutboxSettings.from_app(current_app), utcnow()
    zone = current_app.config["OPERATOR_TIMEZONE"]
    held = {m.id: held_text(until, zone) for m in messages
            if (until := held_until(db.session, m, now=now, settings=settings)) is not None}
    return render_template("dev/outbox.html", messages=messages, channels=names, held=held)


@bp.get("/outbox/<int:message_id>.html")
def outbox_html(message_id: int):
    names = _dev_channels()
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.channel not in names or not message.body_html:
        abort(404)
    return message.body_html
