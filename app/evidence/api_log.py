"""The public transparency log: signed tree heads, inclusion and consistency proofs, our keys."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app, request

from app.errors import FieldError, NotFound, ValidationFailed
from app.evidence import log as evidence_log
from app.evidence.keyring import keys
from app.evidence.log_today import log_today
from app.extensions import db
from app.models import Item
from app.models.evidence import CheckpointTimestamp, LogEntry, SignedTreeHead, WitnessCosignature
from app.web.problems import api_blueprint
from notices import s10
from notices.witness import vkey

bp = api_blueprint("log_api", __name__)


def _int_arg(name: str, minimum: int = 0) -> int:
    value = request.args.get(name, "")
    if not value.isdigit() or int(value) < minimum:
        raise ValidationFailed([FieldError(name, f"must be a whole number of at least {minimum}")])
    return int(value)


@bp.get("/log/tree-head")
def log_tree_head():
    """The latest signed tree head (a new one is signed if the log grew or the last is stale)."""
    return evidence_log.publish_tree_head(current_app.config.get("TREE_HEAD_MAX_AGE_SECONDS", 300))


@bp.get("/log/keys.pem")
def log_keys():
    """The operator's public keys: the log's Ed25519 key and the proof-signing certificate."""
    return Response(keys().public_pem, mimetype="application/x-pem-file")


@bp.get("/log/entries/<int:index>/inclusion")
def log_inclusion(index: int):
    size = evidence_log.tree_size(db.session)
    tree_size = _int_arg("tree_size", 1) if "tree_size" in request.args else size
    if tree_size > size:
        raise ValidationFailed([FieldError("tree_size", f"the log holds only {size} entries")])
    entry = db.session.get(LogEntry, index) if index < tree_size else None  # no lookup past the end
    if entry is None:
        raise NotFound(f"No log entry {index} in a tree of size {tree_size}.")
    return {"index": index, "tree_size": tree_size, "leaf_hash": entry.leaf_hash,
            "inclusion_proof": evidence_log.inclusion(db.session, index, tree_size)}


@bp.get("/log/consistency")
def log_consistency():
    first, second = _int_arg("first", 1), _int_arg("second", 1)
    size = evidence_log.tree_size(db.session)
    if first > second:
        raise ValidationFailed([FieldError("first", "must not be larger than second")])
    if second > size:
        raise ValidationFailed([FieldError("second", f"the log holds only {size} entries")])
    return {"first": first, "second": second,
            "consistency_proof": evidence_log.consistency(db.session, first, second)}


@bp.get("/log/items/<tracking_number>")
def log_item_today(tracking_number: str):
    """The log today about one item: what ``python -m notices.verify --log-today`` judges a proof against."""
    item = db.session.scalar(sa.select(Item).where(Item.tracking_number == s10.normalise(tracking_number)))
    if item is None:
        raise NotFound(f"No item {tracking_number} in the log.")
    since = _int_arg("since", 0) if "since" in request.args else 0
    return log_today(db.session, item, since,
                     tree_head_max_age_s=current_app.config.get("TREE_HEAD_MAX_AGE_SECONDS", 300))[0]


@bp.get("/log/vkey")
def log_vkey():
    """The log's key as a C2SP signed-note verifier key string (beside the PEM of keys.pem)."""
    return Response(vkey(keys().origin, keys().log_public_key) + "\n", mimetype="text/plain")


@bp.get("/log/checkpoints")
def log_checkpoints():
    """Every published checkpoint, oldest first, a page at a time (``after`` = last id seen)."""
    after, limit = _int_arg("after", 0) if "after" in request.args else 0, min(_int_arg("limit", 1), 1000) \
        if "limit" in request.args else 100
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


@bp.get("/log/entries")
def log_entries():
    """Entries in bulk for monitors: ``start`` index, at most ``limit`` (canonical text and leaf hash)."""
    start, limit = _int_arg("start", 0), min(_int_arg("limit", 1), 1000) if "limit" in request.args else 256
    rows = db.session.scalars(sa.select(LogEntry).where(LogEntry.index >= start, LogEntry.index < start + limit)
                              .order_by(LogEntry.index)).all()
    return {"start": start, "entries": [{"index": e.index, "canonical": e.canonical, "leaf_hash": e.leaf_hash}
                                        for e in rows]}
