"""Wording for a corrected scan and its correction, for the record page, the portal and the proof.

A scan corrected on the handheld right after it was recorded stays in the record; the
correction is the attempt after it. Both say so, pointing at each other by their number in the
list of attempts (1 is the first).
"""
from __future__ import annotations


def correction_text(corrected_by: int | None, corrects: int | None) -> dict[str, str] | None:
    """``{"pl", "en"}`` for an attempt corrected by attempt number ``corrected_by``, or one that
    corrects attempt number ``corrects``; ``None`` for an attempt that is neither."""
    if corrected_by is not None:
        return {"pl": f"Poprawione przez doręczyciela zaraz po zapisie — właściwy wynik w próbie {corrected_by}.",
                "en": f"Corrected by the carrier just after it was recorded: the right outcome is attempt "
                      f"{corrected_by}."}
    if corrects is not None:
        return {"pl": f"Poprawka próby {corrects}: doręczyciel najpierw zapisał inny wynik; obie pozycje "
                      "zostają w zapisie.",
                "en": f"Correction of attempt {corrects}: the carrier first recorded another outcome; both "
                      "stay in the record."}
    return None
