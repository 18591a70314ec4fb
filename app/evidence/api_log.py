"""The public transparency log: signed tree heads, inclusion and consistency proofs, our keys."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app

from app.errors import FieldError, NotFound, ValidationFailed
from app.evidence import log as evidence_log
from app.evidence.api_models import (
    CheckpointPage,
    CheckpointsQuery,
    ConsistencyProof,
    ConsistencyQuery,
    EntriesQuery,
    InclusionProof,
    InclusionQuery,
    ItemLogToday,
    KeyHistory,
    LogEntries,
    SinceQuery,
    TreeHead,
)
from app.evidence.key_history import key_history
from app.evidence.keyring import keys
from app.evidence.log_today import log_today
from app.extensions import db
from app.models import Item
from app.models.evidence import CheckpointTimestamp, LogEntry, SignedTreeHead, WitnessCosignature
from app.web.apidoc import Answer, operation, query_args
from app.web.problems import api_blueprint
from notices import s10
from notices.witness import vkey

bp = api_blueprint("log_api", __name__)


@operation("getTreeHead", tag="Transparency log", summary="The latest signed tree head",
           answers={200: Answer("OK", TreeHead)})
@bp.get("/log/tree-head")
def log_tree_head():
    """The latest signed tree head (a new one is signed if the log grew or the last is stale)."""
    return evidence_log.publish_tree_head(current_app.config.get("TREE_HEAD_MAX_AGE_SECONDS", 300))


@operation("getLogKeys", tag="Transparency log", summary="The operator's public keys",
           answers={200: Answer("PEM", media="application/x-pem-file", schema={"type": "string"})})
@bp.get("/log/keys.pem")
def log_keys():
    """The operator's public keys: the log's Ed25519 key and the proof-signing certificate."""
    return Response(keys().public_pem, mimetype="application/x-pem-file")


@operation("getInclusionProof", tag="Transparency log", query=InclusionQuery,
           answers={200: Answer("OK", InclusionProof)}, problems=(404, 422))
@bp.get("/log/entries/<int:index>/inclusion")
def log_inclusion(index: int):
    size = evidence_log.tree_size(db.session)
    asked = query_args(InclusionQuery).tree_size
    tree_size = asked if asked is not None else size
    if tree_size > size:
        raise ValidationFailed([FieldError("tree_size", f"the log holds only {size} entries")])
    entry = db.session.get(LogEntry, index) if index < tree_size else None  # no lookup past the end
    if entry is None:
        raise NotFound(f"No log entry {index} in a tree of size {tree_size}.")
    return {"index": index, "tree_size": tree_size, "leaf_hash": entry.leaf_hash,
            "inclusion_proof": evidence_log.inclusion(db.session, index, tree_size)}


@operation("getConsistencyProof", tag="Transparency log", query=ConsistencyQuery,
           answers={200: Answer("OK", ConsistencyProof)}, problems=(422,))
@bp.get("/log/consistency")
def log_consistency():
    asked = query_args(ConsistencyQuery)
    first, second = asked.first, asked.second
    size = evidence_log.tree_size(db.session)
    if first > second:
        raise ValidationFailed([FieldError("first", "must not be larger than second")])
    if second > size:
        raise ValidationFailed([FieldError("second", f"the log holds only {size} entries")])
    return {"first": first, "second": second,
            "consistency_proof": evidence_log.consistency(db.session, first, second)}


@operation("getItemLogToday", tag="Transparency log", query=SinceQuery,
           summary="The log today about one item (for python -m notices.verify --log-today)",
           answers={200: Answer("OK", ItemLogToday)}, problems=(404, 422))
@bp.get("/log/items/<tracking_number>")
def log_item_today(tracking_number: str):
    """The log today about one item: what ``python -m notices.verify --log-today`` judges a proof against."""
    item = db.session.scalar(sa.select(Item).where(Item.tracking_number == s10.normalise(tracking_number)))
    if item is None:
        raise NotFound(f"No item {tracking_number} in the log.")
    since = query_args(SinceQuery).since or 0
    return log_today(db.session, item, since,
                     tree_head_max_age_s=current_app.config.get("TREE_HEAD_MAX_AGE_SECONDS", 300))[0]


@operation("getLogVerifierKey", tag="Transparency log", summary="The log's key as a signed-note verifier key (C2SP vkey)",
           answers={200: Answer("vkey", media="text/plain", schema={"type": "string"})})
@bp.get("/log/vkey")
def log_vkey():
    """The log's key as a C2SP signed-note verifier key string (beside the PEM of keys.pem)."""
    return Response(vkey(keys().origin, keys().log_public_key) + "\n", mimetype="text/plain")


@operation("listCheckpoints", tag="Transparency log", query=CheckpointsQuery,
           summary="Every published checkpoint with its witness cosignatures, paged",
           answers={200: Answer("OK", CheckpointPage)}, problems=(422,))
@bp.get("/log/checkpoints")
def log_checkpoints():
    """Every published checkpoint, oldest first, a page at a time (``after`` = last id seen)."""
    asked = query_args(CheckpointsQuery)
    after, limit = asked.after or 0, min(asked.limit, 1000) if asked.limit is not None else 100
    heads = db.session.scalars(sa.select(SignedTreeHead).where(SignedTreeHead.id > after)
                               .order_by(SignedTreeHead.id).limit(limit)).all()
    stamps = dict(db.session.execute(sa.select(CheckpointTimestamp.tree_head_id, CheckpointTimestamp.token).where(
        CheckpointTimestamp.tree_head_id.in_([h.id for h in heads]))).tuples().all())
    cosigned = db.session.scalars(sa.select(WitnessCosignature).where(
        WitnessCosignature.tree_size.in_([h.tree_size for h in heads]))).all()
    return {"checkpoints": [{"id": h.id, "tree_size": h.tree_size, "root_hash": h.root_hash, "note": h.note,
                             "cosigned": [c.note for c in cosigned if c.root_hash == h.root_hash],
                             "rfc3161_token": stamps.get(h.id)} for h in heads],
            "next_after": heads[-1].id if len(heads) == limit else None}


@operation("listLogEntries", tag="Transparency log", query=EntriesQuery,
           summary="Log entries in bulk for monitors (canonical text and leaf hash)",
           answers={200: Answer("OK", LogEntries)}, problems=(422,))
@bp.get("/log/entries")
def log_entries():
    """Entries in bulk for monitors: ``start`` index, at most ``limit`` (canonical text and leaf hash)."""
    asked = query_args(EntriesQuery)
    start, limit = asked.start, min(asked.limit, 1000) if asked.limit is not None else 256
    rows = db.session.scalars(sa.select(LogEntry).where(LogEntry.index >= start, LogEntry.index < start + limit)
                              .order_by(LogEntry.index)).all()
    return {"start": start, "entries": [{"index": e.index, "canonical": e.canonical, "leaf_hash": e.leaf_hash}
                                        for e in rows]}


@operation("getKeyHistory", tag="Transparency log",
           summary="Every key a proof may name, current and retired, with its fingerprint and validity period",
           answers={200: Answer("OK", KeyHistory)})
@bp.get("/log/keys")
def log_key_history():
    """Every key a proof may name, current and retired, with its fingerprint and validity period."""
    return key_history(db.session, keys())
