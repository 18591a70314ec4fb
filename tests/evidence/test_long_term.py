"""Legitimate signature maintenance (a DSS and a document time-stamp added by pyHanko) keeps a
proof authentic (an incremental update drawing on the page stays altered: test_verdicts)."""
from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator import ValidationContext

from notices.signature import check_signature, load_certificates


@pytest.mark.usefixtures("with_tsa")
def test_a_document_time_stamp_with_validation_data_keeps_the_proof_authentic(proofs, client, local_tsa):
    pdf = proofs.pdf(proofs.item_with_attempt())
    trusted = load_certificates(client.get("/api/v1/log/keys.pem").data)
    out = io.BytesIO()
    signers.PdfTimeStamper(local_tsa.stamper).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), "sha256",
        validation_context=ValidationContext(trust_roots=trusted, allow_fetching=False), output=out)
    maintained = out.getvalue()
    assert len(maintained) > len(pdf) and b"/DSS" in maintained[len(pdf):]
    report = check_signature(maintained, trusted)
    assert report.authentic and report.maintained, report.problems
    verdict = proofs.verify(maintained)
    assert verdict["verdict"] == "authentic_current", verdict["problems"]
    assert verdict["signature"]["long_term_validation_added"] is True


@pytest.mark.usefixtures("with_tsa")
def test_refresh_adds_an_archive_time_stamp_to_stored_proofs(proofs, api, client, runner):
    number = proofs.item_with_attempt()
    first = proofs.pdf(number)
    result = runner.invoke(args=["evidence", "refresh"])
    assert result.exit_code == 0 and "Refreshed 1 stored proof version with an archive time-stamp" in result.output, result.output
    stored = client.get(f"/api/v1/items/{number}/proofs/1.pdf", headers=api.auth(api.sender_key)).data
    assert stored.startswith(first) and b"/DocTimeStamp" in stored[len(first):]
    verdict = proofs.verify(stored)
    assert verdict["verdict"] == "authentic_current" and verdict["signature"]["long_term_validation_added"]
    assert proofs.verify(first)["verdict"] == "authentic_current"  # the holder's earlier copy too
    assert runner.invoke(args=["evidence", "audit"]).exit_code == 0


def test_refresh_without_a_time_stamping_authority_says_so(runner):
    result = runner.invoke(args=["evidence", "refresh"])
    assert result.exit_code == 1 and "No time-stamping authority is configured" in result.output
