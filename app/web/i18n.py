"""Page language and formatting through Flask-Babel and the gettext catalogs.

The language of a page: ``?lang=`` (which also sets the ``lang`` cookie, so the language
switcher's choice sticks), then the cookie, then the browser's Accept-Language, then Polish.
Messages, paper notices and proofs do not use this: they take the recipient's or the item's
language (:func:`notices.i18n.translations`). Dates and times are formatted by Babel in the
operator's time zone (``OPERATOR_TIMEZONE``).

Every template gets ``_``/``gettext``/``ngettext``/``pgettext`` (Flask-Babel; ``pgettext`` for a
Polish word with two meanings, e.g. "Do": To/Until), ``lang`` ("pl", "en" or
"uk"), ``languages`` and ``lang_url(code)`` (the current page in another language).
"""
from __future__ import annotations

from flask import Flask, Response, has_request_context, request, url_for
from flask_babel import Babel, get_locale, gettext, ngettext, npgettext, pgettext

from notices.i18n import DEFAULT_LANGUAGE, LANGUAGES, LOCALE_DIR

COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
LANGUAGE_NAMES = {"pl": "Polski", "en": "English", "uk": "Українська"}


def _asked() -> str | None:
    asked = (request.args.get("lang") or "").lower()
    return asked if asked in LANGUAGES else None


def select_locale() -> str:
    """``?lang=``, then the ``lang`` cookie, then Accept-Language, then Polish."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = _asked() or (request.cookies.get(COOKIE) or "").lower()
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of the page being served ("pl", "en" or "uk")."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def _remember_choice(response: Response) -> Response:
    """``?lang=`` is the language switcher: keep the choice for the next pages."""
    asked = _asked()
    if asked and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response


def _lang_url(code: str) -> str:
    args = {**request.view_args, **request.args.to_dict(), "lang": code} if request.view_args is not None else {"lang": code}
    if request.endpoint:
        try:
            return url_for(request.endpoint, **args)
        except Exception:  # an endpoint that needs more than its URL arguments
            pass
    return f"{request.path}?lang={code}"


def template_context() -> dict:
    return {"lang": current_language(), "languages": LANGUAGE_NAMES, "lang_url": _lang_url}


def init_app(app: Flask) -> None:
    zone = app.config.get("OPERATOR_TIMEZONE") or "Europe/Warsaw"  # read once, at wiring
    Babel(app, locale_selector=select_locale, timezone_selector=lambda: zone,
          default_translation_directories=str(LOCALE_DIR))
    # Plain (not "newstyle") callables: a translation is text like any other and is escaped.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=False, pgettext=pgettext, npgettext=npgettext)
    app.context_processor(template_context)
    app.after_request(_remember_choice)
