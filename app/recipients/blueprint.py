"""Recipients' pages under /alerts: opt in, confirm contacts, delegates, preferences, own data.

Also the staff view of one person's history and the ``flask recipients`` commands that
issue claim codes to be sent by letter.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("recipients", __name__, url_prefix="/alerts", cli_group="recipients", template_folder="templates")


@bp.after_request
def _private(response):
    """Signed links sit in these URLs: never leak them in a Referer or a shared cache."""
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    return response
