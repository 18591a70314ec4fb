"""``/dev/outbox``: the messages the development outbox kept, for a person to read.

Exists only while ``DEV_OUTBOX`` is on and some channel has no real provider; otherwise 404,
so a production deployment with Twilio and SMTP configured never shows it.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, render_template

from app.messaging.providers import channels, dev_outbox_in_use
from app.messaging.providers.dev_outbox import DevOutbox
from flask import Blueprint

bp = Blueprint("dev", __name__, url_prefix="/dev", template_folder="templates")
from app.extensions import db
from app.models import OutboxMessage


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
    return render_template("dev/outbox.html", messages=messages, channels=names)


@bp.get("/outbox/<int:message_id>.html")
def outbox_html(message_id: int):
    names = _dev_channels()
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.channel not in names or not message.body_html:
        abort(404)
    return message.body_html
