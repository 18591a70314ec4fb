"""GET /v/<token>: the page behind the QR code, masked, in Polish and English, and as JSON."""
from __future__ import annotations

from datetime import datetime, timezone

import time_machine


def _item_with_attempt(api):
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=timezone.utc)):   # registered before the attempt
        number = api.register().get_json()["tracking_number"]
    api.scan(number, occurred_at=datetime(2026, 3, 2, 9, 15, 42, tzinfo=timezone.utc).isoformat(),
             location={"lat": 52.231958, "lon": 21.006725, "accuracy_m": 6.5})
    record = api.item(number).get_json()
    return number, record["verify_url"].removeprefix("http://awizo.test")


def test_verify_page_shows_the_attempt_with_personal_data_masked(api, client):
    number, path = _item_with_attempt(api)
    html = client.get(path, headers={"Accept-Language": "pl-PL,pl;q=0.9"}).get_data(as_text=True)
    assert number in html
    assert "Pozostawiono awizo" in html and "Czas według urządzenia doręczyciela" in html
    assert "2 mar 2026, 10:15:42 CET" in html and "52.231958, 21.006725" in html and "± 6.5 m" in html
    assert "J. K." in html and "ul. Polna m. ***" in html and "00****" in html and "+48 *** *** 567" in html
    assert "Kowalski" not in html and "601234567" not in html and "Polna 12" not in html
    assert "jan.kowalski@" not in html and "j***@example.com" in html
    assert "Placówka pocztowa Warszawa 1" in html


def test_verify_page_in_english(api, client):
    _, path = _item_with_attempt(api)
    html = client.get(path + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Notice left (addressee absent)" in html and "Time on the carrier&#39;s device" in html
    assert "Pozostawiono awizo" not in html


def test_verify_page_as_json_is_masked(api, client):
    number, path = _item_with_attempt(api)
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["tracking_number"] == number
    assert data["recipient"]["name"] == "J. K."
    assert data["recipient"]["phone"] == "+48 *** *** 567"
    assert data["attempts"][0]["location"] == {"lat": 52.231958, "lon": 21.006725, "accuracy_m": 6.5}
    assert "sender_reference" not in data and "Kowalski" not in response.get_data(as_text=True)


def test_unknown_token_is_a_page_saying_so(client):
    response = client.get("/v/not-a-real-token")
    assert response.status_code == 404
    assert "Nie znaleziono zapisu" in response.get_data(as_text=True)
    assert client.get("/v/not-a-real-token", headers={"Accept": "application/json"}).status_code == 404


def test_home_page_in_both_languages(client):
    assert "Awizo: wiesz, kiedy" in client.get("/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert "know when the carrier tried" in english and 'hreflang="pl"' in english
