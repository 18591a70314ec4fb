"""Translations for the framework-free core: gettext catalogs, no Flask.

Polish is the source language (the msgids); English and Ukrainian live in
``app/translations/<lang>/LC_MESSAGES/messages.po``, compiled to ``.mo`` by ``make setup``
(``make i18n-compile``). Functions in ``notices`` that produce text take a ``lang`` code and
look up :func:`translations` for it, so the same catalogs serve pages, messages and PDFs.
"""
from __future__ import annotations

import gettext
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path
from typing import Protocol

LANGUAGES = ("pl", "en", "uk")
DEFAULT_LANGUAGE = "pl"
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "app" / "translations"

# Sources whose texts a recipient sees: every msgid found in one of them must be translated in
# every catalog (tests/unit/test_catalogs.py); staff and sender texts may fall back to Polish
# in Ukrainian. Paths as pybabel writes them in the catalogs' "#:" comments.
RECIPIENT_FACING = (
    "app/templates/*",
    "app/recipients/templates/recipients/*",
    "app/evidence/templates/public/*",
    "app/cases/templates/cases/*",
    "app/recipients/texts.py",
    "app/recipients/views.py",
    "app/cases/views.py",
    "app/evidence/public_views.py",
    "app/web/problems.py",
    "notices/messages.py",
    "notices/case_messages.py",
    "notices/recipient_messages.py",
    "notices/lifecycle_messages.py",
    "notices/check_texts.py",
    "notices/proof_statements.py",
    "notices/proof.py",
    "notices/paper_notice.py",
    "notices/case_letter.py",
    "notices/cases.py",
    "notices/verdict.py",
    "notices/sms.py",
    "notices/sms_texts.py",
    "notices/corrections.py",
    "notices/content.py",
    "notices/recipient_actions.py",
    "notices/pickup_points.py",
    "app/evidence/action_views.py",
    "app/lifecycle/recipient_actions.py",
)

# Staff pages inside those areas (PL and EN are enough there).
STAFF_ONLY = ("*/staff_*",)


def is_recipient_facing(path: str) -> bool:
    """Whether texts found in ``path`` (relative to the repository) reach recipients."""
    return any(fnmatch(path, g) for g in RECIPIENT_FACING) and not any(fnmatch(path, g) for g in STAFF_ONLY)


class Translations(Protocol):
    """What ``gettext.NullTranslations`` offers and the core needs."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str: ...

    def pgettext(self, context: str, message: str) -> str: ...


def language_or_default(code: str | None) -> str:
    """A supported language code from ``code`` ("uk-UA" → "uk"); Polish otherwise."""
    code = (code or DEFAULT_LANGUAGE).lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=8)
def translations(lang: str | None) -> Translations:
    """The compiled catalog for ``lang``; a missing catalog or entry gives the msgids.

    Polish is the source, but it has a catalog too: only its plural entries are filled there,
    because Polish has three plural forms (1 dzień, 2 próby, 5 prób) and a msgid pair has two."""
    code = language_or_default(lang)
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[code], fallback=True)


def N_(message: str) -> str:
    """Marks ``message`` for extraction; translated later where the language is known."""
    return message
