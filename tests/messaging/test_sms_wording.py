"""SMS length: GSM-7 vs UCS-2 segments, and every alert within its segment budget in every language."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from notices.i18n import translations
from notices.messages import LANGUAGES, OPT_IN_SMS, OPT_OUT_SMS, NoticeAlert, email_failed_sms, notice_sms
from notices.sms import count_segments
from notices.sms_texts import SMS_BUDGETS, SMS_TEMPLATES, SmsFacts, render_sms

# Known answers from 3GPP TS 23.038 (GSM 7-bit default alphabet and its extension table) and
# TS 23.040 (140 octets of user data: 160 septets or 70 UCS-2 characters alone; a 6-octet
# concatenation header leaves 153 septets or 67 characters a part; an escape sequence or a
# surrogate pair is never split between parts).
SPEC_VECTORS = [
    ("", "GSM-7", 0),
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3),
    ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà", "GSM-7", 1),  # basic table
    ("€" * 80, "GSM-7", 1),    # extension characters cost two septets (ESC + the character)
    ("€" * 81, "GSM-7", 2),
    ("^{}\\[~]|\f" * 8 + "aaaa", "GSM-7", 1),   # 9 extension characters × 2 × 8 + 4 = 148 septets
    ("a" * 152 + "€" + "a" * 152, "GSM-7", 3),  # 306 septets, but the escape cannot straddle parts
    ("Müller Straße", "GSM-7", 1),
    ("Kraków", "UCS-2", 1),    # ó is not in the GSM alphabet
    ("façade", "UCS-2", 1),    # only the capital Ç is
    ("ł" * 70, "UCS-2", 1),
    ("ł" + "a" * 70, "UCS-2", 2),  # one Polish letter switches the whole text
    ("ą" * 134, "UCS-2", 2),
    ("ą" * 135, "UCS-2", 3),
    ("Ж" * 70, "UCS-2", 1),    # Cyrillic
    ("Ж" * 71, "UCS-2", 2),
    ("😀" * 35, "UCS-2", 1),   # outside the BMP: two UTF-16 code units each
    ("ą" * 66 + "😀" + "ą" * 66, "UCS-2", 3),  # 134 units, but the pair cannot straddle parts
]


@pytest.mark.parametrize("text, encoding, segments", SPEC_VECTORS)
def test_segment_counting(text, encoding, segments):
    count = count_segments(text)
    assert (count.encoding, count.segments) == (encoding, segments)


URL = "https://awizo.example.pl/v/" + "Zz-_9" * 6 + "ab"   # a record link as issued: a 32-character token
DEADLINE = date(2026, 12, 1)
TYPICAL = {"sender": "Sąd Rejonowy w Gdańsku", "pickup": "Urząd Pocztowy Gdańsk 12",
           "addressee": "Jan Kowalski"}
LONG = {"sender": "Samodzielny Publiczny Zakład Opieki Zdrowotnej Ministerstwa Spraw Wewnętrznych i Administracji "
                  "w Warszawie Oddział Zamiejscowy",
        "pickup": "Placówka Pocztowa Warszawa Śródmieście nr 1 — okienko odbioru przesyłek poleconych i paczek",
        "addressee": "Maria Konstancja Wiśniewska-Grzegorzewska-Brzęczyszczykiewicz"}
CYRILLIC = {"sender": "Генеральне консульство України в Гданську", "pickup": "Поштове відділення Гданськ 12",
            "addressee": "Олена Шевченко"}


def facts(names: dict, *, official: bool, delegate: bool) -> SmsFacts:
    return SmsFacts(tracking_number="RR123456785PL", deadline=DEADLINE, url=URL, sender=names["sender"],
                    pickup=names["pickup"], deemed_served_on=DEADLINE if official else None,
                    addressee=names["addressee"] if delegate else None, left_at=datetime(2026, 11, 24, 10, 5))


def test_every_sms_template_exists_in_every_language_with_a_budget():
    assert set(SMS_TEMPLATES) == set(SMS_BUDGETS)
    for kind, msgid in SMS_TEMPLATES.items():
        for lang in LANGUAGES:
            if lang != "pl":   # Polish is the source; every other catalog translates the template
                assert translations(lang).gettext(msgid) != msgid, (kind, lang)


CASES = [(kind, lang, official, delegate) for kind in SMS_BUDGETS for lang in LANGUAGES
         for official in (False, True) for delegate in (False, True) if official or kind != "deemed_served"]


@pytest.mark.parametrize("kind, lang, official, delegate", CASES)
def test_alert_with_typical_names_is_within_budget_and_says_everything(kind, lang, official, delegate):
    text = render_sms(kind, facts(TYPICAL, official=official, delegate=delegate), lang)
    assert count_segments(text).segments <= SMS_BUDGETS[kind], text
    for fact in ("RR123456785PL", "01.12.2026", TYPICAL["sender"], TYPICAL["pickup"]):
        assert fact in text
    assert text.endswith(URL) and "…" not in text
    assert (TYPICAL["addressee"] in text) == delegate


@pytest.mark.parametrize("names", [LONG, CYRILLIC], ids=["long-polish", "cyrillic"])
@pytest.mark.parametrize("kind, lang, official, delegate", CASES)
def test_long_names_are_shortened_at_word_boundaries_never_the_facts(kind, lang, official, delegate, names):
    text = render_sms(kind, facts(names, official=official, delegate=delegate), lang)
    count = count_segments(text)
    assert count.encoding == "UCS-2" and count.segments <= SMS_BUDGETS[kind], text
    assert "RR123456785PL" in text and "01.12.2026" in text and text.endswith(URL)
    words = {w.strip(",.;:-—") for name in names.values() for w in name.split()}
    for cut in re.findall(r"(\S*)…", text):   # what is left before each ellipsis is a whole word
        assert cut == "" or cut.lstrip("(") in words, (cut, text)
    if names is CYRILLIC and not (official or delegate):
        assert "Поштове відділення Гданськ 12" in text   # short enough: kept whole


@pytest.mark.parametrize("lang", LANGUAGES)
def test_official_letter_warns_of_deemed_service_and_parcel_does_not(lang):
    warning = {"pl": "uznaje się za doręczone 01.12.2026", "en": "deemed served 01.12.2026",
               "uk": "вважається врученим 01.12.2026"}
    for kind in ("notice_left", "repeat_notice", "repeat_notice_left", "reminder"):
        assert warning[lang] in render_sms(kind, facts(TYPICAL, official=True, delegate=False), lang)
        assert "01.12.2026." not in render_sms(kind, facts(TYPICAL, official=False, delegate=False), lang).replace(
            "do 01.12.2026.", "").replace("until 01.12.2026.", "").replace("до 01.12.2026.", "").replace("(01.12.2026) ", "")


def test_delegate_sms_says_whose_letter_it_is():
    pl = render_sms("notice_left", facts(TYPICAL, official=True, delegate=True), "pl")
    en = render_sms("notice_left", facts(TYPICAL, official=True, delegate=True), "en")
    assert pl.startswith("Awizo (adresat: Jan Kowalski): RR123456785PL od: Sąd Rejonowy w Gdańsku czeka w ")
    assert en.startswith("Awizo (addressee: Jan Kowalski): item RR123456785PL from Sąd Rejonowy")


def test_notice_sms_names_sender_pickup_point_and_last_day():
    alert = NoticeAlert(tracking_number="RR123456785PL", sender_name="Sąd Rejonowy", pickup_name="UP Łódź 1",
                        pickup_address="", verify_url=URL,
                        deadline_local=datetime(2026, 12, 1, 23, 59, tzinfo=ZoneInfo("Europe/Warsaw")))
    assert notice_sms(alert) == f"Awizo: RR123456785PL od: Sąd Rejonowy czeka w UP Łódź 1 do 01.12.2026. {URL}"


def test_other_sms_texts_fit_two_segments():
    for text in (OPT_OUT_SMS, OPT_IN_SMS, email_failed_sms("pl", "RR123456785PL", URL),
                 email_failed_sms("en", "RR123456785PL", URL)):
        assert count_segments(text).segments <= 2, text


CASE_URL = "https://awizo.example.pl/c/" + "Zz-_9" * 8 + "abc"   # a 43-character case token


def _other_sms(lang: str) -> dict[str, list[str]]:
    from datetime import date

    from notices import case_messages, recipient_messages
    from notices.cases import DECISIONS, STATUSES

    waiting = [recipient_messages.WaitingItem("RR123456785PL", "Sąd Rejonowy w Gdańsku", date(2026, 12, 1),
                                              date(2026, 12, 1), URL)] * 3
    due = datetime(2026, 12, 8, 12, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    return {
        "contact_code": [recipient_messages.confirm_sms(lang, "123456", 15)],
        "delegate_code": [recipient_messages.delegate_sms(lang, "123456", "Małgorzata Wiśniewska-Grzegorzewska",
                                                          "https://awizo.example.pl/alerts/code")],
        "waiting_items": [recipient_messages.waiting_items_sms(lang, waiting)],
        "email_failed": [email_failed_sms(lang, "RR123456785PL", URL)],
        "case_code": [case_messages.confirm_sms(lang, "RK-2026-000123-7", "123456", 15)],
        "case_status": [case_messages.status_sms(lang, "RK-2026-000123-7", s, CASE_URL, due, "Europe/Warsaw")
                        for s in STATUSES]
        + [case_messages.status_sms(lang, "RK-2026-000123-7", "decided", CASE_URL, None, "Europe/Warsaw", decision=d)
           for d in DECISIONS],
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_other_sms_keeps_its_budget_in_every_language(lang):
    from notices.sms_texts import OTHER_SMS_BUDGETS

    texts = _other_sms(lang)
    assert set(texts) == set(OTHER_SMS_BUDGETS)
    for kind, bodies in texts.items():
        for body in bodies:
            assert count_segments(body).segments <= OTHER_SMS_BUDGETS[kind], (kind, body)
