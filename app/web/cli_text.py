"""The language of ``flask ...`` commands, the worker and the scheduler, read from the environment.

The rule: ``AWIZO_LANG`` if it names a supported language ("pl", "en", "uk", or a locale such as
``uk_UA.UTF-8``); otherwise the first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set, as
gettext reads them, when it names a supported language; otherwise English. A shell with no
locale or the ``C``/``POSIX`` locale (servers, containers, CI) therefore prints English, and
``AWIZO_LANG=pl`` asks for Polish explicitly.

The language is read on every call, not cached, so a command run with another environment
(``AWIZO_LANG=pl flask ...``, click's ``CliRunner(env=...)``) speaks that language. Help texts
(``help=_(...)`` of groups, commands and options) are read once, when the commands are defined
at start-up, so ``AWIZO_LANG=pl flask cases --help`` shows them in Polish. Texts are
Polish msgids, extracted like every other ``_``/``ngettext`` call; placeholders are
``%(name)s``. Machine-readable output (JSON, CSV, keys, tokens, tab-separated lists) is not
translated.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

from notices.i18n import LANGUAGES, translations

CLI_FALLBACK = "en"
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def _supported(value: str | None) -> str | None:
    code = (value or "").strip().lower().replace("-", "_").split(".")[0].split("@")[0].split("_")[0]
    return code if code in LANGUAGES else None


def cli_language(environ: Mapping[str, str] | None = None) -> str:
    """"pl", "en" or "uk" for command-line output (the rule is in this module's docstring)."""
    env = os.environ if environ is None else environ
    chosen = _supported(env.get("AWIZO_LANG"))
    if chosen:
        return chosen
    for name in _LOCALE_VARIABLES:
        value = env.get(name)
        if value:  # the first one set decides, as in gettext; "C" and "POSIX" are not a language
            return _supported(value) or CLI_FALLBACK
    return CLI_FALLBACK


def gettext(message: str, **variables: object) -> str:
    """``message`` (Polish) in the command-line language, with ``%(name)s`` filled in."""
    text = translations(cli_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """The plural form for ``num`` in the command-line language; ``%(num)d`` is ``num``."""
    text = translations(cli_language()).ngettext(singular, plural, num)
    return text % {"num": num, **variables}
