"""Normalised address keys, so "ul. Puławska 17 m. 4" and the register's "Puławska 17" meet.

A key is ``city|street|number|postal code``, each part lower-case, without diacritics,
without street-type prefixes (ul., al., pl., os., …) and without the flat number. Places with
no streets (villages: "Wólka 12") use the locality's name as the street, as the register does.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PREFIXES = ("ulica", "ul", "aleja", "aleje", "al", "plac", "pl", "osiedle", "os", "rondo", "skwer", "bulwar")
_PREFIX_RE = re.compile(r"^(?:" + "|".join(_PREFIXES) + r")\b\.?\s*")
# "12", "12a", "12 a", "12/4", "12 m. 4", "12 m 4", "12 lok. 4", "12/4a"
_NOT_WORD = re.compile(r"[^a-z0-9./ ]+")
_LINE_RE = re.compile(r"^(?P<street>.*?)\s+(?P<number>\d+\s?[a-z]?)(?:\s*(?:/|m\.?|lok\.?|lokal)\s*\w+)?$")


def normalise(text: str | None) -> str:
    """Lower-case ASCII words separated by single spaces ("Świętokrzyska" → "swietokrzyska")."""
    if not text:
        return ""
    text = text.replace("ł", "l").replace("Ł", "L")
    if not text.isascii():  # ASCII has no accents to strip (NFKD leaves it as it is)
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


@lru_cache(maxsize=4096)  # a file of letters names the same towns and streets over and over
def street_name(text: str | None) -> str:
    name = normalise(text).replace(".", ". ")
    name = " ".join(name.split())
    name = _PREFIX_RE.sub("", name)
    return " ".join(name.replace(".", " ").split())


def house_number(text: str | None) -> str:
    """"12 A" → "12a"; "12/4" → "12" (the building, not the flat)."""
    value = normalise(text).replace(" ", "")
    return re.split(r"/|m\.|lok", value, maxsplit=1)[0] if value else ""


def postal_code(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def split_line(line1: str) -> tuple[str, str] | None:
    """``"ul. Polna 12 m. 4"`` → ("polna", "12"); None when no house number can be found."""
    match = _LINE_RE.match(normalise(line1))
    if not match:
        return None
    return street_name(match.group("street")), match.group("number").replace(" ", "")


def key(city: str, street: str | None, number: str, postal: str | None) -> str:
    """The exact-match key of an address point (street empty → the locality's name)."""
    place = street_name(city)
    return f"{place}|{street_name(street) or place}|{house_number(number)}|{postal_code(postal)}"


def key_without_postal_code(full_key: str) -> str:
    return full_key.rsplit("|", 1)[0]


def item_key(line1: str, postal: str, city: str) -> str | None:
    """The key of an item's address line, or None when it has no recognisable house number."""
    parts = split_line(line1)
    if parts is None:
        return None
    street, number = parts
    return key(city, street, number, postal)
