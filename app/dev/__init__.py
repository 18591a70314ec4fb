"""Development outbox: where messages land when Twilio or SMTP is not configured."""
from flask import Blueprint

bp = Blueprint("dev", __name__, url_prefix="/dev")

from app.dev import views  # noqa: E402,F401
