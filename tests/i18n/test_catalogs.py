"""The gettext catalogs are complete where recipients read them, and pages follow the chosen language."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from notices.i18n import is_recipient_facing, translations

CATALOGS = Path(__file__).resolve().parents[2] / "app" / "translations"


def _catalog(lang: str):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def _gaps(lang: str, only_recipient_facing: bool) -> list[str]:
    gaps = []
    for message in _catalog(lang):
        if not message.id:
            continue
        facing = any(is_recipient_facing(path) for path, _ in message.locations)
        if only_recipient_facing and not facing:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            gaps.append(f"{message.id!r} ({message.locations[0][0]})")
    return gaps


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_every_recipient_facing_text_is_translated_and_none_is_fuzzy(lang):
    assert _gaps(lang, only_recipient_facing=True) == []


def test_english_covers_staff_and_sender_pages_too():
    assert _gaps("en", only_recipient_facing=False) == []


def test_the_catalog_gap_check_sees_recipient_pages_not_staff_ones():
    assert is_recipient_facing("app/recipients/templates/recipients/signup.html")
    assert is_recipient_facing("app/cases/templates/cases/case.html")
    assert not is_recipient_facing("app/cases/templates/cases/staff_case.html")
    assert not is_recipient_facing("app/senders/templates/portal/items.html")


def test_compiled_catalogs_are_read_without_flask():
    assert translations("uk").gettext("Złóż reklamację") == "Подати скаргу"
    assert translations("en").gettext("Złóż reklamację") == "File a complaint"
    assert translations("pl").gettext("Złóż reklamację") == "Złóż reklamację"
    assert translations("de").gettext("Złóż reklamację") == "Złóż reklamację"  # unknown: Polish


def test_the_language_switch_is_remembered_and_beats_accept_language(client):
    first = client.get("/alerts/?lang=uk", headers={"Accept-Language": "en"})
    assert 'lang="uk"' in first.get_data(as_text=True)
    assert "Підпишіться" in first.get_data(as_text=True) or "Підписатися" in first.get_data(as_text=True)
    again = client.get("/alerts/", headers={"Accept-Language": "en"})
    assert 'html lang="uk"' in again.get_data(as_text=True)
    assert "Zapisz się" not in again.get_data(as_text=True)


def test_without_a_choice_accept_language_picks_the_page_language(client):
    page = client.get("/", headers={"Accept-Language": "uk-UA,uk;q=0.9,pl;q=0.5"}).get_data(as_text=True)
    assert 'html lang="uk"' in page and "Перевірити доказ" in page
    page = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'html lang="pl"' in page and "Sprawdź dowód" in page


def test_the_record_page_and_case_form_read_in_ukrainian(api, client):
    created = api.register()
    assert created.status_code == 201, created.get_data(as_text=True)
    verify_path = "/v/" + created.get_json()["verify_url"].rsplit("/v/", 1)[1]
    record = client.get(verify_path + "?lang=uk").get_data(as_text=True)
    assert "Спроби вручення" in record and "Próby doręczenia" not in record
    form = client.get(verify_path + "/cases/new").get_data(as_text=True)
    assert "Що сталося?" in form and "Я не знайшов(-ла) повідомлення" in form


def test_the_paper_notice_and_durations_read_in_ukrainian():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from notices.check_texts import duration
    from notices.paper_notice import NoticeFacts, notice_text

    when = datetime(2026, 12, 7, 10, 30, tzinfo=ZoneInfo("Europe/Warsaw"))
    facts = NoticeFacts(tracking_number="RR123456785PL", service_pl="List polecony urzędowy (KPA)",
                        service_en="Official letter (Poland, KPA)", sender_name="Sąd Rejonowy", left_at=when,
                        collect_by=when, pickup_name="UP Warszawa 1", pickup_address="ul. Świętokrzyska 31",
                        pickup_hours=None, repeat_notice=True, hold_days=14, deemed_service=True,
                        verify_url="http://awizo.test/v/x")
    text = notice_text(facts, "uk")
    assert text["title"] == "ПОВІДОМЛЕННЯ — відправлення очікує отримання"
    assert text["what"] == "Офіційний рекомендований лист (KPA) № RR123456785PL від: Sąd Rejonowy"
    assert "вважається врученим 07.12.2026" in text["otherwise"]
    assert [duration(d * 86400, "uk") for d in (1, 3, 5)] == ["1 день", "3 дні", "5 днів"]
    assert [duration(d * 86400, "pl") for d in (1, 3)] == ["1 dzień", "3 dni"]


def test_a_polish_word_with_two_meanings_has_one_entry_per_meaning():
    en, uk = translations("en"), translations("uk")
    assert (en.pgettext("message recipient", "Do"), en.pgettext("end of a time range", "Do")) == ("To", "Until")
    assert (uk.pgettext("message recipient", "Do"), uk.pgettext("end of a time range", "Do")) == ("Кому", "До")
    assert (en.pgettext("delete permanently", "Usuń"), en.pgettext("remove from a list", "Usuń")) == ("Delete", "Remove")
    assert "Do" not in {m.id for m in _catalog("en") if not m.context}  # no meaning left to guess


def test_the_quiet_hours_end_reads_until_on_the_sign_up_page(client):
    page = client.get("/alerts/?lang=en").get_data(as_text=True)
    assert "Until" in page and ">To<" not in page


@pytest.mark.parametrize(("n", "expected"), [
    (1, "Sprawdzono 1 próbę doręczenia od dziś."),
    (3, "Sprawdzono 3 próby doręczenia od dziś."),
    (5, "Sprawdzono 5 prób doręczenia od dziś."),
    (12, "Sprawdzono 12 prób doręczenia od dziś."),
    (24, "Sprawdzono 24 próby doręczenia od dziś."),
])
def test_polish_counts_take_all_three_plural_forms(n, expected):
    # Polish, the source language, keeps a catalog of its plural entries only: a msgid pair has two forms.
    text = translations("pl").ngettext("Sprawdzono %(num)d próbę doręczenia od %(since)s.",
                                       "Sprawdzono %(num)d prób doręczenia od %(since)s.", n)
    assert text % {"num": n, "since": "dziś"} == expected


def test_only_plural_entries_are_filled_in_the_polish_catalog():
    filled = [m for m in _catalog("pl") if m.id and (any(m.string) if isinstance(m.string, tuple) else m.string)]
    assert filled and all(m.pluralizable for m in filled)
