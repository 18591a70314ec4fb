"""Collection at the counter and the carrier's tasks on the API (pydantic models for the document)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from app.web.api_types import one_of
from app.web.apidoc import RequestModel
from notices.vocabulary import IdDocument


def _with_offset(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PydanticCustomError("datetime", "must be an ISO 8601 date-time with an offset") from None
    if when.tzinfo is None:
        raise PydanticCustomError("datetime", "must include a UTC offset")
    return when


class CollectionInput(RequestModel):
    collected_at: Annotated[datetime, BeforeValidator(_with_offset)] = None  # type: ignore[assignment]  # default: now; never null
    collected_by: Annotated[str, Field(min_length=1, max_length=200, description="name of the person who collected")]
    id_type: Annotated[one_of(d.value for d in IdDocument), Field(description="the identity document shown")]
    id_last_digits: Annotated[str, Field(pattern="^[0-9A-Za-z]{3,4}$",
                                         description="last 3 or 4 characters of the document number")]


class Collection(BaseModel):
    tracking_number: str
    status: str
    deadlines: dict[str, Any] | None = None


class TaskList(BaseModel):
    tasks: list[dict[str, Any]]
