"""Recipient-action rules per service profile (notices/recipient_actions.py), with known dates."""
from datetime import date

from notices.recipient_actions import ItemFacts, check_authorisation, check_move, check_redelivery, same_person

# Collection ends on Tuesday 5 May 2026; Friday 1 May and Sunday 3 May are public holidays.
OFFICIAL = ItemFacts(profile="pl_official_letter", waiting=True, collect_by=date(2026, 5, 5))
REGISTERED = ItemFacts(profile="pl_registered_letter", waiting=True, collect_by=date(2026, 5, 5))
TODAY = date(2026, 4, 27)


def test_redelivery_days():
    assert check_redelivery(OFFICIAL, date(2026, 4, 28), TODAY) is None
    assert check_redelivery(OFFICIAL, TODAY, TODAY).field == "day"                     # not today
    assert "not a working day" in check_redelivery(OFFICIAL, date(2026, 5, 1), TODAY).text("en")   # Labour Day
    # Official letters: at the latest the working day before the last day (Monday 4 May).
    assert check_redelivery(OFFICIAL, date(2026, 5, 4), TODAY) is None
    assert "latest day you can choose is 04.05.2026" in check_redelivery(OFFICIAL, date(2026, 5, 5), TODAY).text("en")
    assert check_redelivery(REGISTERED, date(2026, 5, 5), TODAY) is None
    uk = ItemFacts(profile="uk_signed_for", waiting=True, collect_by=date(2026, 5, 5), country="GB")
    assert "does not redeliver" in check_redelivery(uk, date(2026, 4, 28), TODAY).text("en")


def test_moves_and_authorisations_differ_by_profile():
    assert check_move(OFFICIAL, 12.0, False, True, TODAY) is None
    assert "at most 30 km" in check_move(OFFICIAL, 45.0, False, True, TODAY).text("en")
    assert check_move(REGISTERED, 45.0, False, True, TODAY) is None
    late = date(2026, 5, 4)
    assert "Too little time" in check_move(OFFICIAL, 5.0, False, True, late).text("en")
    assert check_authorisation(OFFICIAL, "Anna Nowak", "driving_licence", "123").field == "id_type"
    assert check_authorisation(REGISTERED, "Anna Nowak", "driving_licence", "123") is None
    assert check_authorisation(REGISTERED, "Anna", "passport", "123").field == "name"
    assert check_authorisation(REGISTERED, "Anna Nowak", "passport", "12").field == "id_last_digits"
    closed = ItemFacts(profile="pl_official_letter", waiting=False, collect_by=date(2026, 5, 5))
    assert "no longer waiting" in check_authorisation(closed, "Anna Nowak", "passport", "123").text("en")


def test_the_person_at_the_counter_is_matched_without_case_or_spacing():
    assert same_person("Anna Nowak", "passport", "12ab", " anna   NOWAK ", "passport", "12AB")
    assert not same_person("Anna Nowak", "passport", "12AB", "Anna Nowak", "id_card", "12AB")
    assert not same_person("Anna Nowak", "passport", "12AB", "Anna Nowakowska", "passport", "12AB")
