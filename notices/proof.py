"""The proof record of an item as a PDF, rendered from plain data.

``render_proof_pdf`` takes the record dict (the shape of ``item_record``), an optional evidence
summary (transparency-log entries, inclusion proofs and the signed tree head) and ``now``; it
returns PDF bytes. Every label is bilingual (Polish / English); the shipped DejaVu fonts carry
the Polish diacritics. A QR code on the first page opens the public verification page.
"""
from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from notices import dates
from notices.content import COMMITMENT_TEXT
from notices.content import grouped as content_grouped
from notices.i18n import N_, language_or_default, translations
from notices.proof_layout import FONT, STYLES, QrCode, _register_fonts, mono_lines, plain_paragraph
from notices.proof_statements import collection, evidential_weight, statutory_basis

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
    "recipient_action": N_("Dyspozycja adresata"),
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


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def format_time(value: str | None, tz: str, lang: str | None = "pl") -> str:
    """Local time with its zone, and UTC, by Babel in ``lang``, e.g. ``23 lis 2026, 14:05:12 CET (13:05:12 UTC)``.

    Only the rendering: the record and the log keep ISO 8601."""
    return dates.moment_with_utc(value, tz, lang)


def _in(texts: dict[str, str], lang: str) -> str:
    """A text the record already carries per language; English where it lacks ``lang``."""
    return texts.get(lang) or texts.get("en") or texts.get("pl") or ""


