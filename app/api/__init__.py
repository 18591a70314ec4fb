"""The JSON API, versioned under /api/v1."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import errors, items, openapi, scans  # noqa: E402,F401  (routes register on import)
from app.api import log, proofs  # noqa: E402,F401
from app.api import lifecycle  # noqa: E402,F401
from app.api import sender_items, sender_settings  # noqa: E402,F401
