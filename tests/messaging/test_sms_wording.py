"""SMS length: GSM-7 vs UCS-2 segments, and alerts that stay within two segments in Polish."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from notices.messages import OPT_IN_SMS, OPT_OUT_SMS, NoticeAlert, email_failed_sms, notice_sms
from notices.sms import count_segments


@pytest.mark.parametrize("text, encoding, segments", [
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3),
    ("€" * 80, "GSM-7", 1),    # extension characters cost two septets
    ("€" * 81, "GSM-7", 2),
    ("ł" * 70, "UCS-2", 1),
    ("ł" + "a" * 70, "UCS-2", 2),  # one Polish letter switches the whole text
    ("ą" * 134, "UCS-2", 2),
    ("ą" * 135, "UCS-2", 3),
])
def test_segment_counting(text, encoding, segments):
    count = count_segments(text)
    assert (count.encoding, count.segments) == (encoding, segments)


LONG_PICKUP = "Placówka pocztowa Warszawa Śródmieście nr 1 — okienko odbioru przesyłek poleconych"
URL = "https://awizo.example.pl/v/" + "x" * 32


@pytest.mark.parametrize("language", ["pl", "en"])
def test_notice_sms_fits_two_segments_with_polish_diacritics(language):
    alert = NoticeAlert(tracking_number="RR123456785PL", sender_name="Sąd Rejonowy", pickup_name=LONG_PICKUP,
                        pickup_address="ul. Świętokrzyska 31/33", verify_url=URL, language=language,
                        deadline_local=datetime(2026, 12, 1, 23, 59, tzinfo=ZoneInfo("Europe/Warsaw")))
    text = notice_sms(alert)
    count = count_segments(text)
    assert count.encoding == "UCS-2" and count.segments <= 2
    assert "RR123456785PL" in text and "01.12.2026" in text and text.endswith(URL)
    assert "Placówka pocztowa" in text and "…" in text  # the name is shortened, never the facts


def test_short_pickup_name_is_kept_whole():
    alert = NoticeAlert(tracking_number="RR123456785PL", sender_name=None, pickup_name="UP Łódź 1",
                        pickup_address="", verify_url=URL,
                        deadline_local=datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("Europe/Warsaw")))
    assert "czeka w UP Łódź 1 do 01.12.2026." in notice_sms(alert)


def test_other_sms_texts_fit_two_segments():
    for text in (OPT_OUT_SMS, OPT_IN_SMS, email_failed_sms("pl", "RR123456785PL", URL),
                 email_failed_sms("en", "RR123456785PL", URL)):
        assert count_segments(text).segments <= 2, text
