"""API errors as ``application/problem+json`` (RFC 9457), naming the offending field."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from app.errors import FieldError, ServiceError

PROBLEM_TYPE = "https://awizo.dev/problems/"
API_PREFIX = "/api/v1"


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
    return data


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint of the JSON API under ``/api/v1`` whose errors are problem+json."""
    bp = Blueprint(name, import_name, url_prefix=API_PREFIX)
    bp.register_error_handler(ServiceError, _service_error)
    bp.register_error_handler(HTTPException, _http_error)
    return bp


def install(app) -> None:
    app.register_error_handler(404, api_not_found_or_method)
    app.register_error_handler(405, api_not_found_or_method)
