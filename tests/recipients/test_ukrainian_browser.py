"""A Ukrainian-speaking recipient goes through the record, sign-up, settings and a complaint at 360 px."""
from __future__ import annotations

import pytest

from tests.recipients.test_optin_browser import accessibility_violations, fits_360, live_server  # noqa: F401
from tests.support.browser import run_in_chromium

PHONE = "+48601234999"
POLISH_WORDS = ("Przesyłka", "Zapisz", "powiadomienia", "Reklamacja", "Potwierdź")


@pytest.fixture
def in_ukrainian_browser():
    """Chromium at 360 px whose language is Ukrainian (Accept-Language: uk-UA)."""
    return lambda scenario: run_in_chromium(
        scenario, timeout_ms=10_000, viewport={"width": 360, "height": 740}, locale="uk-UA")


def _reads_ukrainian(page) -> None:
    main = page.inner_text("main")
    assert page.get_attribute("html", "lang") == "uk"
    assert [w for w in POLISH_WORDS if w in main] == []
    assert accessibility_violations(page) == [], page.url
    assert fits_360(page), page.url


def test_every_page_a_ukrainian_recipient_sees_is_ukrainian(live_server, in_ukrainian_browser, rec, api):  # noqa: F811
    number = rec.item_at()
    assert api.scan(number).status_code == 201
    record_url = api.item(number).get_json()["verify_url"].replace("http://awizo.test", live_server)
    code = rec.claim_code(number)
    in_ukrainian_browser(lambda page: _walk(page, live_server, record_url, code, rec))


def _walk(page, base, record_url, code, rec):
    page.goto(record_url)  # what the QR code on the paper notice opens
    assert "Спроби вручення" in page.inner_text("main")
    _reads_ukrainian(page)

    page.goto(f"{base}/alerts/")
    _reads_ukrainian(page)
    page.get_by_label("Ім'я та прізвище або назва організації").fill("Олена Коваленко")
    page.get_by_label("Вулиця, номер будинку та квартири").fill("Polna 12 m. 4")
    page.get_by_label("Поштовий індекс").fill("00-950")
    page.get_by_label("Населений пункт").fill("Warszawa")
    page.get_by_label("Номер мобільного телефону").fill("601 234 999")
    page.get_by_label("Адреса електронної пошти").fill("olena@example.com")
    assert page.get_by_label("Українська").is_checked()  # the page's language is the messages' default
    page.get_by_label("Код із повідомлення", exact=True).fill(code)
    page.get_by_role("button", name="Підписатися").click()
    page.wait_for_url("**/alerts/m/**")
    assert "Адресу підтверджено" in page.inner_text("main")
    _reads_ukrainian(page)
    assert rec.messages("confirm_sms", PHONE)[-1].body.startswith("Awizo: код підтвердження")

    page.goto(record_url + "/cases/new")
    _reads_ukrainian(page)
    page.get_by_label("Я не знайшов(-ла) повідомлення").check()
    page.get_by_label("Коротко опишіть, що сталося").fill("У скриньці не було повідомлення.")
    page.get_by_label("Адреса електронної пошти або номер телефону").fill("olena@example.com")
    page.get_by_role("button", name="Надіслати скаргу").click()
    page.wait_for_url("**/c/**")
    assert "Скаргу прийнято" in page.inner_text("main")
    _reads_ukrainian(page)
