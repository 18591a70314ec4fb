"""The S10 check and the canonical scan encoding: Python and the handheld's JavaScript
give the same answers for the same vectors (the JS runs in Chromium)."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from notices import s10
from notices.scan_signature import SignedScan, canonical_text

HERE = Path(__file__).parent
S10_VECTORS = json.loads((HERE / "s10_vectors.json").read_text())
CANONICAL_VECTORS = json.loads((HERE / "canonical_vectors.json").read_text())


def _signed(payload: dict) -> SignedScan:
    loc = payload["location"]
    return SignedScan(
        tracking_number=payload["tracking_number"], outcome=payload["outcome"],
        occurred_at=datetime.fromisoformat(payload["occurred_at"].replace("Z", "+00:00")),
        latitude=loc["lat"] if loc else None, longitude=loc["lon"] if loc else None,
        accuracy_m=loc["accuracy_m"] if loc else None, no_fix=payload["no_fix"],
        pickup_point=payload["pickup_point"], sequence=payload["sequence"])


@pytest.mark.parametrize("vector", CANONICAL_VECTORS, ids=lambda v: v["payload"]["outcome"])
def test_python_canonical_text_matches_the_vectors(vector):
    assert canonical_text(_signed(vector["payload"])) == vector["text"]


def test_python_s10_matches_the_vectors():
    for text in S10_VECTORS["valid"]:
        s10.parse(text)
    for text in S10_VECTORS["invalid"]:
        with pytest.raises(s10.S10Error):
            s10.parse(text)
    assert {k: s10.check_digit(k) for k in S10_VECTORS["check_digits"]} == S10_VECTORS["check_digits"]


def test_javascript_gives_the_same_answers(live_server, chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/h/enrol")
    js = page.evaluate("""(v) => ({
        valid: v.s10.valid.map(t => AwizoS10.validate(t).ok),
        invalid: v.s10.invalid.map(t => AwizoS10.validate(t).ok),
        digits: Object.fromEntries(Object.keys(v.s10.check_digits).map(k => [k, AwizoS10.checkDigit(k)])),
        canonical: v.canonical.map(c => AwizoCanonical.text(c.payload)),
    })""", {"s10": S10_VECTORS, "canonical": CANONICAL_VECTORS})
    context.close()
    assert js["valid"] == [True] * len(S10_VECTORS["valid"])
    assert js["invalid"] == [False] * len(S10_VECTORS["invalid"])
    assert js["digits"] == S10_VECTORS["check_digits"]
    assert js["canonical"] == [v["text"] for v in CANONICAL_VECTORS]