class _Doc:
    """Collects flowables with the project's label style: 'Polish / second language'.

    The second language is the item's own (the recipient's), English for a Polish item.
    """

    def __init__(self, language: str | None) -> None:
        self.s = STYLES
        self.flow: list[Any] = []
        code = language_or_default(language)
        self.lang = code  # the item's language: dates and times are written the way it writes them
        self.second = "en" if code == "pl" else code
        self.words = translations(self.second)

    def both(self, text: str | None, fallback: str = "—") -> str:
        """``text`` (a Polish msgid) followed by its translation in the second language."""
        return f"{text} / {self.words.gettext(text)}" if text else fallback

    def p(self, text: str, style: str = "base") -> Paragraph:
        return plain_paragraph(text, self.s[style])

    def mono(self, text: str) -> Flowable:
        return mono_lines(text, self.s["mono"])

    def heading(self, text: str) -> None:
        self.flow.append(self.p(self.both(text), "h2"))

    def facts(self, rows: list[tuple[str, str]]) -> None:
        data = [[self.p(self.both(label), "small"), self.p(value)] for label, value in rows]
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
    qr = QrCode(record["verify_url"], 38 * mm)
    service = record.get("service_name") or {}
    title = [
        doc.p(doc.both(N_("Dowód doręczenia i awizowania")), "title"),
        Spacer(1, 3 * mm),
        doc.p(doc.both(N_("Przesyłka")) + f": {record['tracking_number']}"),
        doc.p(doc.both(N_("Usługa")) + ": " + (doc.both(service.get("pl")) if service else record["service"])),
        doc.p(doc.both(N_("Stan")) + ": " + doc.both(ITEM_STATUSES.get(record["status"]), record["status"])),
        doc.p(doc.both(N_("Wystawiono")) + f": {format_time(now.isoformat(), tz, doc.lang)}"),
        Spacer(1, 2 * mm),
        doc.p(doc.both(N_("Zeskanuj kod QR, aby sprawdzić ten zapis")) + ":", "small"),
        doc.p(record["verify_url"], "small"),
    ]
    table = Table([[title, qr]], colWidths=[130 * mm, 42 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    doc.flow.append(table)
    finding = record.get("notice_finding")
    if finding:  # an upheld complaint: the deemed-service date is contested
        doc.flow.append(Spacer(1, 2 * mm))
        doc.flow.append(doc.p(f"{finding['text']['pl']} / {_in(finding['text'], doc.second)}", "h2"))


def _parties(doc: _Doc, record: dict[str, Any], tz: str) -> None:
    doc.heading(N_("Nadawca i adresat"))
    recipient = record["recipient"]
    rows = [(N_("Nadawca"), record["sender"]["name"])]
    if record.get("sender_reference"):
        rows.append((N_("Sygnatura nadawcy"), record["sender_reference"]))
    rows += [
        (N_("Adresat"), recipient.get("name") or "—"),
        (N_("Adres"), _address(recipient.get("address") or {})),
        (N_("Telefon"), recipient.get("phone") or "—"),
        (N_("E-mail"), recipient.get("email") or "—"),
        (N_("Zarejestrowano"), format_time(record.get("registered_at"), tz, doc.lang)),
        (N_("Termin odbioru"), format_time(record.get("collect_by"), tz, doc.lang)),
    ]
    deadlines = record.get("deadlines") or {}
    collected = collection(record)
    if collected:  # collected: when and by whom, not what would have happened otherwise
        rows.append((N_("Odebrano"), f"{format_time(collected[0], tz, doc.lang)} — {collected[1]}"))
    elif deadlines.get("deemed_service") == "not_established":
        rows.append((N_("Doręczenie uznane za dokonane"),
                     doc.both(N_("NIE — brak powtórnego awizo w terminie"))))
    elif deadlines.get("deemed_served_on"):
        year, month, day = deadlines["deemed_served_on"].split("-")
        if deadlines.get("deemed_service") == "established":
            note = " (" + doc.both(N_("nieodebrana")) + ")"
        elif deadlines.get("conditional", True):
            note = " (" + doc.both(N_("jeśli nieodebrana")) + ")"
        else:
            note = ""
        rows.append((N_("Doręczenie uznane za dokonane"), f"{day}.{month}.{year}{note}"))
    repeat = next((n for n, a in enumerate(record.get("attempts") or [], 1) if a.get("repeat_notice")), None)
    if deadlines.get("repeat_notice_left_at"):  # its own time; its place is in the attempt's section
        rows.append((N_("Powtórne awizo"), f"{format_time(deadlines['repeat_notice_left_at'], tz, doc.lang)}"
                     + (" — " + doc.both(N_("próba {number}")).format(number=repeat) if repeat else "")))
    if deadlines:
        rows.append((N_("Podstawa terminów"), f"{statutory_basis(record, 'pl')} / {statutory_basis(record, doc.second)}"))
    doc.facts(rows)
    if deadlines.get("text") and not collected:
        doc.flow.append(doc.p(f"{deadlines['text']['pl']} / {_in(deadlines['text'], doc.second)}"))


def _pickup_hours(pickup: dict[str, Any]) -> str:
    """" (Pn–Pt 08:00–20:00 / Mon–Fri 08:00–20:00)": the register's hours in both languages."""
    hours = [h for h in (pickup.get("opening_hours"), pickup.get("opening_hours_en")) if h]
    return f" ({' / '.join(dict.fromkeys(hours))})" if hours else ""


def _attempts(doc: _Doc, record: dict[str, Any], tz: str) -> None:
    doc.heading(N_("Próby doręczenia"))
    if not record["attempts"]:
        doc.flow.append(doc.p(doc.both(N_("Brak prób doręczenia."))))
    for number, attempt in enumerate(record["attempts"], 1):
        upu = attempt["upu_event"]
        location = attempt.get("location")
        where = "—" if not location else (
            f"{location['lat']:.6f}, {location['lon']:.6f} (± {location['accuracy_m']:g} m)"
            if location.get("accuracy_m") is not None else f"{location['lat']:.6f}, {location['lon']:.6f}")
        pickup = attempt.get("pickup_point")
        rows = [
            (N_("Wynik"), doc.both(OUTCOMES.get(attempt["outcome"]), attempt["outcome"])),
            (N_("Zdarzenie UPU"), " · ".join(x for x in (upu["code"], upu.get("reason"), upu.get("action")) if x)),
            (N_("Czas urządzenia"), format_time(attempt["occurred_at"], tz, doc.lang)),
            (N_("Czas serwera"), format_time(attempt["recorded_at"], tz, doc.lang)),
            (N_("Położenie (WGS 84)"), where),
            (N_("Doręczyciel"), attempt["carrier"]["name"]),
            (N_("Urządzenie"), f"{attempt['device'].get('label') or '—'} (#{attempt['device'].get('id')})"),
        ]
        if pickup:
            rows.append((N_("Miejsce odbioru"),
                         f"{pickup['name']}, {pickup['address']}" + _pickup_hours(pickup)))
        if attempt.get("collect_by"):
            rows.append((N_("Termin odbioru"), format_time(attempt["collect_by"], tz, doc.lang)))
        if attempt.get("correction_text"):
            correction = attempt["correction_text"]
            rows.append((N_("Poprawka"), f"{correction['pl']} / {_in(correction, doc.second)}"))
        evidence = attempt.get("device_evidence")
        if evidence:  # the handheld's signature, sequence and anything that looked wrong
            rows.append((N_("Podpis urządzenia"),
                         doc.both(N_("zweryfikowany, skan nr {sequence}")).format(sequence=evidence["sequence"])
                         if evidence.get("signed") else doc.both(N_("brak"))))
            flags = evidence.get("flag_details") or []
            rows.append((N_("Uwagi"), "; ".join(f"{f['pl']} / {_in(f, doc.second)}" for f in flags) or doc.both(N_("brak"))))
        if attempt.get("repeat_notice"):
            rows.insert(0, (N_("Rodzaj"), doc.both(N_("powtórne awizo (po terminie)"))
                            if attempt.get("repeat_notice_late") else doc.both(N_("powtórne awizo"))))
        title = " — " + doc.both(N_("powtórne awizo")) if attempt.get("repeat_notice") else ""
        doc.flow.append(doc.p(doc.both(N_("Próba {number}")).format(number=number) + title, "base"))
        doc.facts(rows)
        doc.flow.append(Spacer(1, 2 * mm))


def _content(doc: _Doc, record: dict[str, Any]) -> None:
    """The sender's commitment to the letter's content, when it registered one."""
    digest = record.get("content_sha256")
    if not digest:
        return
    doc.heading(N_("Treść przesyłki"))
    doc.facts([(N_("Skrót SHA-256 treści"), content_grouped(digest))])
    for lang in ("pl", doc.second):
        doc.flow.append(doc.p(translations(lang).gettext(COMMITMENT_TEXT), "small"))


def _notifications(doc: _Doc, record: dict[str, Any], tz: str) -> None:
    doc.heading(N_("Powiadomienia wysłane do adresata"))
    if not record["notifications"]:
        doc.flow.append(doc.p(doc.both(N_("Nie wysłano powiadomień."))))
        return
    to = f"Do / {doc.words.pgettext('message recipient', 'Do')}"  # "Do" is also "until"
    header = [doc.p(t, "small") for t in (doc.both(N_("Kanał")), to, doc.both(N_("Utworzono")), doc.both(N_("Wysłano")),
                                          doc.both(N_("Stan")))]
    rows = [header] + [[
        doc.p(n["channel"].upper(), "small"), doc.p(n.get("to") or (doc.both(N_("adresat zapisany")) if n.get("opted_in") else "—"), "small"),
        doc.p(format_time(n.get("created_at"), tz, doc.lang), "small"), doc.p(format_time(n.get("sent_at"), tz, doc.lang), "small"),
        doc.p(doc.both(STATUSES.get(n["status"]), n["status"]), "small"),
    ] for n in record["notifications"]]
    table = Table(rows, colWidths=[18 * mm, 42 * mm, 42 * mm, 42 * mm, 28 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    doc.flow.append(table)


def _evidence(doc: _Doc, evidence: dict[str, Any]) -> None:
    doc.heading(N_("Dowody kryptograficzne"))
    sth = evidence["tree_head"]
    for lang in ("pl", doc.second):
        doc.flow.append(doc.p(translations(lang).gettext(
            "Każdy fakt powyżej jest wpisem w publicznym rejestrze tylko do dopisywania (drzewo Merkle, RFC 9162). "
            "Poniżej: podpisany stan rejestru, kanoniczna treść wpisów i dowody włączenia. Te same dane są "
            "załączone do pliku jako evidence.json; sprawdź je poleceniem: python -m notices.verify plik.pdf"), "small"))
    doc.facts([
        (N_("Rejestr"), sth["origin"]),
        (N_("Rozmiar drzewa"), str(sth["tree_size"])),
        (N_("Korzeń drzewa"), sth["root_hash"]),
        (N_("Czas stanu"), sth["timestamp"]),
        *(((N_("Klucz rejestru (SHA-256)"), fingerprints["log"]),
           (N_("Certyfikat podpisu (SHA-256)"), fingerprints["signing"]))
          if (fingerprints := evidence.get("key_fingerprints")) else ()),
    ])
    if evidence.get("key_fingerprints"):
        keys_url = record_base(evidence) + "/api/v1/log/keys"
        doc.flow.append(doc.p(doc.both(N_(
            "Porównaj odciski kluczy (grupy po cztery znaki) z wykazem kluczy operatora i okresów ich ważności: "
            "{url}. Po wymianie klucza stare dowody sprawdza się kluczem z tego wykazu.")).format(url=keys_url),
            "small"))
    doc.flow.append(doc.p(doc.both(N_("Podpisany stan rejestru")) + ":", "small"))
    for line in sth["note"].splitlines():
        doc.flow.append(doc.mono(line or " "))
    for entry in evidence["entries"]:
        doc.flow.append(Spacer(1, 1.5 * mm))
        kind = doc.both(EVENT_KINDS.get(entry["kind"]), entry["kind"])
        entry_name = doc.both(N_("Wpis nr {index}")).format(index=entry["index"])
        doc.flow.append(doc.p(f"{entry_name} — {kind}", "small"))
        doc.flow.append(doc.mono(entry["canonical"]))
        doc.flow.append(doc.mono(f"leaf hash: {entry['leaf_hash']}"))
        doc.flow.append(doc.mono("inclusion proof: " + " ".join(entry["inclusion_proof"]) if entry["inclusion_proof"]
                                 else "inclusion proof: (empty: the tree has one leaf)"))


def record_base(evidence: dict[str, Any]) -> str:
    """The operator's address, from the record's verification link."""
    return str((evidence.get("record") or {}).get("verify_url", "")).split("/v/")[0]


def _weight(doc: _Doc, record: dict[str, Any]) -> None:
    doc.heading(N_("Waga dowodowa"))
    for pl, other in zip(evidential_weight(record, "pl"), evidential_weight(record, doc.second), strict=True):
        doc.flow.append(doc.p(f"• {pl} / {other}"))


def _evidence_state(doc: _Doc, evidence: dict[str, Any]) -> None:
    """Statements about the proof itself, each a line of its own (never a missing row)."""
    if evidence.get("unstamped"):
        doc.flow.append(Spacer(1, 2 * mm))
        doc.flow.append(doc.p(doc.both(N_(
            "Bez znacznika czasu: urząd znacznika czasu (RFC 3161) był niedostępny przy wydaniu. Dowód jest "
            "podpisany; wersja ze znacznikiem czasu zostanie wydana, gdy urząd znów odpowie.")), "h2"))


def _footer(canvas: Any, document: Any) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 7)
    canvas.drawString(18 * mm, 10 * mm, "Awizo — dowód doręczenia / proof of delivery")
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{document.page}")
    canvas.restoreState()


def proof_story(record: dict[str, Any], *, now: datetime, tz: str = "Europe/Warsaw",
                evidence: dict[str, Any] | None = None) -> list[Any]:
    """The proof's content as reportlab flowables (our part of the work: wording, QR code, tables)."""
    _register_fonts()
    doc = _Doc((record.get("recipient") or {}).get("language"))
    _header(doc, record, now, tz)
    if evidence:
        _evidence_state(doc, evidence)
    _parties(doc, record, tz)
    _content(doc, record)
    _attempts(doc, record, tz)
    _notifications(doc, record, tz)
    _weight(doc, record)
    if evidence:
        _evidence(doc, evidence)
    return doc.flow


def build_pdf(story: list[Any], record: dict[str, Any]) -> bytes:
    """reportlab laying out and writing the flowables (the benchmark's floor for an unsigned proof)."""
    _register_fonts()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title=f"Proof {record['tracking_number']}", author="Awizo", subject=record["verify_url"],
        invariant=1, lang="pl",
    )
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()


def render_proof_pdf(record: dict[str, Any], *, now: datetime, tz: str = "Europe/Warsaw", evidence: dict[str, Any] | None = None) -> bytes:
    """Render the proof record; the same inputs always give the same bytes (invariant mode)."""
    return build_pdf(proof_story(record, now=now, tz=tz, evidence=evidence), record)
