"""The carrier's handheld: an installable web app at ``/h`` that works offline.

Pages (enrol, scan, today, printable notice) are an app shell cached by a service worker;
scans are signed on the device and queued in IndexedDB, then sent to ``POST /api/v1/scans``.
The JSON endpoints under ``/h/api`` serve enrolment and what the shell needs from the server.
The page language comes from the application's locale selection (``app.web.i18n``).
"""
import json
import re
from functools import cache
from pathlib import Path

from flask import Blueprint
from flask_babel import gettext

bp = Blueprint("handheld", __name__, url_prefix="/h", template_folder="templates")

SCRIPTS = Path(__file__).resolve().parent.parent / "static" / "handheld"
_MSGID = re.compile(r"""(?<![\w.$])_\("((?:[^"\\]|\\.)*)"\)""")


@cache
def script_msgids() -> tuple[str, ...]:
    """The texts the handheld's scripts show (``_("…")`` calls, extracted by pybabel too)."""
    found = {json.loads(f'"{m.group(1)}"')
             for path in sorted(SCRIPTS.glob("*.js")) for m in _MSGID.finditer(path.read_text(encoding="utf-8"))}
    return tuple(sorted(found))


@bp.context_processor
def _script_texts() -> dict:
    """The scripts' texts in the page's language, embedded in the page (cached with it for offline use)."""
    return {"script_texts": {msgid: gettext(msgid) for msgid in script_msgids()}}
