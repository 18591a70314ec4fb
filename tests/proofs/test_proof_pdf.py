"""GET /api/v1/items/<n>/proof.pdf: the proof record a sender downloads."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import time_machine

from tests.proofs.pdftools import pdf_text, qr_codes

WARSAW = ZoneInfo("Europe/Warsaw")


def _record_with_attempt(api):
    occurred = datetime(2026, 3, 2, 9, 15, 42, tzinfo=timezone.utc)
    with time_machine.travel(occurred - timedelta(days=1)):   # registered before the attempt it carries
        number = api.register().get_json()["tracking_number"]
    scan = api.scan(number, occurred_at=occurred.isoformat(),
                    location={"lat": 52.231958, "lon": 21.006725, "accuracy_m": 6.5})
    assert scan.status_code == 201, scan.get_json()
    return number, api.item(number).get_json()


def test_proof_pdf_lists_the_attempt_with_both_times_position_and_alerts(api, client):
    number, record = _record_with_attempt(api)
    response = client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    attempt = record["attempts"][0]
    recorded = datetime.fromisoformat(attempt["recorded_at"].replace("Z", "+00:00"))
    assert number in text
    assert "Sąd Rejonowy Testowo" in text and "Jan Kowalski" in text     # sender, recipient, diacritics
    assert "2 mar 2026, 10:15:42 CET (09:15:42 UTC)" in text              # device time, local and UTC (Babel, pl)
    assert f"({recorded:%H:%M:%S} UTC)" in text                            # server time
    assert "52.231958, 21.006725 (± 6.5 m)" in text                        # position and accuracy
    assert "Anna Listonosz" in text                                        # carrier
    assert "Placówka pocztowa Warszawa 1" in text                          # pickup point
    collect_by = datetime.fromisoformat(record["collect_by"].replace("Z", "+00:00")).astimezone(WARSAW)
    assert f"{collect_by:%Y-%m-%d %H:%M:%S}" == "2026-03-16 23:59:59"
    assert "16 mar 2026, 23:59:59 CET" in text                             # collect by, as Babel writes it in pl
    assert "Czas urządzenia / Device time" in text and "Czas serwera / Server time" in text
    for notification in record["notifications"]:
        assert notification["to"] in text
    assert "SMS" in text and "EMAIL" in text


def test_proof_pdf_qr_code_opens_the_verify_url(api, client):
    number, record = _record_with_attempt(api)
    pdf = client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key)).data
    assert qr_codes(pdf) == [record["verify_url"]]
    assert record["verify_url"].startswith("http://awizo.test/v/")


def test_proof_of_another_senders_item_is_not_found(api, client):
    number = api.register().get_json()["tracking_number"]
    other = api.new_sender("Urząd Skarbowy Inny")
    response = client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(other))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
