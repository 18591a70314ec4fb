"""The decision letter of a case as a PDF, in the recipient's language, from plain data.

Takes the case as the case page shows it (``case_data``) and ``now``; returns PDF bytes
(signing happens outside, with the same key and time-stamping as the proofs).
"""
from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from notices.cases import DECISIONS, KINDS, label
from notices.proof import _Doc, _register_fonts, format_time

TEXT = {
    "pl": {"title": "Odpowiedź na reklamację", "number": "Numer reklamacji", "item": "Przesyłka",
           "kind": "Rodzaj", "filed": "Złożona", "decision": "Decyzja", "reason": "Uzasadnienie",
           "finding": "Ustalono, że awizo nie zostało pozostawione; data doręczenia zastępczego jest zakwestionowana.",
           "evidence": "Dowody", "attempt": "Próba doręczenia", "signed": "Pismo podpisane elektronicznie przez operatora.",
           "date": "Data"},
    "en": {"title": "Answer to your complaint", "number": "Case number", "item": "Item",
           "kind": "Kind", "filed": "Filed", "decision": "Decision", "reason": "Reason",
           "finding": "The notice was found not to have been left; the deemed-service date is contested.",
           "evidence": "Evidence", "attempt": "Delivery attempt", "signed": "Letter signed electronically by the operator.",
           "date": "Date"},
}


def render_letter_pdf(case: dict[str, Any], *, language: str, now: datetime, tz: str = "Europe/Warsaw") -> bytes:
    _register_fonts()
    lang = language if language in TEXT else "pl"
    t = TEXT[lang]
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                                 bottomMargin=18 * mm, title=f"{t['title']} {case['case_number']}", author="Awizo",
                                 invariant=1, lang=lang)
    doc = _Doc()
    flow = doc.flow
    flow.append(doc.p(f"{t['title']} — {case['case_number']}", "title"))
    flow.append(doc.p(f"{t['date']}: {now.astimezone(ZoneInfo(tz)).strftime('%d.%m.%Y')}"))
    flow.append(Spacer(1, 4 * mm))
    rows = [(t["number"], case["case_number"]), (t["item"], case["evidence"]["item"]["tracking_number"]),
            (t["kind"], label(KINDS, case["kind"], lang)), (t["filed"], format_time(case["opened_at"], tz)),
            (t["decision"], label(DECISIONS, case["decision"], lang)), (t["reason"], case["decision_reason"] or "")]
    for name, value in rows:
        flow.append(doc.p(f"{name}: {value}"))
    if case.get("notice_found_not_left"):
        flow.append(Spacer(1, 3 * mm))
        flow.append(doc.p(t["finding"]))
    flow.append(Spacer(1, 4 * mm))
    flow.append(doc.p(t["evidence"], "h2"))
    for attempt in case["evidence"]["attempts"]:
        place = attempt["location"]
        where = f"{place['lat']:.5f}, {place['lon']:.5f}" if place else "—"
        log = attempt["log"]["log_index"] if attempt.get("log") else "—"
        flow.append(doc.p(f"{t['attempt']} {format_time(attempt['occurred_at'], tz)} · GPS {where} · "
                          f"± {attempt['accuracy_m'] or '—'} m · {attempt['device_signature']} · log #{log}"))
    flow.append(Spacer(1, 6 * mm))
    flow.append(doc.p(t["signed"], "small"))
    document.build(flow)
    return out.getvalue()
