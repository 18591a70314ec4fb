"""The shortcuts the proof renderer takes draw exactly what reportlab would have drawn."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from notices.proof_layout import STYLES, plain_paragraph

TEXTS = [
    "Dowód doręczenia i awizowania / Proof of delivery and notice",
    "Zażółć gęślą jaźń — ŁÓDŹ, Świętokrzyska 31/33a, 00-950 Warszawa",
    "  spaces   inside\nand a line\n  break  ",
    "leaf hash: " + "ab12" * 16,
    '{"facts":{"attempt":{"lat":52.2297,"outcome":"notice_left"}},"item":"RR123456785PL"}',
    "Sygnatura nadawcy: I C 123/26 & co. <tag>",  # escaped characters: reportlab's parser still reads it
    " ",
    "",
    "Спроба доручення / Próba doręczenia 2",
]


def _drawn(paragraph: Paragraph) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    _width, height = paragraph.wrap(120 * 2.83, 500)
    paragraph.drawOn(canvas, 50, 700 - height)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.mark.parametrize("style", ["base", "small", "mono", "title", "h2"])
def test_plain_paragraphs_are_laid_out_as_reportlabs_parser_lays_them_out(style):
    for text in TEXTS:
        assert _drawn(plain_paragraph(text, STYLES[style])) == _drawn(Paragraph(escape(text), STYLES[style])), text
