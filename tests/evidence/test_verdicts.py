"""The verdict matrix (README, "What a proof check says"): one test per row, web and offline alike.

Each row is checked through ``/api/v1/proofs/verify`` and through ``python -m notices.verify``
given the operator's keys.pem and the log today (``/api/v1/log/items/<number>``): both must say
the same words about the same file.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.evidence.keyfiles import public_key_pem
from notices import verify as offline
from notices.signature import read_attachment

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def check(tmp_path, client, capsys):
    """Verify a file on the web and offline; assert both agree and return the web verdict."""
    keys = tmp_path / "keys.pem"

    def run(pdf: bytes, *, log_today: bool = True, key_pem: bytes | None = None) -> dict:
        keys.write_bytes(key_pem or client.get("/api/v1/log/keys.pem").data)
        web = client.post("/api/v1/proofs/verify", data=pdf, content_type="application/pdf")
        assert web.status_code == 200, web.get_data(as_text=True)
        (tmp_path / "proof.pdf").write_bytes(pdf)
        args = [str(tmp_path / "proof.pdf"), "--public-key", str(keys), "--json"]
        attachment = read_attachment(pdf)
        if log_today and attachment:
            try:
                bundle = json.loads(attachment)
                number, size = bundle["item"], bundle["tree_head"]["tree_size"]
                (tmp_path / "today.json").write_text(json.dumps(
                    client.get(f"/api/v1/log/items/{number}?since={size}").get_json()))
                args += ["--log-today", str(tmp_path / "today.json")]
            except (ValueError, KeyError):
                pass
        capsys.readouterr()
        status = offline.main(args)
        there = json.loads(capsys.readouterr().out)
        here = web.get_json()
        parts = ("verdict", "document", "record", "tracking_number", "version")
        if key_pem is None and log_today:
            assert {k: here[k] for k in parts} == {k: there[k] for k in parts}
        return {**(here if key_pem is None and log_today else there), "exit_status": status}

    return run


def _flip(pdf: bytes, at: int) -> bytes:
    out = bytearray(pdf)
    out[at] ^= 0x01
    return bytes(out)


def _attachment_stream_offset(pdf: bytes) -> int:
    """Somewhere inside the bytes of the embedded evidence.json stream."""
    marker = pdf.index(b"/EmbeddedFile")
    start = pdf.index(b"stream", marker) + len(b"stream\n")
    return start + 40


# Row 1: authentic, current.
def test_a_fresh_proof_is_authentic_and_current(proofs, check):
    verdict = check(proofs.pdf(proofs.item_with_attempt()))
    assert (verdict["document"], verdict["record"], verdict["verdict"]) == ("authentic", "current", "authentic_current")
    assert verdict["headline"]["en"] == "Authentic and current"
    assert verdict["exit_status"] == 0


# Row 2: authentic, superseded.
def test_an_earlier_version_is_authentic_and_superseded(proofs, api, check):
    number = proofs.item_with_attempt(outcome="no_access")
    first = proofs.pdf(number)
    assert api.scan(number, outcome="notice_left").status_code == 201
    verdict = check(first)
    assert (verdict["document"], verdict["record"]) == ("authentic", "superseded")
    assert [c["kind"] for c in verdict["changes_since"]] == ["attempt_recorded"]
    assert not verdict["problems"] and not verdict["record_problems"]


# Row 3: authentic, contradicted — the operator changed a database row after issuing.
def test_an_attempt_changed_in_the_database_contradicts_the_record_not_the_document(proofs, attacker, check):
    pdf = proofs.pdf(proofs.item_with_attempt())
    attacker("UPDATE attempts SET latitude = 50.0612")
    verdict = check(pdf)
    assert (verdict["document"], verdict["record"]) == ("authentic", "contradicted")
    assert not verdict["problems"]  # nothing is wrong with the holder's document
    assert any("the operator's record changed" in p for p in verdict["record_problems"])
    assert verdict["headline"]["en"] == "Authentic and unchanged, but the operator's record changed since it was issued"
    assert verdict["exit_status"] == 1


# Row 3 again: the log itself rewritten (an entry replaced and its hash recomputed).
def test_a_rewritten_log_entry_contradicts_the_record_and_names_the_operator(proofs, attacker, check):
    pdf = proofs.pdf(proofs.item_with_attempt())
    attacker("UPDATE log_entries SET canonical = replace(canonical, '52.2297', '50.0612'), "
             "leaf_hash = '00' || substr(leaf_hash, 3) WHERE kind = 'attempt_recorded'")
    verdict = check(pdf)
    assert (verdict["document"], verdict["record"]) == ("authentic", "contradicted")
    assert any("the operator's record changed, this document did not" in p for p in verdict["record_problems"])


# Row 3 again: an attempt deleted from the database.
def test_a_deleted_attempt_contradicts_the_record(proofs, attacker, check):
    pdf = proofs.pdf(proofs.item_with_attempt())
    attacker("DELETE FROM attempts")
    verdict = check(pdf)
    assert (verdict["document"], verdict["record"]) == ("authentic", "contradicted")


# Row 4: authentic, record unknown — offline without the log today.
def test_offline_without_the_log_today_the_record_is_unknown(proofs, check):
    verdict = check(proofs.pdf(proofs.item_with_attempt()), log_today=False)
    assert (verdict["document"], verdict["record"], verdict["verdict"]) == ("authentic", "unknown", "authentic_unknown")
    assert any("--log-today" in n for n in verdict["notes"])
    assert verdict["exit_status"] == 0


# Row 5: altered — a flipped byte in the page, in the attachment, or content added after signing.
@pytest.mark.parametrize("damage", ["page", "attachment"])
def test_one_flipped_byte_makes_the_document_altered(proofs, check, damage):
    pdf = proofs.pdf(proofs.item_with_attempt())
    at = pdf.index(b"stream", len(pdf) // 10) + 200 if damage == "page" else _attachment_stream_offset(pdf)
    verdict = check(_flip(pdf, at))
    assert (verdict["document"], verdict["record"], verdict["verdict"]) == ("altered", "unknown", "altered")
    assert verdict["problems"]
    assert verdict["exit_status"] == 1


def test_content_added_after_signing_is_altered(proofs, check):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.stamp import TextStamp, TextStampStyle

    writer = IncrementalPdfFileWriter(io.BytesIO(proofs.pdf(proofs.item_with_attempt())))
    TextStamp(writer, style=TextStampStyle(stamp_text="DORĘCZONO / DELIVERED")).apply(0, 50, 700)
    out = io.BytesIO()
    writer.write(out)
    verdict = check(out.getvalue())
    assert verdict["verdict"] == "altered"
    assert any("added to the file after it was signed" in p for p in verdict["problems"])


# Row 6: unknown — not a proof, not a PDF, truncated, or checked against other keys.
@pytest.mark.parametrize("damage", ["truncated", "not_a_pdf", "empty_pdf_header"])
def test_damaged_files_get_a_verdict_not_an_error(proofs, check, damage):
    pdf = proofs.pdf(proofs.item_with_attempt())
    data = {"truncated": pdf[: len(pdf) // 2], "not_a_pdf": b"\x89PNG\r\n\x1a\n" + bytes(300),
            "empty_pdf_header": b"%PDF-1.7\n%%EOF\n"}[damage]
    verdict = check(data)
    assert verdict["verdict"] in ("unknown", "altered")
    assert verdict["record"] == "unknown"
    assert verdict["problems"]


def test_a_truncated_proof_is_never_called_authentic(proofs, check):
    pdf = proofs.pdf(proofs.item_with_attempt())
    for cut in (len(pdf) - 10, len(pdf) - 3000, 2000):
        verdict = check(pdf[:cut])
        assert verdict["document"] != "authentic", cut


def test_other_keys_make_a_genuine_proof_unknown_never_altered(proofs, check, tmp_path):
    pdf = proofs.pdf(proofs.item_with_attempt())
    other_log_key = public_key_pem(Ed25519PrivateKey.generate())
    for wrong in (other_log_key, b"not a pem at all", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"):
        verdict = check(pdf, key_pem=wrong)
        assert verdict["document"] == "unknown", (wrong, verdict)
        assert verdict["exit_status"] == 2


def test_a_pdf_from_elsewhere_is_unknown(check):
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 700, "Proof of delivery")
    page.save()
    verdict = check(buffer.getvalue())
    assert verdict["verdict"] == "unknown"
    assert verdict["headline"]["en"] == "This cannot be confirmed as a proof issued by Awizo"


def test_the_upload_page_says_whose_record_changed(proofs, attacker, client):
    pdf = proofs.pdf(proofs.item_with_attempt())
    attacker("UPDATE attempts SET accuracy_m = 3")
    page = client.get("/proofs/verify?lang=en").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    html = client.post("/proofs/verify?lang=en", data={"csrf_token": token, "file": (io.BytesIO(pdf), "p.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-verdict="authentic_contradicted"' in html
    assert "the operator&#39;s record changed, not this document" in html
    assert "has been altered" not in html


def test_the_command_line_verifier_never_prints_a_traceback(tmp_path, client):
    (tmp_path / "keys.pem").write_bytes(client.get("/api/v1/log/keys.pem").data)
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Names 5 0 R >> endobj\ntrailer <<>>\n")
    (tmp_path / "today.json").write_text("{not json")
    result = subprocess.run([sys.executable, "-m", "notices.verify", str(tmp_path / "bad.pdf"), "--public-key",
                             str(tmp_path / "keys.pem"), "--log-today", str(tmp_path / "today.json")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2
    assert "Verdict / Wynik: UNKNOWN" in result.stdout
