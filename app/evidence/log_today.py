"""The operator's log today about one item, as the snapshot every verifier judges a proof against.

The same JSON (:data:`notices.verdict.TODAY_FORMAT`) is served at
``/api/v1/log/items/<number>?since=<tree size>`` for the offline verifier and used directly by
``/proofs/verify``, so both verifiers give one verdict for one file.
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.evidence.audit import IntegrityReport, check_item
from app.evidence.log import consistency, current_tree_head
from app.models import Item
from app.models.evidence import LogEntry
from notices.verdict import TODAY_FORMAT


def log_today(session: Session, item: Item, since: int, *, tree_head_max_age_s: float) -> tuple[dict, IntegrityReport]:
    """A signed tree head covering the log now, the consistency proof from ``since``, the item's
    entries and whether the operator's database still matches them (commits a fresh head)."""
    head = current_tree_head(session, max_age_s=tree_head_max_age_s)
    session.commit()
    size = head["tree_size"]
    proof = consistency(session, since, size) if 0 < since <= size else []
    rows = session.scalars(sa.select(LogEntry).where(LogEntry.item_id == item.id, LogEntry.index < size)
                           .order_by(LogEntry.index))
    entries = [{"index": e.index, "kind": e.kind, "leaf_hash": e.leaf_hash,
                "at": json.loads(e.canonical)["event"]["at"]} for e in rows]
    integrity = check_item(session, item)
    problems = [] if integrity.ok else [
        f"the operator's database no longer matches its own log for this item ({len(integrity.problems)} "
        "difference(s)): the operator's record changed since it was logged"]
    return {"format": TODAY_FORMAT, "item": item.tracking_number, "tree_head": head, "consistency_proof": proof,
            "entries": entries, "record_problems": problems}, integrity
