"""Staff enrol a phone with a one-time QR code and revoke it; the handheld stops at once.
Every page passes axe-core with no serious or critical violation and fits 360 px."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from app.accounts import service as accounts
from app.extensions import db
from tests.handheld.test_handheld_e2e import PHONE, WARSAW, attempts, enrol, registered, wait_all_sent, wedge_scan

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
PASSWORD = "correct horse battery"


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{page.url}: {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def staff(app, chromium, live_server):
    with app.app_context():
        accounts.create_user(db.session, "staff@operator.example.com", "staff", None, password=PASSWORD)
    context = chromium.new_context(viewport={"width": 1024, "height": 900}, locale="pl-PL")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server}/staff/devices")
    page.get_by_label("E-mail").fill("staff@operator.example.com")
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url("**/staff/devices")
    yield page
    context.close()


def test_staff_enrol_a_phone_by_qr_and_a_revoked_phone_is_refused_at_once(app, api, chromium, live_server, staff):
    problems = serious_violations(staff)
    staff.get_by_label("Nazwa urządzenia").fill("Telefon A")
    staff.get_by_role("button", name="Utwórz jednorazowy kod").click()
    code = staff.locator("#enrolment-code").text_content().strip()
    problems += serious_violations(staff)
    link = zxingcpp.read_barcode(Image.open(io.BytesIO(staff.get_by_role("img", name="Kod QR z linkiem rejestracji").screenshot()))).text
    assert link == f"{live_server}/h/enrol#code={code}"

    first, second = registered(api, 2)
    context = chromium.new_context(viewport=PHONE, geolocation=WARSAW, permissions=["geolocation"], locale="pl-PL")
    phone = context.new_page()
    phone.set_default_timeout(15000)
    phone.goto(link)
    problems += serious_violations(phone)
    assert fits_the_width(phone)
    phone.get_by_role("button", name="Zarejestruj urządzenie").click()
    phone.get_by_role("link", name="Zacznij skanować").click()
    wedge_scan(phone, first, "Awizo (adresat nieobecny)")
    wait_all_sent(phone, 1)

    staff.goto(f"{live_server}/staff/devices")
    row = staff.get_by_role("row").filter(has_text="Telefon A")
    assert "aktywne" in row.text_content()
    row.get_by_role("button", name="Odwołaj").click()
    assert "odwołane" in staff.get_by_role("row").filter(has_text="Telefon A").text_content()

    wedge_scan(phone, second, "Doręczono")
    phone.get_by_text("To urządzenie zostało odwołane").wait_for()
    assert phone.locator("#queue-count").text_content() == "1"
    assert [a["number"] for a in attempts(app)] == [first]
    context.close()
    assert problems == []


def test_handheld_pages_pass_axe_and_fit_a_360px_phone(app, api, chromium, live_server):
    number, = registered(api, 1)
    context = chromium.new_context(viewport=PHONE, geolocation=WARSAW, permissions=["geolocation"], locale="pl-PL")
    page = context.new_page()
    page.set_default_timeout(15000)
    from tests.handheld.conftest import new_code

    enrol(page, live_server, new_code(app, api.carrier_id))
    problems = serious_violations(page)
    page.locator("#tracking").fill("RR123456784PL")  # an error message on screen
    page.keyboard.press("Enter")
    problems += serious_violations(page)
    page.locator("#tracking").fill(number)
    page.keyboard.press("Enter")  # the outcome buttons on screen
    problems += serious_violations(page)
    assert fits_the_width(page)
    box = page.get_by_role("button", name="Doręczono").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 140  # a target for a gloved thumb
    page.get_by_role("button", name="Awizo (adresat nieobecny)").click()
    wait_all_sent(page, 1)
    page.get_by_role("link", name="Drukuj awizo").click()
    page.locator("#paper").wait_for()
    problems += serious_violations(page)
    assert fits_the_width(page)
    page.goto(f"{live_server}/h/today?lang=en")
    page.get_by_text("sent").first.wait_for()
    problems += serious_violations(page)
    assert fits_the_width(page)
    context.close()
    assert problems == []
