"""A commitment to the letter's content: the SHA-256 a sender registers with the item.

Like the content digest in electronic-delivery evidence, it ties the record to one exact file
without the operator ever holding the letter: anyone with the file can recompute the digest
and compare it with the one on the proof.
"""
from __future__ import annotations

import re

from notices.i18n import N_

_SHA256 = re.compile(r"[0-9a-f]{64}")

COMMITMENT_TEXT = N_(
    "Nadawca zarejestrował skrót SHA-256 treści przesyłki razem z przesyłką, przed pierwszą próbą "
    "doręczenia; skrót jest wpisem rejestru zdarzeń. Plik, którego SHA-256 jest równy temu skrótowi, "
    "to treść, do której nadawca się zobowiązał. Dowodzi to, co nadawca wysłał, a nie że adresat ją przeczytał.")
"""What the content digest on a proof means (a Polish msgid, translated where it is shown)."""


def content_sha256(value: object) -> str:
    """The digest as 64 lowercase hex characters; ValueError naming what is wrong otherwise."""
    if not isinstance(value, str):
        raise ValueError("must be a string of 64 hexadecimal characters (SHA-256)")
    digest = value.strip().lower()
    if len(digest) != 64:
        raise ValueError(f"must be 64 hexadecimal characters (SHA-256), not {len(digest)}")
    if not _SHA256.fullmatch(digest):
        raise ValueError("must contain only hexadecimal characters 0-9 and a-f (SHA-256)")
    return digest


def grouped(digest: str) -> str:
    """The digest in groups of eight, for a person to compare: ``3a7bd3e2 360a3d29 …``."""
    return " ".join(digest[i:i + 8] for i in range(0, len(digest), 8))
