"""Double opt-in end to end in headless Chromium at 360 px, with an accessibility check (axe-core)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import run_in_chromium, serving

AXE = Path(__file__).resolve().parents[1] / "handheld" / "vendor" / "axe-4.14.1.min.js"
PHONE = "+48601234999"
EMAIL = "jan@example.org"


@pytest.fixture
def live_server(app):
    """The test app served on localhost in a thread; links in messages point at it."""
    with serving(app) as base:
        yield base


@pytest.fixture
def in_browser():
    """Run ``scenario(page)`` in Chromium (360 px wide) on a thread of its own."""
    return lambda scenario: run_in_chromium(
        scenario, timeout_ms=10_000, viewport={"width": 360, "height": 740}, locale="pl-PL")


def accessibility_violations(page) -> list[str]:
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})")
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result["violations"]]


def fits_360(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_double_opt_in_in_a_browser(live_server, in_browser, rec):
    code = rec.claim_code(rec.item_at())
    later_item = rec.item_at()
    in_browser(lambda page: _double_opt_in(page, live_server, rec, code, later_item))


def _double_opt_in(page, live_server, rec, code, later_item):

    page.goto(f"{live_server}/alerts/")
    assert accessibility_violations(page) == []
    assert fits_360(page)
    page.get_by_label("Imię i nazwisko lub nazwa firmy").fill("Jan Kowalski")
    page.get_by_label("Ulica, numer domu i mieszkania").fill("Polna 12 m. 4")
    page.get_by_label("Kod pocztowy").fill("00-950")
    page.get_by_label("Miejscowość").fill("Warszawa")
    page.get_by_label("Numer telefonu komórkowego").fill("601 234 999")
    page.get_by_label("Adres e-mail").fill(EMAIL)
    page.get_by_label("English").check()
    page.get_by_label("Kod z awiza", exact=True).fill(code)
    page.get_by_role("button", name="Zapisz się").click()

    page.wait_for_url("**/alerts/m/**")
    assert "Adres potwierdzony" in page.inner_text("main")
    assert "niepotwierdzony" in page.get_by_test_id("contact-sms").inner_text()
    assert accessibility_violations(page) == []
    assert fits_360(page)
    assert rec.alert_targets(later_item) == set()

    # First a wrong code: the page says so, next to the field.
    right = rec.sms_code(PHONE)
    page.get_by_label("6-cyfrowy kod z SMS").fill(f"{(int(right) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Potwierdź numer").click()
    assert "Kod jest nieprawidłowy" in page.inner_text("main")
    page.get_by_label("6-cyfrowy kod z SMS").fill(right)
    page.get_by_role("button", name="Potwierdź numer").click()
    assert "potwierdzony" in page.get_by_test_id("contact-sms").inner_text()
    assert "niepotwierdzony" not in page.get_by_test_id("contact-sms").inner_text()
    assert rec.alert_targets(later_item) == {("sms", PHONE)}

    # The e-mail link opens a page with one button; pressing it confirms.
    link = rec.email_link(EMAIL)
    assert link.startswith(live_server)
    page.goto(link)
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Potwierdzam").click()
    assert "Kontakt potwierdzony" in page.inner_text("main")
    assert rec.alert_targets(later_item) == {("sms", PHONE), ("email", EMAIL)}

    # The messages are in the language the person chose.
    assert "confirmation code" in rec.messages("confirm_sms", PHONE)[-1].body
    page.get_by_role("link", name="Twoje ustawienia powiadomień").click()
    assert "potwierdzony" in page.get_by_test_id("contact-email").inner_text()


def test_every_recipient_page_is_accessible_at_360_px(live_server, in_browser, rec, app):
    from app.accounts import service as accounts
    from app.extensions import db

    token = rec.signed_up(proof="letter")
    with app.app_context():
        accounts.create_user(db.session, "staff@example.org", "staff", None, password="staff-password-1")
        db.session.commit()
    in_browser(lambda page: _every_page(page, live_server, token))


def _every_page(page, live_server, token):
    manage = f"{live_server}/alerts/m/{token}"
    page.goto(manage)
    page.get_by_label("Imię i nazwisko").fill("Anna Nowak")
    page.get_by_label("Telefon komórkowy").fill("12")  # not a phone number: an error next to the field
    page.get_by_role("button", name="Dodaj osobę upoważnioną").click()
    assert "To nie jest poprawny numer telefonu." in page.inner_text("main")
    page.get_by_label("Telefon komórkowy").fill("602 555 777")
    page.get_by_role("button", name="Dodaj osobę upoważnioną").click()
    assert "Anna Nowak" in page.inner_text("main")
    for url in (manage, f"{manage}?lang=en", f"{manage}/delete", f"{live_server}/alerts/code",
                f"{live_server}/alerts/?lang=uk", f"{live_server}/alerts/?lang=pl"):
        page.goto(url)
        assert accessibility_violations(page) == [], url
        assert fits_360(page), url
    page.goto(f"{live_server}/login?next=/alerts/staff/1")
    page.fill("input[name=email]", "staff@example.org")
    page.fill("input[name=password]", "staff-password-1")
    page.click("form button[type=submit]")
    page.wait_for_url("**/alerts/staff/1")
    assert "letter_requested" in page.get_by_test_id("timeline").inner_text()
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Wydaj kod do wysłania listem").click()
    letter_code = page.get_by_test_id("letter-code").inner_text()
    page.goto(manage)
    page.get_by_label("Kod z awiza lub listu").fill(letter_code)
    page.get_by_role("button", name="Potwierdź adres").click()
    assert "Adres potwierdzony" in page.inner_text("main")
