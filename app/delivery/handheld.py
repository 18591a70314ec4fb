"""The carrier's handheld: an installable web app at ``/h`` that works offline.

Pages (enrol, scan, today, printable notice) are an app shell cached by a service worker;
scans are signed on the device and queued in IndexedDB, then sent to ``POST /api/v1/scans``.
The JSON endpoints under ``/h/api`` serve enrolment and what the shell needs from the server.
The page language comes from the application's locale selection (``app.web.i18n``).
"""
from flask import Blueprint

bp = Blueprint("handheld", __name__, url_prefix="/h", template_folder="templates")
