"""Sentences shown on the recipients' pages for each error a service can report."""
from __future__ import annotations

from app.errors import ValidationFailed

MESSAGES = {
    "required": ("To pole jest wymagane.", "This field is required."),
    "too_long": ("Za długi tekst.", "The text is too long."),
    "invalid_phone": ("To nie jest poprawny numer telefonu.", "This is not a valid phone number."),
    "invalid_email": ("To nie jest poprawny adres e-mail.", "This is not a valid e-mail address."),
    "time": ("Podaj godzinę w formacie GG:MM, np. 21:00.", "Enter a time as HH:MM, e.g. 21:00."),
    "need_contact": ("Podaj numer telefonu lub adres e-mail i wybierz kanał.",
                     "Give a phone number or an e-mail address and choose a channel."),
    "required_for_channel": ("Podaj dane kontaktowe dla wybranego kanału.",
                             "Give the contact for the channel you chose."),
    "proof_needed": ("Wpisz kod z awiza albo poproś o kod listem — bez tego nie możemy potwierdzić, "
                     "że to Twój adres.",
                     "Enter the code from a paper notice or ask for a code by letter — without it we "
                     "cannot confirm the address is yours."),
    "claim_code_mismatch": ("Ten kod nie pasuje do podanego adresu, został już użyty albo wygasł.",
                            "This code does not match the address, was already used, or has expired."),
    "code_wrong": ("Kod jest nieprawidłowy. Sprawdź SMS i spróbuj ponownie.",
                   "The code is wrong. Check the SMS and try again."),
    "code_expired": ("Kod wygasł. Wyślij nowy kod.", "The code has expired. Send a new code."),
    "locked": ("Za dużo błędnych prób. Spróbuj ponownie za godzinę.",
               "Too many wrong tries. Try again in an hour."),
    "too_many_sends": ("Wysłaliśmy już zbyt wiele kodów na ten kontakt.",
                       "We have already sent too many codes to this contact."),
    "delegate_of_delegate": ("Osoba upoważniona nie może dodawać kolejnych osób.",
                             "A delegate cannot add further delegates."),
    "not_found": ("Nie znaleziono.", "Not found."),
    "no_address": ("Brak adresu.", "No address."),
}


def errors_for(exc: ValidationFailed, lang: str) -> dict[str, str]:
    """Field name -> sentence in the page language."""
    index = 0 if lang == "pl" else 1
    return {e.field: MESSAGES.get(e.message, (e.message, e.message))[index] for e in exc.errors}


def sentence(key: str, lang: str) -> str:
    return MESSAGES[key][0 if lang == "pl" else 1]
