"""Registering items and reading their record through the API."""
from tests.conftest import tracking_number


def test_sender_registers_item_and_reads_it_back(api):
    number = tracking_number()
    created = api.register(tracking_number=number)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["tracking_number"] == number
    assert body["status"] == "registered"
    assert body["verify_url"].startswith("http://awizo.test/v/")
    assert created.headers["Location"].endswith(f"/api/v1/items/{number}")

    fetched = api.item(number)
    assert fetched.status_code == 200
    assert fetched.json["recipient"]["name"] == "Jan Kowalski"
    assert fetched.json["recipient"]["phone"] == "+48601234567"
    assert [e["kind"] for e in fetched.json["events"]] == ["registered"]


def test_same_number_twice_is_a_conflict_and_keeps_the_first(api):
    number = tracking_number()
    assert api.register(tracking_number=number).status_code == 201
    again = api.register(tracking_number=number, recipient={
        "name": "Someone Else", "address": {"line1": "x 1", "postal_code": "1", "city": "y", "country": "PL"}})
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert api.item(number).json["recipient"]["name"] == "Jan Kowalski"


def test_wrong_check_digit_names_the_field(api):
    response = api.register(tracking_number="RR123456780PL")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    fields = {e["field"]: e["message"] for e in response.json["errors"]}
    assert "check digit is 0, expected 5" in fields["tracking_number"]


def test_every_bad_field_is_named(api):
    response = api.register(service="parcel", recipient={
        "name": "", "address": {"line1": "ul. Polna 1", "city": "Warszawa", "country": "Poland"},
        "phone": "12", "email": "not-an-address", "language": "de"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json["errors"]}
    assert fields == {"service", "recipient.name", "recipient.address.postal_code",
                      "recipient.address.country", "recipient.phone", "recipient.email", "recipient.language"}


def test_authentication_and_roles(api):
    payload_number = tracking_number()
    no_token = api.client.post("/api/v1/items", json={"tracking_number": payload_number})
    assert no_token.status_code == 401
    assert no_token.json["errors"][0]["field"] == "Authorization"
    wrong = api.register(key="awz_sk_nope_nope")
    assert wrong.status_code == 401
    as_carrier = api.register(key=api.device_token)
    assert as_carrier.status_code == 403
    assert as_carrier.mimetype == "application/problem+json"


def test_another_senders_item_is_not_found(api):
    number = tracking_number()
    api.register(tracking_number=number)
    other_key = api.new_sender("Urząd Skarbowy Inny")
    response = api.item(number, key=other_key)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert api.client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(other_key)).status_code == 404


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
