"""Issue 5: bulk proofs for senders, the upload page, and the QR page's integrity summary."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import date, timedelta

from notices.signature import read_attachment
from tests.proofs.pdftools import pdf_text


def test_bulk_zip_of_listed_items_with_a_manifest_of_hashes(api, client, proofs):
    numbers = [proofs.item_with_attempt() for _ in range(3)]
    single = proofs.pdf(numbers[0])
    response = client.get(f"/api/v1/proofs.zip?items={','.join(numbers)}", headers=api.auth(api.sender_key))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = json.loads(archive.read("manifest.json"))
    assert sorted(p["tracking_number"] for p in manifest["proofs"]) == sorted(numbers)
    for entry in manifest["proofs"]:
        assert hashlib.sha256(archive.read(entry["file"])).hexdigest() == entry["sha256"]
    assert archive.read(f"proof-{numbers[0]}-v1.pdf") == single           # same bytes as the single download
    sums = archive.read("SHA256SUMS").decode()
    assert all(p["sha256"] in sums for p in manifest["proofs"])
    assert manifest["tree_head"]["tree_size"] >= max(p["tree_size"] for p in manifest["proofs"])


def test_bulk_zip_by_date_range_holds_only_the_senders_own_items(api, client, proofs):
    mine = proofs.item_with_attempt()
    other_key = api.new_sender("Inny Nadawca")
    theirs = api.register(key=other_key).get_json()["tracking_number"]
    registered = date.fromisoformat(api.item(mine).get_json()["registered_at"][:10])  # the UTC day
    url = f"/api/v1/proofs.zip?from={registered - timedelta(days=1)}&to={registered}"
    names = zipfile.ZipFile(io.BytesIO(client.get(url, headers=api.auth(api.sender_key)).data)).namelist()
    assert f"proof-{mine}-v1.pdf" in names and not any(theirs in n for n in names)
    refused = client.get(f"/api/v1/proofs.zip?items={theirs}", headers=api.auth(api.sender_key))
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "items"
    bad = client.get("/api/v1/proofs.zip?from=yesterday&to=today", headers=api.auth(api.sender_key))
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "from"


def _csrf(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def test_upload_page_gives_a_verdict_in_words(client, proofs):
    pdf = proofs.pdf(proofs.item_with_attempt())
    token = _csrf(client, "/proofs/verify?lang=en")
    page = client.post("/proofs/verify?lang=en", data={"csrf_token": token, "file": (io.BytesIO(pdf), "proof.pdf")},
                       content_type="multipart/form-data")
    assert page.status_code == 200
    assert "Authentic and current" in page.get_data(as_text=True)
    altered = bytearray(pdf)
    altered[altered.index(b"stream", len(altered) // 10) + 200] ^= 1
    page = client.post("/proofs/verify?lang=pl", data={"csrf_token": token, "file": (io.BytesIO(bytes(altered)), "p.pdf")},
                       content_type="multipart/form-data", headers={"Accept-Language": "pl"})
    assert "Dowód został zmieniony" in page.get_data(as_text=True)
    missing = client.post("/proofs/verify?lang=en", data={"csrf_token": token}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose a PDF file" in missing.get_data(as_text=True)
    assert client.post("/proofs/verify", data={}, content_type="multipart/form-data").status_code == 400  # no CSRF token


def test_qr_page_says_in_words_that_the_record_is_intact(api, client, proofs):
    number = proofs.item_with_attempt()
    url = api.item(number).get_json()["verify_url"].removeprefix("http://awizo.test")
    html = client.get(url + "?lang=en").get_data(as_text=True)
    assert "The record is intact" in html and "The proof&#39;s electronic signature is valid" in html
    assert "Entries in the public event log at positions" in html
    assert "Consistent with the latest signed tree head" in html
    masked = client.get(url + "/proof.pdf")
    assert masked.status_code == 200 and masked.mimetype == "application/pdf"
    text = pdf_text(masked.data)
    assert number in text and "J. K." in text and "Kowalski" not in text
    evidence = read_attachment(masked.data).decode()
    assert "Kowalski" not in evidence and '"openings"' not in evidence
    verdict = proofs.verify(masked.data)
    assert verdict["verdict"] == "authentic_current"


def test_upload_page_says_what_changed_since_a_superseded_proof(api, client, proofs):
    number = proofs.item_with_attempt(outcome="no_access")
    old = proofs.pdf(number)
    assert api.scan(number, outcome="notice_left").status_code == 201
    token = _csrf(client, "/proofs/verify")
    html = client.post("/proofs/verify?lang=en", data={"csrf_token": token, "file": (io.BytesIO(old), "p.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Authentic, but superseded by a newer version" in html
    assert "Recorded since this proof was issued" in html and "Delivery attempt" in html


def test_an_inclusion_proof_past_the_end_of_the_log_is_404(client):
    for index in (10**6, 2**70):
        response = client.get(f"/api/v1/log/entries/{index}/inclusion")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
