"""The decision letter of a case as a PDF, in the recipient's language, from plain data.

Takes the case as the case page shows it (``case_data``) and ``now``; returns PDF bytes
(signing happens outside, with the same key and time-stamping as the proofs).
"""
from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from notices import dates
from notices.cases import DECISIONS, KINDS, label
from notices.i18n import language_or_default, translations
from notices.proof import _Doc, format_time
from notices.proof_layout import _register_fonts


def render_letter_pdf(case: dict[str, Any], *, language: str, now: datetime, tz: str = "Europe/Warsaw") -> bytes:
    _register_fonts()
    lang = language_or_default(language)
    _ = translations(lang).gettext
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                                 bottomMargin=18 * mm, title=_("Odpowiedź na reklamację") + f" {case['case_number']}", author="Awizo",
                                 invariant=1, lang=lang)
    doc = _Doc(lang)
    flow = doc.flow
    flow.append(doc.p(_("Odpowiedź na reklamację") + f" — {case['case_number']}", "title"))
    flow.append(doc.p(_("Data") + f": {dates.day(now, lang, tz)}"))
    flow.append(Spacer(1, 4 * mm))
    rows = [(_("Numer reklamacji"), case["case_number"]), (_("Przesyłka"), case["evidence"]["item"]["tracking_number"]),
            (_("Rodzaj"), label(KINDS, case["kind"], lang)), (_("Złożona"), format_time(case["opened_at"], tz, lang)),
            (_("Decyzja"), label(DECISIONS, case["decision"], lang)), (_("Uzasadnienie"), case["decision_reason"] or "")]
    for name, value in rows:
        flow.append(doc.p(f"{name}: {value}"))
    if case.get("notice_found_not_left"):
        flow.append(Spacer(1, 3 * mm))
        flow.append(doc.p(_("Ustalono, że awizo nie zostało pozostawione; data doręczenia zastępczego jest "
                            "zakwestionowana.")))
    flow.append(Spacer(1, 4 * mm))
    flow.append(doc.p(_("Dowody"), "h2"))
    for attempt in case["evidence"]["attempts"]:
        place = attempt["location"]
        where = f"{place['lat']:.5f}, {place['lon']:.5f}" if place else "—"
        log = attempt["log"]["log_index"] if attempt.get("log") else "—"
        flow.append(doc.p(_("Próba doręczenia") + f" {format_time(attempt['occurred_at'], tz, lang)} · GPS {where} · "
                          f"± {attempt['accuracy_m'] or '—'} m · {attempt['device_signature']} · log #{log}"))
    flow.append(Spacer(1, 6 * mm))
    flow.append(doc.p(_("Pismo podpisane elektronicznie przez operatora."), "small"))
    document.build(flow)
    return out.getvalue()
