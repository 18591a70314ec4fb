"""Errors raised by services; the API turns them into ``application/problem+json``."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldError:
    field: str
    message: str


class ServiceError(Exception):
    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, errors: list[FieldError] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class ValidationFailed(ServiceError):
    status = 422
    slug = "validation-error"
    title = "Invalid request"

    def __init__(self, errors: list[FieldError]):
        fields = ", ".join(e.field for e in errors)
        super().__init__(f"Invalid value in: {fields}", errors)


class NotFound(ServiceError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Forbidden(ServiceError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class Conflict(ServiceError):
    status = 409
    slug = "conflict"
    title = "Conflict"


@dataclass
class Problem:
    """Collects field errors while a payload is parsed, then raises them together."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.errors.append(FieldError(name, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
