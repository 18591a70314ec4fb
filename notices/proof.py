"""The proof record of an item as a PDF, rendered from plain data.

``render_proof_pdf`` takes the record dict (the shape of ``item_record``), an optional evidence
summary (transparency-log entries, inclusion proofs and the signed tree head) and ``now``; it
returns PDF bytes. Every label is bilingual (Polish / English); the shipped DejaVu fonts carry
the Polish diacritics. A QR code on the first page opens the public verification page.
"""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import qrcode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from notices.i18n import N_, translations
from notices.proof_statements import collection, evidential_weight, statutory_basis

FONT_DIR = Path(__file__).parent / "fonts"
FONT, BOLD, MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"

OUTCOMES = {
    "delivered": N_("Doręczono"),
    "notice_left": N_("Pozostawiono awizo (adresat nieobecny)"),
    "refused": N_("Odmowa przyjęcia"),
    "address_unknown": N_("Adres nieznany"),
    "moved": N_("Adresat się wyprowadził"),
    "no_access": N_("Brak dostępu do adresu"),
}
EVENT_KINDS = {
    "registered": N_("Przesyłka zarejestrowana"),
    "attempt_recorded": N_("Próba doręczenia"),
    "notification_status": N_("Zmiana stanu powiadomienia"),
    "repeat_notice_left": N_("Powtórne awizo pozostawione"),
    "deemed_service_not_established": N_("Doręczenia zastępczego nie ustalono (brak powtórnego awizo)"),
    "notice_printed": N_("Wydrukowano awizo"),
}
ITEM_STATUSES = {
    "registered": N_("zarejestrowana"), "awaiting_collection": N_("czeka na odbiór"),
    "delivered": N_("doręczona"), "refused": N_("odmowa przyjęcia"),
    "undeliverable": N_("nie do doręczenia"), "collected": N_("odebrana"),
    "returned": N_("zwrócona do nadawcy"), "deemed_served": N_("uznana za doręczoną"),
    "deemed_service_not_established": N_("doręczenia nie uznano za dokonane (brak powtórnego awizo)"),
}
STATUSES = {
    "queued": N_("w kolejce"), "sending": N_("wysyłanie"), "sent": N_("wysłano"),
    "delivered": N_("dostarczono"), "undelivered": N_("niedostarczono"),
    "failed": N_("błąd wysyłki"), "cancelled": N_("anulowano"),
}


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont(MONO, str(FONT_DIR / "DejaVuSansMono.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=15, leading=19),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "mono": ParagraphStyle("mono", parent=base, fontName=MONO, fontSize=6.5, leading=8),
    }


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def format_time(value: str | None, tz: str) -> str:
    """Local time with its zone, and UTC, e.g. ``2026-11-23 14:05:12 CET (13:05:12 UTC)``."""
    moment = parse_time(value)
    if moment is None:
        return "—"
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()} ({moment:%H:%M:%S} UTC)"


def _both(pair: tuple[str | None, str | None] | None, fallback: str = "—") -> str:
    return f"{pair[0]} / {pair[1]}" if pair else fallback


def _named(name: str | None, fallback: str = "—") -> str:
    """A name from the tables above, in Polish and English."""
    return f"{name} / {translations('en').gettext(name)}" if name else fallback


