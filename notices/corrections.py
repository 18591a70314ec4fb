"""Wording for a corrected scan and its correction, for the record page, the portal and the proof.

A scan corrected on the handheld right after it was recorded stays in the record; the
correction is the attempt after it. Both say so, pointing at each other by their number in the
list of attempts (1 is the first).
"""
from __future__ import annotations

from notices.i18n import LANGUAGES, N_, translations

CORRECTED_BY = N_("Poprawione przez doręczyciela zaraz po zapisie — właściwy wynik w próbie {number}.")
CORRECTS = N_("Poprawka próby {number}: doręczyciel najpierw zapisał inny wynik; obie pozycje zostają w zapisie.")


def correction_text(corrected_by: int | None, corrects: int | None) -> dict[str, str] | None:
    """The text in every language (``{"pl", "en", "uk"}``) for an attempt corrected by attempt
    number ``corrected_by``, or one that corrects attempt number ``corrects``; ``None`` for an
    attempt that is neither."""
    if corrected_by is not None:
        wording, number = CORRECTED_BY, corrected_by
    elif corrects is not None:
        wording, number = CORRECTS, corrects
    else:
        return None
    return {lang: translations(lang).gettext(wording).format(number=number) for lang in LANGUAGES}
