from notices import masking


def test_public_pages_show_initials_and_partial_contacts():
    assert masking.initials("Jan Maria Kowalska-Nowak") == "J. M. K. N."
    assert masking.phone("+48601234567") == "+48 *** *** 567"
    assert masking.email("jan.kowalski@example.com") == "j***@example.com"
    assert masking.street("ul. Polna 12 m. 4") == "ul. Polna m. ***"
    assert masking.postal_code("00-950") == "00****"


def test_masking_never_leaks_the_full_value():
    for phone in ("+48601234567", "601234567", "+442071838750"):
        assert "601234" not in (masking.phone(phone) or "")


def test_the_name_shown_at_the_door_is_enough_to_check_it_and_no_more():
    from notices.masking import door_name

    assert door_name("Jan Kowalski") == "J. Kow*****"
    assert door_name("Anna Maria Nowak-Zielińska") == "A. Now" + "*" * 12
    assert door_name("Ng") == "Ng"
    assert door_name("") == "—"
