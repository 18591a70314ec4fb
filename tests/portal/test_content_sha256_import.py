"""The CSV import and the bulk API take the letter's SHA-256 like the single-item API."""
from __future__ import annotations

import hashlib

from tests.conftest import item_payload, tracking_number
from tests.portal.test_csv_import import csv_bytes, row, upload

DIGEST = hashlib.sha256(b"letter").hexdigest()


def test_csv_import_and_bulk_api_take_the_digest(people, api):
    good, bad = tracking_number(), tracking_number()
    client = people.client("clerk@a.example.com")
    rejected = client.get(upload(client, csv_bytes([row(tracking_number=good, content_sha256=DIGEST),
                                                    row(tracking_number=bad, content_sha256="abc")])).headers["Location"])
    assert 'class="field">content_sha256<' in rejected.text
    imported = upload(client, csv_bytes([row(tracking_number=good, content_sha256=DIGEST), row(tracking_number=bad)]))
    assert imported.status_code == 302
    assert api.item(good).get_json()["content_sha256"] == DIGEST and api.item(bad).get_json()["content_sha256"] is None

    number = tracking_number()
    response = api.client.post("/api/v1/items/bulk", json={"items": [item_payload(tracking_number=number,
                                                                                  content_sha256=DIGEST)]},
                               headers=api.auth(api.sender_key))
    assert response.status_code in (200, 201), response.get_json()
    assert api.item(number).get_json()["content_sha256"] == DIGEST
