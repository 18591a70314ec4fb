"""Carriers' statements on the handheld API (pydantic models)."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from app.web.api_types import DateTime, Omit
from app.web.apidoc import RequestModel


class StatementList(BaseModel):
    statements: list[dict[str, Any]]


class StatementAnswer(RequestModel):
    answer: Annotated[str, Field(min_length=1, max_length=4000)]


class Answered(BaseModel):
    id: int | Omit = None
    answered_at: DateTime | Omit = None
