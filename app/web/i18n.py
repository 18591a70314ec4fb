"""Page language: Polish or English, from ``?lang=`` or the browser's Accept-Language.

Every template gets ``lang`` ("pl" or "en"), ``tr(pl, en)`` to pick a phrase, and
``lang_url(code)`` (the current page in the other language).
"""
from __future__ import annotations

from flask import request, url_for

LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"


def current_language() -> str:
    """``?lang=pl|en`` wins; otherwise the best Accept-Language match; otherwise Polish."""
    asked = (request.args.get("lang") or "").lower()
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def _lang_url(code: str) -> str:
    args = {**request.view_args, **request.args.to_dict(), "lang": code} if request.view_args is not None else {"lang": code}
    if request.endpoint:
        try:
            return url_for(request.endpoint, **args)
        except Exception:  # an endpoint that needs more than its URL arguments
            pass
    return f"{request.path}?lang={code}"


def template_context() -> dict:
    lang = current_language()
    return {
        "lang": lang,
        "tr": lambda pl, en: pl if lang == "pl" else en,
        "lang_url": _lang_url,
    }
