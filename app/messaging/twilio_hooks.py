"""``POST /webhooks/twilio/status`` and ``POST /webhooks/twilio/inbound``."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from wtforms import StringField

from app.extensions import db
from app.messaging import opt_outs, sms_status
from app.models.types import utcnow
from app.web.forms import OpenForm

bp = Blueprint("twilio_hooks", __name__, url_prefix="/webhooks/twilio")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class StatusCallback(OpenForm):
    """Twilio's status callback (signed by Twilio, so no CSRF token)."""

    MessageSid = StringField(default="")
    MessageStatus = StringField(default="")
    ErrorCode = StringField()


class InboundMessage(OpenForm):
    """An SMS sent to our number (signed by Twilio)."""

    Body = StringField()
    sender = StringField(name="From", default="")


def public_url() -> str:
    """The URL Twilio called, as the public sees it (not as the proxy forwarded it)."""
    query = request.query_string.decode()
    return current_app.config["PUBLIC_BASE_URL"] + request.path + (f"?{query}" if query else "")


def twilio_signed(view):
    @wraps(view)
    def checked(*args, **kwargs):
        token = current_app.config.get("TWILIO_AUTH_TOKEN")
        signature = request.headers.get("X-Twilio-Signature", "")
        if not token or not signature or not RequestValidator(token).validate(public_url(), request.form, signature):
            abort(403)
        return view(*args, **kwargs)
    return checked


@bp.post("/status")
@twilio_signed
def status():
    form = StatusCallback()
    sms_status.record_status_callback(
        db.session, form.MessageSid.data or "", form.MessageStatus.data or "",
        error_code=form.ErrorCode.data or None, now=utcnow(),
    )
    return Response(status=204)


@bp.post("/inbound")
@twilio_signed
def inbound():
    form = InboundMessage()
    word, sender = opt_outs.keyword(form.Body.data), form.sender.data or ""
    if sender and word in opt_outs.STOP_WORDS:
        opt_outs.stop_sms(db.session, sender, now=utcnow())
    elif sender and word in opt_outs.START_WORDS:
        opt_outs.start_sms(db.session, sender, now=utcnow())
    return Response(EMPTY_TWIML, mimetype="text/xml")
