"""Sentences shown on the recipients' pages for each error a service can report."""
from __future__ import annotations

from app.errors import ValidationFailed
from notices.i18n import N_, translations

MESSAGES = {
    "required": N_("To pole jest wymagane."),
    "too_long": N_("Za długi tekst."),
    "invalid_phone": N_("To nie jest poprawny numer telefonu."),
    "invalid_email": N_("To nie jest poprawny adres e-mail."),
    "time": N_("Podaj godzinę w formacie GG:MM, np. 21:00."),
    "need_contact": N_("Podaj numer telefonu lub adres e-mail i wybierz kanał."),
    "required_for_channel": N_("Podaj dane kontaktowe dla wybranego kanału."),
    "proof_needed": N_("Wpisz kod z awiza albo poproś o kod listem — bez tego nie możemy potwierdzić, "
                     "że to Twój adres."),
    "claim_code_mismatch": N_("Ten kod nie pasuje do podanego adresu, został już użyty albo wygasł."),
    "code_wrong": N_("Kod jest nieprawidłowy. Sprawdź SMS i spróbuj ponownie."),
    "code_expired": N_("Kod wygasł. Wyślij nowy kod."),
    "locked": N_("Za dużo błędnych prób. Spróbuj ponownie za godzinę."),
    "too_many_sends": N_("Wysłaliśmy już zbyt wiele kodów na ten kontakt."),
    "delegate_of_delegate": N_("Osoba upoważniona nie może dodawać kolejnych osób."),
    "not_found": N_("Nie znaleziono."),
    "no_address": N_("Brak adresu."),
}


def errors_for(exc: ValidationFailed, lang: str) -> dict[str, str]:
    """Field name -> sentence in the page language."""
    words = translations(lang)
    return {e.field: words.gettext(MESSAGES[e.message]) if e.message in MESSAGES else e.message for e in exc.errors}


def sentence(key: str, lang: str) -> str:
    return translations(lang).gettext(MESSAGES[key])
