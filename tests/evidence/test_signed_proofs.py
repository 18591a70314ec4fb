"""Issue 5: signed, time-stamped proofs; tampering with the file is detected."""
from __future__ import annotations

import io
import json

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.stamp import TextStamp, TextStampStyle

from notices.signature import check_signature, load_certificates, read_attachment


@pytest.mark.usefixtures("with_tsa")
def test_proof_is_signed_and_time_stamped_by_the_local_tsa(proofs, client, local_tsa):
    before = local_tsa.requests
    pdf = proofs.pdf(proofs.item_with_attempt())
    assert local_tsa.requests > before
    trusted = load_certificates(client.get("/api/v1/log/keys.pem").data)
    report = check_signature(pdf, trusted)
    assert report.authentic, report.problems
    assert report.timestamp_at is not None and report.timestamp_intact
    assert "Awizo test TSA" in report.timestamp_authority
    verdict = proofs.verify(pdf)
    assert verdict["verdict"] == "authentic_current"
    assert verdict["signature"]["timestamp"] is not None


def test_proof_embeds_entries_inclusion_proofs_and_tree_head(proofs):
    number = proofs.item_with_attempt()
    pdf = proofs.pdf(number)
    evidence = json.loads(read_attachment(pdf))
    assert evidence["item"] == number
    kinds = [e["kind"] for e in evidence["entries"]]
    assert kinds[:2] == ["registered", "attempt_recorded"]
    attempt = json.loads(evidence["entries"][1]["canonical"])["facts"]["attempt"]
    assert attempt["lat"] == 52.2297 and attempt["accuracy_m"] == 8.5
    assert evidence["tree_head"]["note"].splitlines()[1] == str(evidence["tree_head"]["tree_size"])
    assert all(e["inclusion_proof"] is not None for e in evidence["entries"])


def test_same_bytes_until_a_new_event(proofs, api, client):
    number = proofs.item_with_attempt(outcome="notice_left")
    first = client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key))
    again = client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key))
    assert first.data == again.data
    assert first.headers["ETag"] == again.headers["ETag"] and first.headers["X-Proof-Version"] == "1"


def test_flipping_one_byte_is_reported_as_altered(proofs):
    pdf = bytearray(proofs.pdf(proofs.item_with_attempt()))
    start = pdf.index(b"stream", len(pdf) // 10)  # inside the signed page content
    pdf[start + 200] ^= 0x01
    verdict = proofs.verify(bytes(pdf))
    assert verdict["verdict"] == "altered"
    assert verdict["problems"]


def test_incremental_update_drawing_text_is_reported_as_modified(proofs):
    pdf = proofs.pdf(proofs.item_with_attempt())
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    TextStamp(writer, style=TextStampStyle(stamp_text="DORĘCZONO / DELIVERED")).apply(0, 50, 700)
    out = io.BytesIO()
    writer.write(out)
    verdict = proofs.verify(out.getvalue())
    assert verdict["verdict"] == "altered"
    assert any("added to the file after it was signed" in p for p in verdict["problems"])


def test_a_pdf_from_elsewhere_is_unknown(proofs):
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 700, "Proof of delivery")
    page.save()
    assert proofs.verify(buffer.getvalue())["verdict"] == "unknown"


def test_proof_versions_earlier_still_verifies_as_superseded(proofs, api, client):
    number = proofs.item_with_attempt(outcome="no_access")
    first = proofs.pdf(number)
    assert api.scan(number, outcome="notice_left").status_code == 201
    second = proofs.pdf(number)
    assert first != second
    old, new = proofs.verify(first), proofs.verify(second)
    assert old["verdict"] == "authentic_superseded"
    assert "attempt_recorded" in [c["kind"] for c in old["changes_since"]]
    assert new["verdict"] == "authentic_current"
    versions = client.get(f"/api/v1/items/{number}/proofs", headers=api.auth(api.sender_key)).get_json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    again = client.get(f"/api/v1/items/{number}/proofs/1.pdf", headers=api.auth(api.sender_key))
    assert again.data == first


def test_signing_works_while_an_event_loop_runs(proofs):
    """A browser-driving test (or an async server) keeps a loop running in the thread."""
    import asyncio

    number = proofs.item_with_attempt()

    async def inside_loop():
        return proofs.pdf(number)

    pdf = asyncio.run(inside_loop())
    assert proofs.verify(pdf)["verdict"] == "authentic_current"
