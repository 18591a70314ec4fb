"""Witnessed checkpoints: each new tree head goes to the configured witnesses (C2SP tlog-witness).

The witness checks the consistency proof from the last checkpoint it cosigned and answers with
a cosignature, stored here and embedded in every later proof. A witness that is down, or that
refuses (a rewritten log), never stops publishing: it is logged and tried again next time.
"""
from __future__ import annotations

import base64
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from app.evidence.keyring import keys
from app.evidence.log import consistency, latest_tree_head, publish_tree_head
from app.extensions import db
from app.models.evidence import CheckpointTimestamp, SignedTreeHead, WitnessCosignature
from app.models.types import utcnow
from notices import checkpoint
from notices.signature import TimestampUnavailable, timestamp_token
from notices.witness import parse_vkey, verify_cosignature

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Witness:
    url: str
    name: str
    key: Ed25519PublicKey
    vkey: str


def configured(config) -> list[Witness]:
    """The witnesses named by the WITNESSES setting ("URL VKEY", comma-separated)."""
    out = []
    for entry in (config.get("WITNESSES") or "").split(","):
        if entry.strip():
            url, _, text = entry.strip().partition(" ")
            name, key = parse_vkey(text.strip())
            out.append(Witness(url.rstrip("/"), name, key, text.strip()))
    return out


def _post(url: str, body: str) -> tuple[int, str]:
    request = urllib.request.Request(f"{url}/add-checkpoint", data=body.encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # a configured witness URL
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _last_size(session: Session, witness: Witness) -> int:
    return session.scalar(sa.select(WitnessCosignature.tree_size).where(WitnessCosignature.witness == witness.name)
                          .order_by(WitnessCosignature.id.desc()).limit(1)) or 0


def submit(session: Session, head: SignedTreeHead, witness: Witness, now: datetime) -> WitnessCosignature | None:
    """Ask one witness to cosign ``head``; store and return its cosignature (None if it refused)."""
    old = _last_size(session, witness)
    for _ in range(2):  # a 409 tells the size the witness holds: try once more from there
        if old > head.tree_size:
            return None
        proof = consistency(session, old, head.tree_size) if 0 < old < head.tree_size else []
        body = f"old {old}\n" + "".join(base64.b64encode(bytes.fromhex(h)).decode() + "\n" for h in proof) \
            + "\n" + head.note
        status, text = _post(witness.url, body)
        if status == 409 and text.strip().isdigit():
            old = int(text.strip())
            continue
        if status != 200:
            log.warning("witness %s refused tree head %s (size %s): %s %s", witness.name, head.id, head.tree_size,
                        status, text.strip()[:200])
            return None
        note = head.note + "".join(line + "\n" for line in text.splitlines() if line.startswith(checkpoint.DASH))
        cosigned = verify_cosignature(note, witness.name, witness.key)
        row = WitnessCosignature(witness=witness.name, tree_size=head.tree_size, root_hash=head.root_hash,
                                 note=note, cosigned_at=datetime.fromtimestamp(cosigned, tz=now.tzinfo), created_at=now)
        session.add(row)
        session.flush()
        return row
    return None


def publish_and_witness(witnesses: list[Witness], tree_head_max_age_s: float) -> dict:
    """Publish the current tree head and have every witness cosign it (the scheduled job's body)."""
    head = publish_tree_head(tree_head_max_age_s)
    row = latest_tree_head(db.session)
    if row is None:  # publish_tree_head has just signed one
        raise RuntimeError("the log has no signed tree head after publishing one")
    stamp_checkpoint(db.session, row)
    for witness in witnesses:
        try:
            submit(db.session, row, witness, utcnow())
            db.session.commit()
        except (OSError, checkpoint.CheckpointError, ValueError) as exc:
            db.session.rollback()
            log.warning("witness %s unavailable: %s", witness.name, exc)
    return head


def stamp_checkpoint(session: Session, head: SignedTreeHead) -> CheckpointTimestamp | None:
    """An RFC 3161 time-stamp on the published checkpoint, once (None if no TSA, or it is down)."""
    timestamper = keys().signer.timestamper
    if timestamper is None or session.scalar(sa.select(CheckpointTimestamp.id).where(
            CheckpointTimestamp.tree_head_id == head.id)):
        return None
    try:
        token = timestamp_token(head.note.encode(), timestamper)
    except TimestampUnavailable as exc:
        log.warning("checkpoint %s not time-stamped: %s", head.id, exc)
        return None
    row = CheckpointTimestamp(tree_head_id=head.id, token=base64.b64encode(token).decode(), created_at=utcnow())
    session.add(row)
    session.commit()
    return row


def latest_cosigned(session: Session, size: int) -> list[WitnessCosignature]:
    """For each witness, its latest cosigned checkpoint of at most ``size`` entries."""
    rows = session.scalars(sa.select(WitnessCosignature).where(WitnessCosignature.tree_size <= size)
                           .order_by(WitnessCosignature.id.desc())).all()
    seen, out = set(), []
    for row in rows:
        if row.witness not in seen:
            seen.add(row.witness)
            out.append(row)
    return out
