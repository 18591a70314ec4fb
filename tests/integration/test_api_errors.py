"""Errors on JSON routes are problem+json, also the unexpected ones; bad input never reaches the
database. Each case here was a 500 (or an HTML page) before."""
from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"
UNREACHABLE_DB = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"


def _fields(response) -> list[str]:
    assert response.status_code == 422 and response.mimetype == PROBLEM, response.get_data(as_text=True)
    return [e["field"] for e in response.get_json()["errors"]]


def test_a_scan_outcome_that_is_not_a_string_is_named(api):
    number = api.register().get_json()["tracking_number"]
    assert _fields(api.scan(number, outcome={})) == ["outcome"]
    assert _fields(api.scan(number, outcome=["notice_left"])) == ["outcome"]


@pytest.mark.parametrize("url", [["https://example.com/hook"], 12345, {"u": 1}])
def test_a_webhook_url_that_is_not_a_string_is_named(api, url):
    headers = api.auth(api.sender_key)
    assert _fields(api.client.post("/api/v1/webhooks", json={"url": url}, headers=headers)) == ["url"]
    created = api.client.post("/api/v1/webhooks", json={"url": "https://example.com/hook"}, headers=headers)
    endpoint_id = created.get_json()["id"]
    assert _fields(api.client.patch(f"/api/v1/webhooks/{endpoint_id}", json={"url": url}, headers=headers)) == ["url"]


def test_nul_characters_and_over_long_strings_are_refused_naming_the_field(api):
    headers = api.auth(api.sender_key)
    assert _fields(api.client.post("/api/v1/api-keys", json={"name": "a\x00b"}, headers=headers)) == ["name"]
    assert _fields(api.register(sender_reference="x" * 20_000)) == ["sender_reference"]
    assert _fields(api.register(recipient={"name": "Jan\x00", "address": {}})) == ["recipient.name"]
    assert _fields(api.client.get("/api/v1/items?status=sent%00", headers=headers)) == ["status"]
    number = api.register().get_json()["tracking_number"]
    assert _fields(api.scan(number, location={"lat": 52.2, "lon": 21.0, "accuracy_m": 10**30})) == [
        "location.accuracy_m"]


@pytest.mark.parametrize("path", ["/api/v1/webhooks/99999999999", "/api/v1/webhooks/2147483648/deliveries",
                                  "/api/v1/items/RR123456785PL/proofs/2147483648.pdf"])
def test_integer_path_parameters_past_the_range_are_404_not_405_or_500(api, path):
    response = api.client.get(path, headers=api.auth(api.sender_key))
    assert response.status_code == 404 and response.mimetype == PROBLEM
    assert api.client.delete("/api/v1/webhooks/99999999999", headers=api.auth(api.sender_key)).status_code == 404
    assert api.client.patch("/api/v1/webhooks/99999999999", json={}, headers=api.auth(api.sender_key)).status_code == 404


def test_a_dropped_database_is_a_503_problem_with_retry_after_on_json_and_a_sentence_on_pages(app_config):
    from app import create_app

    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": UNREACHABLE_DB})
    client = app.test_client()
    response = client.get("/api/v1/items", headers={"Authorization": "Bearer sk_test_whatever"})
    assert response.status_code == 503 and response.mimetype == PROBLEM
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["type"].endswith("/service-unavailable")
    page = client.get("/v/some-token", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "Please try again shortly" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)


def test_an_unexpected_error_on_a_json_route_is_a_500_problem_not_an_html_page(app_config):
    from app import create_app

    app = create_app(app_config)

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/api/v1/broken", "broken", broken)
    app.add_url_rule("/broken-page", "broken_page", broken)
    response = app.test_client().get("/api/v1/broken")
    assert response.status_code == 500 and response.mimetype == PROBLEM
    assert "a bug" not in response.get_data(as_text=True)
    page = app.test_client().get("/broken-page", headers={"Accept-Language": "pl"})
    assert page.status_code == 500 and "Coś poszło nie tak" in page.get_data(as_text=True)


def test_a_number_sent_as_text_is_refused_not_guessed(api):
    """Request bodies are strict JSON: "52.2" is not 52.2, "true" is not true (the document says so)."""
    number = api.register().get_json()["tracking_number"]
    assert _fields(api.scan(number, location={"lat": "52.2", "lon": 21.0, "accuracy_m": 5})) == ["location.lat"]
    assert _fields(api.scan(number, no_fix="true", location=None)) == ["no_fix"]
    response = api.register(recipient={"name": "Jan", "address": {"line1": "ul. Polna 1", "postal_code": 12345,
                                                                  "city": "Kraków", "country": "PL"}})
    assert _fields(response) == ["recipient.address.postal_code"]
    assert response.get_json()["errors"][0]["message"] == "must be a string"


def test_bulk_errors_name_the_item_and_its_field(api):
    headers = api.auth(api.sender_key)
    response = api.client.post("/api/v1/items/bulk", json={"items": []}, headers=headers)
    assert _fields(response) == ["items"]
    response = api.client.post("/api/v1/api-keys", json={"name": "   "}, headers=headers)
    assert _fields(response) == ["name"] and response.get_json()["errors"][0]["message"] == "is required"


@pytest.mark.parametrize(("query", "fields"), [
    ("/log/consistency?first=abc&second=1", ["first"]),
    ("/log/consistency?second=1", ["first"]),
    ("/log/entries?start=0&limit=0", ["limit"]),
    ("/log/checkpoints?after=-1&limit=x", ["after", "limit"]),
])
def test_query_parameters_are_read_by_the_documented_model_and_named_when_wrong(api, query, fields):
    answer = api.client.get("/api/v1" + query)
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert [e["field"] for e in answer.get_json()["errors"]] == fields


def test_well_formed_query_parameters_still_answer(api):
    assert api.client.get("/api/v1/log/entries?start=0&limit=2&unknown=1").status_code == 200
