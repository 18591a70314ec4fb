"""Machine text on the proof (canonical entries, hashes, the signed tree head) is broken into
lines by counting characters of the monospaced font: nothing lost, nothing past the margin."""
from __future__ import annotations

import io
import json
import random
import re

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, SimpleDocTemplate

from notices.proof_layout import STYLES, MonoLines, mono_lines
from tests.proofs.pdftools import pdf_text

STYLE = STYLES["mono"]
WIDTH = 174 * mm  # the proof's frame: A4 less its 18 mm margins


def _texts(rng: random.Random, count: int) -> list[str]:
    words = ["Sąd", "Rejonowy", "Testowo", "Спроба", "доручення", "żółć", "RR123456785PL", "I C 123/26",
             "ab12" * 16, "0" * 150, "-", "2026-12-05T04:24:22.012603Z"]
    texts = []
    for _ in range(count):
        record = {f"k{i}": " ".join(rng.choice(words) for _ in range(rng.randint(1, 6))) for i in range(rng.randint(1, 12))}
        texts.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        texts.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))))
    return texts


def test_lines_keep_every_character_fit_the_width_and_are_as_full_as_they_can_be():
    rng = random.Random(20261205)
    mono_lines("0", STYLE)  # registers the fonts
    per_line = int(WIDTH / pdfmetrics.stringWidth("0", STYLE.fontName, STYLE.fontSize))
    for text in _texts(rng, 150):
        block = mono_lines(text, STYLE)
        assert isinstance(block, MonoLines), text
        block.wrap(WIDTH, 10_000)
        lines = block.lines or []
        position = 0
        for number, line in enumerate(lines):
            assert pdfmetrics.stringWidth(line, STYLE.fontName, STYLE.fontSize) <= WIDTH + 1e-6, line
            assert text[position:position + len(line)] == line, (text, lines)  # the text, in order
            position += len(line)
            if position < len(text) and text[position] == " ":
                position += 1  # a line broken at a space drops that space, as a paragraph's does
            elif number < len(lines) - 1:
                assert len(line) == per_line, (line, lines)  # a word cut only where the line is full
            if number < len(lines) - 1 and text[position - 1] == " ":
                following = lines[number + 1].split(" ")[0]
                assert len(line) + 1 + len(following) > per_line, (line, following)  # the next word did not fit
        assert position == len(text), (text, lines)


def test_text_whose_characters_differ_in_width_and_an_empty_line_stay_paragraphs():
    assert isinstance(mono_lines("iiii WWWW", STYLES["base"]), Paragraph)  # a proportional font: counting fails
    assert isinstance(mono_lines("iiii WWWW", STYLE), MonoLines)
    assert isinstance(mono_lines(" ", STYLE), Paragraph)


def test_long_machine_text_runs_over_pages_and_reads_back_whole():
    rng = random.Random(5)
    texts = [json.dumps({"entry": i, "canonical": "".join(rng.choice("0123456789abcdefĄęŁ") for _ in range(900))},
                        ensure_ascii=False, separators=(",", ":")) for i in range(40)]
    texts.insert(20, "".join(rng.choice("0123456789abcdef") for _ in range(20_000)))  # taller than a page
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                 bottomMargin=16 * mm, invariant=1)
    document.build([mono_lines(text, STYLE) for text in texts])
    pdf = out.getvalue()
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 4
    read = re.sub(r"\s", "", pdf_text(pdf))
    position = 0
    for text in texts:  # every text whole, in order (a block cut between pages included)
        found = read.find(text, position)
        assert found >= 0, text[:80]
        position = found + len(text)
