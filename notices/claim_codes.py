"""Proof of access to an address: claim codes, confirmation codes and address matching.

Framework-free. A claim code is printed on a paper notice (or sent by letter) to one
address; whoever can read it can get alerts for that address. Codes are written in
Crockford's base32 (no I, L, O, U), so a code typed with the look-alike letters still
matches. Addresses are compared by a normalised key, so "ul. Polna 12 m. 4" and
"POLNA 12/4" are the same flat.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from functools import lru_cache

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CLAIM_CODE_LENGTH = 10  # 50 bits
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})

_STREET_PREFIXES = ("ulica", "ul", "aleja", "aleje", "al", "plac", "pl", "osiedle", "os", "street", "st")
_FLAT_MARKERS = re.compile(r"\s*(?:/|\bm\b\.?|\bmieszk\w*\.?|\blok\w*\.?|\bapt\.?|\bflat\b)\s*", re.I)


def new_claim_code() -> str:
    """A fresh code for a paper notice or a letter, e.g. ``K7QM-4TX9-2B``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CLAIM_CODE_LENGTH))
    return format_claim_code(raw)


def derived_claim_code(secret: str, context: str) -> str:
    """The claim code for one printed notice, derived from the server secret and ``context``.

    The same notice always shows the same code (a reprint, a second look at the notice on the
    handheld), while only its keyed hash is stored, so nothing readable is kept to be leaked.
    """
    digest = hmac.new(secret.encode(), f"notice-claim:{context}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    raw = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(CLAIM_CODE_LENGTH))
    return format_claim_code(raw)


def device_notice_key(secret: str, device_id: int) -> str:
    """The key a handheld derives the claim codes and links of its own notices with, offline.

    Given to the device at enrolment (like its token); the server re-derives it from its secret
    whenever it needs it, so it is never stored.
    """
    return hmac.new(secret.encode(), f"device-notice:{device_id}".encode(), hashlib.sha256).hexdigest()


def scan_claim_code(device_key: str, sequence: int) -> str:
    """The claim code on the notice a handheld printed for its signed scan number ``sequence``."""
    return derived_claim_code(device_key, f"scan:{sequence}")


NOTICE_TAG_LENGTH = 16  # 80 bits


def scan_notice_tag(device_key: str, sequence: int) -> str:
    """The unguessable part of the link a device-printed notice's QR code carries."""
    digest = hmac.new(device_key.encode(), f"notice-link:{sequence}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:10], "big")
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(NOTICE_TAG_LENGTH))


def format_claim_code(raw: str) -> str:
    raw = canonical_claim_code(raw)
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def canonical_claim_code(typed: str) -> str:
    """Upper case, no spaces or dashes, look-alike letters mapped to the digits they mimic."""
    return re.sub(r"[^0-9A-Z]", "", (typed or "").upper()).translate(_LOOKALIKES)


def new_numeric_code(digits: int = 6) -> str:
    """The code sent by SMS to confirm a phone number."""
    return f"{secrets.randbelow(10 ** digits):0{digits}d}"


def code_digest(secret: str, code: str, context: str = "") -> str:
    """Keyed hash of a short code: without the server secret the stored value cannot be brute-forced."""
    message = f"{context}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def codes_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """Lower case, no diacritics (ł counts as l), punctuation to spaces, single spaces.

    Remembered per process: the same cities and streets come back in every batch of items."""
    text = (text or "").replace("ł", "l").replace("Ł", "L")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^0-9a-z/]+", " ", text).split())


def normalise_street(line1: str, line2: str | None = None) -> str:
    """Street, number and flat as one comparable string: ``polna 12/4``."""
    text = " ".join(part for part in (line1, line2) if part)
    text = _FLAT_MARKERS.sub("/", text.replace("ł", "l").replace("Ł", "L"))
    words = _fold(text).replace(" / ", "/").replace(" /", "/").replace("/ ", "/").split()
    while words and words[0] in _STREET_PREFIXES:
        words = words[1:]
    return " ".join(words).strip("/")


def address_key(line1: str, line2: str | None, postal_code: str, city: str, country: str) -> str:
    """The key under which claim codes and subscriptions for one address meet."""
    postal = re.sub(r"[^0-9A-Za-z]", "", postal_code or "").upper()
    return "|".join(((country or "").upper()[:2], postal, _fold(city), normalise_street(line1, line2)))
