"""Public pages: the home page and the verification page behind the QR code."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import i18n  # noqa: E402

bp.app_context_processor(i18n.template_context)

from app.public import views  # noqa: E402,F401
