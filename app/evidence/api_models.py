"""The transparency log's and the proofs' API answers and query parameters (pydantic models)."""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.web.api_types import MAX_ID, DateTime, Omit, whole


class ProofVersion(BaseModel):
    version: int | Omit = None
    variant: str | Omit = None
    sha256: str | Omit = None
    tree_size: int | Omit = None
    created_at: DateTime | Omit = None
    entries: int | Omit = None


class ProofVersions(BaseModel):
    tracking_number: str
    versions: list[ProofVersion]


class ProofVerdict(BaseModel):
    verdict: Literal["authentic_current", "authentic_superseded", "authentic_contradicted", "authentic_unknown",
                     "altered", "unknown"]
    document: Literal["authentic", "altered", "unknown"] | Omit = None
    record: Literal["current", "superseded", "contradicted", "unknown"] | Omit = None
    tracking_number: str | None = None
    version: int | None = None
    problems: list[str] | Omit = None


class ProofsQuery(BaseModel):
    items: str | Omit = Field(None, description="comma-separated tracking numbers")
    from_: date | Omit = Field(None, alias="from")
    to: date | Omit = None


class TreeHead(BaseModel):
    origin: str | Omit = None
    tree_size: int
    root_hash: str
    timestamp: DateTime | Omit = None
    timestamp_ms: int | Omit = None
    note: str | Omit = None


class InclusionProof(BaseModel):
    index: int
    tree_size: int
    leaf_hash: str
    inclusion_proof: list[str]


class InclusionQuery(BaseModel):
    tree_size: whole(1, MAX_ID) | Omit = None


class ItemLogToday(BaseModel):
    format: str
    item: str
    tree_head: TreeHead
    consistency_proof: list[str] | Omit = None
    entries: list[dict[str, Any]]
    record_problems: list[str] | Omit = None


class SinceQuery(BaseModel):
    since: whole(0, MAX_ID) | Omit = None


class CheckpointPage(BaseModel):
    checkpoints: list[dict[str, Any]]
    next_after: int | None = None


class CheckpointsQuery(BaseModel):
    after: whole(0, MAX_ID) | Omit = None
    limit: whole(1, MAX_ID) | Omit = None


class LogEntries(BaseModel):
    start: int
    entries: list[dict[str, Any]]


class EntriesQuery(BaseModel):
    start: int = Field(ge=0, le=MAX_ID)
    limit: whole(1, MAX_ID) | Omit = None


class ConsistencyProof(BaseModel):
    first: int
    second: int
    consistency_proof: list[str]


class ConsistencyQuery(BaseModel):
    first: int = Field(ge=1, le=MAX_ID)
    second: int = Field(ge=1, le=MAX_ID)


class LogKey(BaseModel):
    use: str
    current: bool
    fingerprint: str
    pem: str
    valid_from: DateTime | None = None
    valid_until: DateTime | None = None


class Certificate(BaseModel):
    use: str
    current: bool
    subject: str
    issuer: str
    fingerprint: str
    valid_from: DateTime
    valid_until: DateTime
    pem: str


class KeyHistory(BaseModel):
    """Every key a proof may name, current and retired, with its fingerprint and validity period."""

    origin: str
    log_keys: list[LogKey]
    certificates: list[Certificate]
