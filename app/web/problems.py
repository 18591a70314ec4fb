"""API errors as ``application/problem+json`` (RFC 9457), naming the offending field.

Every JSON route answers errors in this form, also the unexpected ones: a database that is
unreachable or dropped the connection is a 503 with ``Retry-After``, anything else a 500
problem; pages get a sentence instead of a stack trace. Input is checked before it reaches
the database: NUL characters, over-long strings and out-of-range integers in a JSON body, and
NUL in query parameters, are refused with 422 naming the field; integer path parameters are
bounded (a larger id is a 404).
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as HttpNotFound
from werkzeug.routing import IntegerConverter

from app.errors import FieldError, ServiceError, ValidationFailed
from app.web.i18n import current_language

PROBLEM_TYPE = "https://awizo.dev/problems/"
API_PREFIX = "/api/v1"
MAX_STRING = 10_000           # no JSON string in any request is longer
MAX_INTEGER = 2**63 - 1       # nor any integer larger (a BIGINT); columns narrower check their own
MAX_PATH_INTEGER = 2**31 - 1  # integer path parameters are INTEGER ids or versions
RETRY_AFTER_SECONDS = 5

log = logging.getLogger("awizo.web")


class ApiError(ServiceError):
    """An error decided in the API layer itself (authentication, permissions, bad JSON)."""

    def __init__(self, status: int, title: str, detail: str, slug: str, field: str | None = None):
        super().__init__(detail, [FieldError(field, detail)] if field else None)
        self.status, self.title, self.slug = status, title, slug


def problem(status: int, title: str, detail: str, slug: str, errors: list[FieldError] | None = None, headers=None):
    body = {
        "type": PROBLEM_TYPE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response



def too_many_requests(exc: HTTPException, detail: str):
    """A rate limit's 429 as problem+json, keeping the limiter's Retry-After and X-RateLimit headers."""
    limits = {name: value for name, value in exc.get_response().headers.items()
              if name.lower().startswith(("retry-after", "x-ratelimit"))}
    return problem(429, "Too many requests", detail, "too-many-requests", headers=limits)


def _service_error(exc: ServiceError):
    headers = {"WWW-Authenticate": 'Bearer realm="awizo"'} if exc.status == 401 else None
    return problem(exc.status, exc.title, exc.detail, exc.slug, exc.errors, headers)


def _http_error(exc: HTTPException):
    return problem(exc.code or 500, exc.name, exc.description or exc.name, exc.name.lower().replace(" ", "-"))


def api_not_found_or_method(exc: HTTPException):
    """App-level handler so unknown /api/ paths also answer in problem+json."""
    if request.path.startswith(API_PREFIX + "/"):
        return _http_error(exc)
    return exc


def json_body() -> dict:
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "Bad request", "The body must be JSON (Content-Type: application/json).",
                       "invalid-json", field="body")
    errors: list[FieldError] = []
    _check_values(data, "", errors)
    if errors:
        raise ValidationFailed(errors[:20])
    return data


def _check_values(value, path: str, errors: list[FieldError]) -> None:
    """Refuse what no field accepts: NUL characters, strings past MAX_STRING, huge integers."""
    if isinstance(value, str):
        if "\x00" in value:
            errors.append(FieldError(path or "body", "must not contain NUL characters"))
        elif len(value) > MAX_STRING:
            errors.append(FieldError(path or "body", f"is too long (at most {MAX_STRING} characters)"))
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_INTEGER:
            errors.append(FieldError(path or "body", "is out of range"))
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in key:
                errors.append(FieldError(path or "body", "a key must not contain NUL characters"))
            _check_values(item, name, errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_values(item, f"{path}[{index}]", errors)


class BoundedInt(IntegerConverter):
    """``<int:…>`` that answers 404 for a number no id can be, instead of trying other routes."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_PATH_INTEGER)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        number = int(value)
        if (self.max is not None and number > self.max) or (self.min is not None and number < self.min):
            raise HttpNotFound()
        return super().to_python(value)


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint of the JSON API under ``/api/v1`` whose errors are problem+json."""
    bp = Blueprint(name, import_name, url_prefix=API_PREFIX)
    bp.register_error_handler(ServiceError, _service_error)
    bp.register_error_handler(HTTPException, _http_error)
    return bp


def _is_json_route() -> bool:
    if request.path.startswith(API_PREFIX + "/") or request.path in ("/readyz", "/healthz") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _page(status: int, sentence: str, headers=None):
    body = (f"<!doctype html><html lang=\"{current_language()}\"><meta charset=\"utf-8\"><title>{status}</title>"
            f"<p>{sentence}</p></html>")
    return body, status, {"Content-Type": "text/html; charset=utf-8", **(headers or {})}


def _database_unavailable(exc: sa.exc.DBAPIError):
    """The database is unreachable or dropped the connection: try again shortly (503)."""
    log.error("database unavailable during %s %s: %s", request.method, request.path, exc.__class__.__name__)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _is_json_route():
        return problem(503, "Service unavailable", "The database is unavailable; try again in a few seconds.",
                       "service-unavailable", headers=headers)
    return _page(503, _("Serwis jest chwilowo niedostępny. Spróbuj ponownie za chwilę."), headers)


def _database_refused_value(exc: sa.exc.DataError):
    """A value the database refused (a safety net behind the validation of each field)."""
    log.warning("database refused a value in %s %s: %s", request.method, request.path, exc.orig)
    if _is_json_route():
        return problem(422, "Invalid request", "A value in the request is out of range or not allowed.",
                       "validation-error")
    return _page(422, _("Jedna z podanych wartości jest niedozwolona."))


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _http_error(exc) if _is_json_route() else exc
    if isinstance(exc, sa.exc.DBAPIError) and (exc.connection_invalidated or isinstance(
            exc, (sa.exc.OperationalError, sa.exc.InterfaceError))):
        return _database_unavailable(exc)
    log.exception("unexpected error in %s %s", request.method, request.path)
    if _is_json_route():
        return problem(500, "Internal server error", "Something went wrong on our side; it has been logged.",
                       "internal-error")
    return _page(500, _("Coś poszło nie tak po naszej stronie. Błąd został zapisany."))


def _refuse_nul():
    """NUL in a query or path parameter never reaches a query (PostgreSQL refuses it in text)."""
    params = list(request.args.items(multi=True)) + list((request.view_args or {}).items())
    for name, value in params:
        if "\x00" in name or (isinstance(value, str) and "\x00" in value):
            errors = [FieldError(name.replace("\x00", ""), "must not contain NUL characters")]
            return problem(422, "Invalid request", f"Invalid value in: {errors[0].field}", "validation-error", errors)
    return None


def install(app) -> None:
    app.url_map.converters["int"] = BoundedInt
    app.register_error_handler(404, api_not_found_or_method)
    app.register_error_handler(405, api_not_found_or_method)
    app.register_error_handler(sa.exc.OperationalError, _database_unavailable)
    app.register_error_handler(sa.exc.InterfaceError, _database_unavailable)
    app.register_error_handler(sa.exc.DataError, _database_refused_value)
    app.register_error_handler(Exception, _unexpected)
    app.before_request(_refuse_nul)
