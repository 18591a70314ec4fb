"""A statement requested by the operator appears on the carrier's handheld and the answer joins the case."""
from __future__ import annotations

import pytest

from app.cases import handling
from app.cases.context import CaseSettings
from app.extensions import db
from app.models.types import utcnow
from tests.handheld.conftest import new_code
from tests.support.browser import run_in_chromium, serving

pytestmark = pytest.mark.e2e


def test_the_carrier_answers_on_the_today_page(app, cases, api):
    _, token, _ = cases.item_with_notice()
    number = cases.file(token).json["case_number"]
    with app.app_context():
        case = handling.case_by_number(db.session, number)
        handling.ask_carrier(db.session, case, "Gdzie zostawiłaś awizo?", user_id=None,
                             settings=CaseSettings.from_app(app), now=utcnow())
    code = new_code(app, api.carrier_id)

    with serving(app, host="127.0.0.1") as base:
        def carrier(page):
            page.goto(f"{base}/h/enrol#code={code}")
            page.get_by_role("button", name="Zarejestruj urządzenie").click()
            page.get_by_text("Urządzenie zarejestrowane dla").wait_for()
            page.goto(f"{base}/h/today")
            page.locator("#statements").wait_for(state="visible")
            item = page.locator("#statements-list li")
            assert number in item.inner_text() and "Gdzie zostawiłaś awizo?" in item.inner_text()
            item.locator("textarea").fill("W skrzynce nr 4, o 10:15.")
            item.get_by_role("button", name="Wyślij wyjaśnienia").click()
            page.get_by_text("wyjaśnienia wysłane").wait_for()

        run_in_chromium(carrier, timeout_ms=20_000, viewport={"width": 360, "height": 740}, locale="pl-PL")

    history = cases.client.get(f"/c/{cases.case_token(number)}", headers={"Accept": "application/json"}).json["history"]
    statement = [e for e in history if e["kind"] == "carrier_statement"]
    assert [e["body"] for e in statement] == ["W skrzynce nr 4, o 10:15."]
    assert history[-1]["data"]["to"] == "in_progress"
