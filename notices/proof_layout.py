"""Drawing pieces of the proof PDF that reportlab would make at more cost: fonts registered once,
shared paragraph styles, plain-text paragraphs without the markup parser, machine text in the
monospaced font broken into lines by counting characters, the QR code as one path.
"""
from __future__ import annotations

import copy
import re
import textwrap
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag, ParaParser

FONT_DIR = Path(__file__).parent / "fonts"
FONT, BOLD, MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"


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


STYLES = _styles()  # shared: reportlab reads styles, it never changes them


@cache
def _plain_fragment(style: ParagraphStyle) -> ParaFrag:
    """The fragment reportlab's markup parser makes for plain text in ``style`` (its text aside)."""
    _register_fonts()
    _style, fragments, _bullet = ParaParser().parse("x", style)
    return fragments[0]


def plain_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text, given to reportlab as the one fragment its markup parser would
    make of it (the parser costs more than laying the paragraph out). Text with characters that
    need escaping, or none at all, still goes through the parser: it splits it differently."""
    cleaned = cleanBlockQuotedText(text)
    if not cleaned or "&" in cleaned or "<" in cleaned or ">" in cleaned:
        return Paragraph(escape(text), style)
    fragment = copy.copy(_plain_fragment(style))
    fragment.text, fragment.link, fragment.us_lines = cleaned, [], []
    return Paragraph(cleaned, style, frags=[fragment])


_ASCII_SPACES = re.compile(r"[ \t\n\r\x0b\x0c]+")  # what reportlab's paragraphs collapse (not a no-break space)


@cache
def _advance(font: str, size: float) -> float:
    _register_fonts()
    return float(pdfmetrics.stringWidth("0", font, size))


def mono_lines(text: str, style: ParagraphStyle) -> Flowable:
    """Machine text (canonical JSON, hashes, the signed tree head) in a monospaced style.

    Every character of the text is as wide as the next, so its lines are made by counting
    characters (broken at spaces, a longer word cut where the line ends) instead of reportlab
    measuring a long word one prefix at a time. Text that has a character of another width (a
    combining mark) goes to a paragraph as before, and so does an empty line.
    """
    cleaned = _ASCII_SPACES.sub(" ", text).strip()
    advance = _advance(style.fontName, style.fontSize)
    if not cleaned or abs(pdfmetrics.stringWidth(cleaned, style.fontName, style.fontSize)
                          - advance * len(cleaned)) > 1e-6 * len(cleaned):
        return plain_paragraph(text, style)
    return MonoLines(cleaned, style, advance)


class MonoLines(Flowable):
    """Lines of equally wide characters, drawn as one text object; split between frames by lines."""

    def __init__(self, text: str, style: ParagraphStyle, advance: float, lines: list[str] | None = None) -> None:
        super().__init__()
        self.text, self.style, self.advance, self.lines = text, style, advance, lines

    def _lines(self, available_width: float) -> list[str]:
        if self.lines is None:
            per_line = max(1, int(available_width / self.advance))
            self.lines = textwrap.wrap(self.text, per_line, break_on_hyphens=False)
        return self.lines

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, len(self._lines(available_width)) * self.style.leading
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        lines = self._lines(available_width)
        fit = int(available_height / self.style.leading)
        if fit <= 0:
            return []
        if fit >= len(lines):
            return [self]
        return [MonoLines(self.text, self.style, self.advance, lines[:fit]),
                MonoLines(self.text, self.style, self.advance, lines[fit:])]

    def draw(self) -> None:
        text = self.canv.beginText(0, self.height - self.style.fontSize)
        text.setFont(self.style.fontName, self.style.fontSize, self.style.leading)
        for line in self.lines or ():
            text.textLine(line)
        self.canv.drawText(text)

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)


QR_BORDER = 4  # modules of quiet zone around the code


class QrCode(Flowable):
    """The QR code as one vector path: a rectangle per run of dark modules, no raster image.

    The module matrix is made when the flowable is (our part of the page); drawing it is one
    fill of one path, which costs reportlab less than an image and reads sharper at any zoom.
    """

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        # A fixed mask pattern: any of the eight is valid, and trying all of them (qrcode's default)
        # costs more CPU than the rest of the page.
        code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=2)
        code.add_data(url)
        code.make(fit=True)
        self.runs = [[(start, len(run)) for start, run in _dark_runs(row)] for row in code.modules]
        self.width = self.height = self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        unit = self.size / (len(self.runs) + 2 * QR_BORDER)
        path = self.canv.beginPath()
        for row, runs in enumerate(self.runs):
            y = self.size - (row + QR_BORDER + 1) * unit
            for start, length in runs:
                path.rect((start + QR_BORDER) * unit, y, length * unit, unit)
        self.canv.drawPath(path, stroke=0, fill=1)


def _dark_runs(row: list[bool | None]) -> list[tuple[int, list[bool | None]]]:
    """(first column, the run) for each run of dark modules in a row."""
    runs, start = [], None
    for column, dark in enumerate([*row, False]):
        if dark and start is None:
            start = column
        elif not dark and start is not None:
            runs.append((start, row[start:column]))
            start = None
    return runs
