"""The carrier's handheld: an installable web app at ``/h`` that works offline.

Pages (enrol, scan, today, printable notice) are an app shell cached by a service worker;
scans are signed on the device and queued in IndexedDB, then sent to ``POST /api/v1/scans``.
The JSON endpoints under ``/h/api`` serve enrolment and what the shell needs from the server.
"""
from flask import Blueprint, request

bp = Blueprint("handheld", __name__, url_prefix="/h", template_folder="templates")

LANGUAGES = ("pl", "en")


def page_language() -> str:
    asked = (request.args.get("lang") or "").lower()
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or "pl"


@bp.context_processor
def _i18n():
    lang = page_language()
    return {"lang": lang, "tr": lambda pl, en: pl if lang == "pl" else en}
