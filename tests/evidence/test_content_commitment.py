"""A sender may register the SHA-256 of the letter's content: validated, logged with the
registration, shown on the proof and the record page, and a later change is caught."""
from __future__ import annotations

import json

import pytest

from app.evidence.log import integrate_pending
from app.extensions import db
from tests.proofs.pdftools import pdf_text

# FIPS 180-2 known answer: SHA-256 of the three bytes "abc".
DIGEST = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_the_digest_is_stored_normalised_and_logged_with_the_registration(api, client):
    response = api.register(content_sha256=DIGEST.upper())
    assert response.status_code == 201, response.get_json()
    number = response.get_json()["tracking_number"]
    assert api.item(number).get_json()["content_sha256"] == DIGEST
    with api.app.app_context():
        integrate_pending(db.session)
        db.session.commit()
    entries = client.get("/api/v1/log/entries?start=0&limit=1000").get_json()["entries"]
    registered = next(json.loads(e["canonical"]) for e in entries
                      if json.loads(e["canonical"])["item"] == number and '"registered"' in e["canonical"])
    assert registered["facts"]["content_sha256"] == DIGEST


@pytest.mark.parametrize(("value", "message"), [
    (DIGEST[:63], "64 hexadecimal characters"), ("z" * 64, "only hexadecimal characters"),
    (12345, "must be a string"), (DIGEST + "00", "64 hexadecimal characters"),
])
def test_a_malformed_digest_is_refused_naming_the_field(api, value, message):
    response = api.register(content_sha256=value)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert [e["field"] for e in errors] == ["content_sha256"] and message in errors[0]["message"], errors


def test_the_proof_and_the_record_page_show_the_commitment_and_what_it_proves(api, proofs, client):
    number = api.register(content_sha256=DIGEST).get_json()["tracking_number"]
    assert api.scan(number).status_code == 201
    text = " ".join(pdf_text(proofs.pdf(number)).split())
    assert "Treść przesyłki / Letter content" in text
    assert " ".join(DIGEST[i:i + 8] for i in range(0, 64, 8)) in text
    assert "It proves what the sender sent, not that the recipient read it." in text
    page = client.get(api.item(number).get_json()["verify_url"].replace("http://awizo.test", "") + "?lang=en")
    html = page.get_data(as_text=True)
    assert DIGEST in html and "the content the sender committed to" in html

    plain = api.register().get_json()["tracking_number"]
    assert api.scan(plain).status_code == 201
    assert "Letter content" not in " ".join(pdf_text(proofs.pdf(plain)).split())


def test_changing_the_stored_digest_is_caught_by_the_audit(api, runner, attacker):
    number = api.register(content_sha256=DIGEST).get_json()["tracking_number"]
    assert runner.invoke(args=["evidence", "audit"]).exit_code == 0
    attacker("UPDATE items SET content_sha256 = :d WHERE tracking_number = :n", d="0" * 64, n=number)
    result = runner.invoke(args=["evidence", "audit"])
    assert result.exit_code == 1 and "content_sha256" in result.output, result.output
