"""Field types shared by the API's pydantic models: texts, formats, timestamps, enums."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, ValidationInfo
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

MAX_ID = 2_147_483_647  # ids are 32-bit in the database; larger ones cannot exist

# A field that may be absent from an answer but is never null (no "null" in its schema). Request
# models declare such a field as ``name: T = None`` instead: a union would name its branches in errors.
Omit = SkipJsonSchema[None]


def fmt(name: str, **more) -> Any:
    """A JSON Schema ``format`` (and other keywords) on a string, documented, not enforced."""
    return Field(json_schema_extra={"format": name, **more})


def one_of(values) -> Any:
    """``Literal`` of values known at import time (service profiles, enums)."""
    return Literal[tuple(values)]


DateTime = Annotated[datetime, Field()]


def whole(low: int, high: int) -> Any:
    """An integer from ``low`` to ``high``."""
    return Annotated[int, Field(ge=low, le=high)]
Uri = Annotated[str, fmt("uri")]
Email = Annotated[str, fmt("email")]


def _blank_is_none(value):
    return value or None


def text(max_length: int, *, required: bool = True, **more) -> Any:
    """A trimmed string; a required one may not be blank, an optional blank one is None."""
    if required:
        return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length), Field(**more)]
    return Annotated[Annotated[str, StringConstraints(strip_whitespace=True, max_length=max_length)] | None,
                     AfterValidator(_blank_is_none), Field(**more)]


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def lowercase_choice(values, description: str = "") -> Any:
    """One of ``values``, in any letter case (``"PL"`` is ``"pl"``)."""
    return Annotated[one_of(values), BeforeValidator(_lower), Field(description=description)]


def parse_timestamp(value: Any, now: datetime, max_skew_s: int) -> datetime:
    """An RFC 3339 date-time with its offset, not later than ``now`` allows; PydanticCustomError otherwise."""
    if not isinstance(value, str) or not value:
        raise PydanticCustomError("timestamp", "is required (RFC 3339 date-time with a time zone)")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise PydanticCustomError("timestamp", "is not an RFC 3339 date-time") from None
    if parsed.tzinfo is None:
        raise PydanticCustomError("timestamp", "must include a time zone offset (e.g. 2026-11-23T10:15:00+01:00)")
    if parsed > now + timedelta(seconds=max_skew_s):
        raise PydanticCustomError("timestamp", "is in the future")
    return parsed


def _timestamp(value: Any, info: ValidationInfo) -> datetime:
    context = info.context or {}
    return parse_timestamp(value, context["now"], context["max_skew_s"])


# A device timestamp: parsed against the request's clock (``context={"now", "max_skew_s"}``).
Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]
