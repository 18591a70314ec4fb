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
