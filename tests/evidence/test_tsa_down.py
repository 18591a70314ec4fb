"""With the time-stamping authority down, proofs and the QR page still answer, and say so."""
from __future__ import annotations

import socket
from datetime import datetime, timezone

import pytest
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

from app.evidence.keyring import keys
from notices.signature import check_signature, load_certificates
from tests.proofs.pdftools import pdf_text


@pytest.fixture
def tsa_down(monkeypatch, local_tsa):
    """TSA_URL points at a port nothing listens on (the authority's certificate is known)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("TSA_URL", f"http://127.0.0.1:{port}/tsa")
    monkeypatch.setenv("TSA_CERT", str(local_tsa.cert_path))
    return local_tsa


@pytest.mark.usefixtures("tsa_down")
def test_proof_is_issued_unstamped_and_says_so_then_stamped_when_the_authority_is_back(app, api, client, proofs,
                                                                                        local_tsa):
    number = proofs.item_with_attempt()
    pdf = proofs.pdf(number)
    trusted = load_certificates(client.get("/api/v1/log/keys.pem").data)
    report = check_signature(pdf, trusted)
    assert report.authentic and report.timestamp_at is None
    assert "Not time-stamped: the time-stamping authority (RFC 3161) was unavailable at issue" in \
        " ".join(pdf_text(pdf).split())
    verdict = proofs.verify(pdf)
    assert verdict["verdict"] == "authentic_current"
    assert "the signature carries no RFC 3161 time-stamp" in verdict["notes"]

    url = api.item(number).get_json()["verify_url"].removeprefix("http://awizo.test")
    page = client.get(f"{url}?lang=en")
    assert page.status_code == 200
    assert "The time-stamping authority was unavailable when this proof was issued" in page.get_data(as_text=True)
    assert client.get(f"{url}/proof.pdf").status_code == 200

    assert proofs.pdf(number) == pdf  # still down: the same unstamped version, no new one each time

    with app.app_context():  # the authority answers again
        keys().signer.timestamper = RequestsHTTPTimeStamper(local_tsa.url, timeout=10)
        keys().tsa_retry_at = datetime.min.replace(tzinfo=timezone.utc)
    restamped = proofs.pdf(number)
    assert restamped != pdf
    report = check_signature(restamped, trusted)
    assert report.authentic and report.timestamp_at is not None
    versions = client.get(f"/api/v1/items/{number}/proofs", headers=api.auth(api.sender_key)).get_json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert "Not time-stamped" not in pdf_text(restamped)
