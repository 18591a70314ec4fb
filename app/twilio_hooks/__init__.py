"""Webhooks Twilio calls: delivery-status callbacks and inbound SMS (STOP/START).

Every call must carry a valid ``X-Twilio-Signature`` computed over the public URL
(``PUBLIC_BASE_URL`` + path), so the check holds behind a proxy; anything else gets 403.
CSRF does not apply (the signature is the proof of origin).
"""
from flask import Blueprint

bp = Blueprint("twilio_hooks", __name__, url_prefix="/webhooks/twilio")


def init_app(app) -> None:
    from app.extensions import csrf
    from app.twilio_hooks import views  # noqa: F401

    csrf.exempt(bp)
    app.register_blueprint(bp)
