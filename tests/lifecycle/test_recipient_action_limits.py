"""Guessing a notice's claim code is limited: per record and per client, answered as problem+json
with the limiter's Retry-After, and another record is not affected."""
from __future__ import annotations

from tests.conftest import tracking_number


def _record_token(api) -> str:
    number = tracking_number()
    assert api.register(tracking_number=number, service="pl_official_letter").status_code == 201
    assert api.scan(number).status_code == 201
    notice = api.client.get(f"/h/api/notice/{number}", headers=api.auth(api.device_token)).json
    return notice["verify_url"].rsplit("/", 1)[-1]


def _guess(api, token: str):
    return api.client.post(f"/v/{token}/actions?lang=en", json={"claim_code": "0000-0000", "action": "redelivery"})


def test_claim_code_guesses_are_limited_per_record(app, api):
    app.config["CASE_RATE_LIMIT_PER_RECORD"] = "2 per hour"
    token, other = _record_token(api), _record_token(api)
    assert [_guess(api, token).status_code for _ in range(2)] == [403, 403]
    limited = _guess(api, token)
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert limited.json["status"] == 429 and "try again later" in limited.json["detail"]
    assert int(limited.headers["Retry-After"]) > 0
    assert _guess(api, other).status_code == 403  # another record is still open


def test_claim_code_guesses_are_limited_per_client(app, api):
    app.config["RECIPIENT_CODE_RATE_LIMIT"] = "2 per hour"
    tokens = [_record_token(api) for _ in range(3)]
    answers = [_guess(api, t) for t in tokens]
    assert [a.status_code for a in answers] == [403, 403, 429]
    assert answers[-1].mimetype == "application/problem+json"