def qr_png(url: str) -> bytes:
    # A fixed mask pattern: any of the eight is valid, and trying all of them (qrcode's default)
    # costs more CPU than the rest of the page.
    code = qrcode.QRCode(box_size=8, border=4, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=2)
    code.add_data(url)
    image = code.make_image()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class _Doc:
    """Collects flowables with the project's label style: 'Polish / English'."""

    def __init__(self) -> None:
        self.s = _styles()
        self.flow: list[Any] = []

    def p(self, text: str, style: str = "base") -> Paragraph:
        return Paragraph(escape(text), self.s[style])

    def heading(self, pl: str, en: str) -> None:
        self.flow.append(self.p(f"{pl} / {en}", "h2"))

    def facts(self, rows: list[tuple[str, str, str]]) -> None:
        data = [[self.p(f"{pl} / {en}", "small"), self.p(value)] for pl, en, value in rows]
        table = Table(data, colWidths=[52 * mm, 120 * mm], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        self.flow.append(table)


def _address(address: dict[str, Any]) -> str:
    lines = [address.get("line1"), address.get("line2"),
             " ".join(x for x in (address.get("postal_code"), address.get("city")) if x), address.get("country")]
    return ", ".join(x for x in lines if x)


def _header(doc: _Doc, record: dict[str, Any], now: datetime, tz: str) -> None:
    qr = Image(io.BytesIO(qr_png(record["verify_url"])), width=38 * mm, height=38 * mm)
    service = record.get("service_name") or {}
    title = [
        doc.p("Dowód doręczenia i awizowania / Proof of delivery and notice", "title"),
        Spacer(1, 3 * mm),
        doc.p(f"Przesyłka / Item: {record['tracking_number']}"),
        doc.p(f"Usługa / Service: {_both((service.get('pl'), service.get('en'))) if service else record['service']}"),
        doc.p(f"Stan / Status: {_named(ITEM_STATUSES.get(record['status']), record['status'])}"),
        doc.p(f"Wystawiono / Issued: {format_time(now.isoformat(), tz)}"),
        Spacer(1, 2 * mm),
        doc.p("Zeskanuj kod QR, aby sprawdzić ten zapis / Scan the QR code to check this record:", "small"),
        doc.p(record["verify_url"], "small"),
    ]
    table = Table([[title, qr]], colWidths=[130 * mm, 42 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    doc.flow.append(table)
    finding = record.get("notice_finding")
    if finding:  # an upheld complaint: the deemed-service date is contested
        doc.flow.append(Spacer(1, 2 * mm))
        doc.flow.append(doc.p(f"{finding['text']['pl']} / {finding['text']['en']}", "h2"))


def _parties(doc: _Doc, record: dict[str, Any], tz: str) -> None:
    doc.heading("Nadawca i adresat", "Sender and recipient")
    recipient = record["recipient"]
    rows = [("Nadawca", "Sender", record["sender"]["name"])]
    if record.get("sender_reference"):
        rows.append(("Sygnatura nadawcy", "Sender reference", record["sender_reference"]))
    rows += [
        ("Adresat", "Recipient", recipient.get("name") or "—"),
        ("Adres", "Address", _address(recipient.get("address") or {})),
        ("Telefon", "Phone", recipient.get("phone") or "—"),
        ("E-mail", "E-mail", recipient.get("email") or "—"),
        ("Zarejestrowano", "Registered", format_time(record.get("registered_at"), tz)),
        ("Termin odbioru", "Collect by", format_time(record.get("collect_by"), tz)),
    ]
    deadlines = record.get("deadlines") or {}
    collected = collection(record)
    if collected:  # collected: when and by whom, not what would have happened otherwise
        rows.append(("Odebrano", "Collected", f"{format_time(collected[0], tz)} — {collected[1]}"))
    elif deadlines.get("deemed_service") == "not_established":
        rows.append(("Doręczenie uznane za dokonane", "Deemed served",
                     "NIE — brak powtórnego awizo w terminie / NOT — no repeat notice left in time"))
    elif deadlines.get("deemed_served_on"):
        year, month, day = deadlines["deemed_served_on"].split("-")
        rows.append(("Doręczenie uznane za dokonane", "Deemed served on",
                     f"{day}.{month}.{year} (jeśli nieodebrana / if not collected)"))
    if deadlines:
        rows.append(("Podstawa terminów", "Basis of the dates", _both(statutory_basis(record))))
    doc.facts(rows)
    if deadlines.get("text") and not collected:
        doc.flow.append(doc.p(f"{deadlines['text']['pl']} / {deadlines['text']['en']}"))


def _attempts(doc: _Doc, record: dict[str, Any], tz: str) -> None:
    doc.heading("Próby doręczenia", "Delivery attempts")
    if not record["attempts"]:
        doc.flow.append(doc.p("Brak prób doręczenia. / No delivery attempts yet."))
    for number, attempt in enumerate(record["attempts"], 1):
        upu = attempt["upu_event"]
        location = attempt.get("location")
        where = "—" if not location else (
            f"{location['lat']:.6f}, {location['lon']:.6f} (± {location['accuracy_m']:g} m)"
            if location.get("accuracy_m") is not None else f"{location['lat']:.6f}, {location['lon']:.6f}")
        pickup = attempt.get("pickup_point")
        rows = [
            ("Wynik", "Outcome", _named(OUTCOMES.get(attempt["outcome"]), attempt["outcome"])),
            ("Zdarzenie UPU", "UPU event", " · ".join(x for x in (upu["code"], upu.get("reason"), upu.get("action")) if x)),
            ("Czas urządzenia", "Device time", format_time(attempt["occurred_at"], tz)),
            ("Czas serwera", "Server time", format_time(attempt["recorded_at"], tz)),
            ("Położenie (WGS 84)", "Position (WGS 84)", where),
            ("Doręczyciel", "Carrier", attempt["carrier"]["name"]),
            ("Urządzenie", "Device", f"{attempt['device'].get('label') or '—'} (#{attempt['device'].get('id')})"),
        ]
        if pickup:
            rows.append(("Miejsce odbioru", "Pickup point",
                         f"{pickup['name']}, {pickup['address']}" + (f" ({pickup['opening_hours']})" if pickup.get("opening_hours") else "")))
        if attempt.get("collect_by"):
            rows.append(("Termin odbioru", "Collect by", format_time(attempt["collect_by"], tz)))
        evidence = attempt.get("device_evidence")
        if evidence:  # the handheld's signature, sequence and anything that looked wrong
            rows.append(("Podpis urządzenia", "Device signature",
                         f"zweryfikowany, skan nr {evidence['sequence']} / verified, scan no. {evidence['sequence']}"
                         if evidence.get("signed") else "brak / none"))
            flags = evidence.get("flag_details") or []
            rows.append(("Uwagi", "Flags", "; ".join(f"{f['pl']} / {f['en']}" for f in flags) or "brak / none"))
        doc.flow.append(doc.p(f"Próba {number} / Attempt {number}", "base"))
        doc.facts(rows)
        doc.flow.append(Spacer(1, 2 * mm))


def _notifications(doc: _Doc, record: dict[str, Any], tz: str) -> None:
    doc.heading("Powiadomienia wysłane do adresata", "Notices and alerts sent to the recipient")
    if not record["notifications"]:
        doc.flow.append(doc.p("Nie wysłano powiadomień. / No alerts were sent."))
        return
    header = [doc.p(t, "small") for t in ("Kanał / Channel", "Do / To", "Utworzono / Created",
                                          "Wysłano / Sent", "Stan / Status")]
    rows = [header] + [[
        doc.p(n["channel"].upper(), "small"), doc.p(n.get("to") or ("adresat zapisany / recipient opted in" if n.get("opted_in") else "—"), "small"),
        doc.p(format_time(n.get("created_at"), tz), "small"), doc.p(format_time(n.get("sent_at"), tz), "small"),
        doc.p(_named(STATUSES.get(n["status"]), n["status"]), "small"),
    ] for n in record["notifications"]]
    table = Table(rows, colWidths=[18 * mm, 42 * mm, 42 * mm, 42 * mm, 28 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    doc.flow.append(table)


def _evidence(doc: _Doc, evidence: dict[str, Any]) -> None:
    doc.heading("Dowody kryptograficzne", "Cryptographic evidence")
    sth = evidence["tree_head"]
    doc.flow.append(doc.p(
        "Każdy fakt powyżej jest wpisem w publicznym rejestrze tylko do dopisywania (drzewo Merkle, RFC 9162). "
        "Poniżej: podpisany stan rejestru, kanoniczna treść wpisów i dowody włączenia. Te same dane są "
        "załączone do pliku jako evidence.json; sprawdź je poleceniem: python -m notices.verify plik.pdf", "small"))
    doc.flow.append(doc.p(
        "Every fact above is an entry in a public append-only log (Merkle tree, RFC 9162). Below: the signed "
        "tree head, the canonical entries and their inclusion proofs. The same data is attached to this file "
        "as evidence.json; check it with: python -m notices.verify file.pdf", "small"))
    doc.facts([
        ("Rejestr", "Log", sth["origin"]),
        ("Rozmiar drzewa", "Tree size", str(sth["tree_size"])),
        ("Korzeń drzewa", "Root hash", sth["root_hash"]),
        ("Czas stanu", "Tree head time", sth["timestamp"]),
        *((("Klucz rejestru (SHA-256)", "Log key (SHA-256)", fingerprints["log"]),
           ("Certyfikat podpisu (SHA-256)", "Signing certificate (SHA-256)", fingerprints["signing"]))
          if (fingerprints := evidence.get("key_fingerprints")) else ()),
    ])
    doc.flow.append(doc.p("Podpisany stan rejestru / Signed tree head:", "small"))
    for line in sth["note"].splitlines():
        doc.flow.append(doc.p(line or " ", "mono"))
    for entry in evidence["entries"]:
        doc.flow.append(Spacer(1, 1.5 * mm))
        kind = _named(EVENT_KINDS.get(entry["kind"]), entry["kind"])
        doc.flow.append(doc.p(f"Wpis nr {entry['index']} / Entry #{entry['index']} — {kind}", "small"))
        doc.flow.append(doc.p(entry["canonical"], "mono"))
        doc.flow.append(doc.p(f"leaf hash: {entry['leaf_hash']}", "mono"))
        doc.flow.append(doc.p("inclusion proof: " + " ".join(entry["inclusion_proof"]) if entry["inclusion_proof"]
                              else "inclusion proof: (empty: the tree has one leaf)", "mono"))


def _weight(doc: _Doc, record: dict[str, Any]) -> None:
    doc.heading("Waga dowodowa", "Evidential weight")
    for pl, en in evidential_weight(record):
        doc.flow.append(doc.p(f"• {pl} / {en}"))


def _evidence_state(doc: _Doc, evidence: dict[str, Any]) -> None:
    """Statements about the proof itself, each a line of its own (never a missing row)."""
    if evidence.get("unstamped"):
        doc.flow.append(Spacer(1, 2 * mm))
        doc.flow.append(doc.p(
            "Bez znacznika czasu: urząd znacznika czasu (RFC 3161) był niedostępny przy wydaniu. Dowód jest "
            "podpisany; wersja ze znacznikiem czasu zostanie wydana, gdy urząd znów odpowie. / Not time-stamped: "
            "the time-stamping authority (RFC 3161) was unavailable at issue. The proof is signed; a time-stamped "
            "version will be issued when the authority answers again.", "h2"))


def _footer(canvas: Any, document: Any) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 7)
    canvas.drawString(18 * mm, 10 * mm, "Awizo — dowód doręczenia / proof of delivery")
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{document.page}")
    canvas.restoreState()


def render_proof_pdf(record: dict[str, Any], *, now: datetime, tz: str = "Europe/Warsaw", evidence: dict[str, Any] | None = None) -> bytes:
    """Render the proof record; the same inputs always give the same bytes (invariant mode)."""
    _register_fonts()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title=f"Proof {record['tracking_number']}", author="Awizo", subject=record["verify_url"],
        invariant=1, lang="pl",
    )
    doc = _Doc()
    _header(doc, record, now, tz)
    if evidence:
        _evidence_state(doc, evidence)
    _parties(doc, record, tz)
    _attempts(doc, record, tz)
    _notifications(doc, record, tz)
    _weight(doc, record)
    if evidence:
        _evidence(doc, evidence)
    document.build(doc.flow, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()
