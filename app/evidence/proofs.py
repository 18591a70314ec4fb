"""Proof records: issued as signed, time-stamped PDF versions; checked when someone uploads one.

A proof version is rendered, signed and stored once; the same bytes are served until a new
event about the item is logged, which makes the next version. Earlier versions stay valid:
their entries remain in the append-only log, and the log's consistency proofs tie their tree
head to every later one.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.delivery.records import RecordSettings, item_record
from app.evidence.audit import check_item
from app.evidence.key_history import grouped
from app.evidence.keyring import keys
from app.evidence.log import consistency, head_dict, inclusions, integrate_pending, latest_tree_head, sign_tree_head
from app.evidence.log_today import log_today
from app.evidence.witnesses import Witness, latest_cosigned
from app.models import Item
from app.models.evidence import LogEntry, ProofVersion
from notices import checkpoint, merkle
from notices.evidence import FORMAT, canonical
from notices.proof import render_proof_pdf
from notices.signature import TimestampUnavailable, check_signature, read_attachment
from notices.verdict import DocumentState, Verdict, judge_document, judge_record

VARIANTS = ("sender", "public")
TSA_RETRY = timedelta(minutes=1)  # after a failed time-stamp, serve the unstamped version this long


def render_proof(session: Session, item: Item, *, settings: RecordSettings, now: datetime, public: bool = False) -> bytes:
    """The item's current proof PDF (signed); ``public=True`` masks personal data."""
    return issue_proof(session, item, variant="public" if public else "sender", settings=settings, now=now).pdf


def _entries(session: Session, item: Item) -> list[LogEntry]:
    integrate_pending(session)
    return list(session.scalars(sa.select(LogEntry).where(LogEntry.item_id == item.id).order_by(LogEntry.index)))


def latest_version(session: Session, item: Item, variant: str) -> ProofVersion | None:
    return session.scalar(sa.select(ProofVersion).where(ProofVersion.item_id == item.id, ProofVersion.variant == variant)
                          .order_by(ProofVersion.version.desc()).limit(1))


def issue_proof(session: Session, item: Item, *, variant: str, settings: RecordSettings, now: datetime) -> ProofVersion:
    """The current proof version, made (and committed) only if an event was logged since the last."""
    entries = _entries(session, item)
    latest = latest_version(session, item, variant)
    last_index = entries[-1].index if entries else -1
    unchanged = latest is not None and latest.entry_count == len(entries) and latest.last_entry_index == last_index
    if latest is not None and unchanged and not _restamp_due(latest, now):
        return latest
    head = sign_tree_head(session, now)
    evidence = {
        "format": FORMAT, "item": item.tracking_number, "variant": variant,
        "version": (latest.version + 1) if latest else 1, "issued_at": now.isoformat(),
        "tree_head": head_dict(head),
        "entries": [{"index": e.index, "kind": e.kind, "canonical": e.canonical, "leaf_hash": e.leaf_hash,
                     "inclusion_proof": proof}
                    for e, proof in zip(entries, inclusions(session, [e.index for e in entries], head.tree_size),
                                        strict=True)],
        "keys": keys().public_pem.decode(),
        "key_fingerprints": {"log": checkpoint.fingerprint(keys().log_public_key),
                             "signing": grouped(keys().trusted_certificates[0].sha256.hex())},
        "witnessed": [{"witness": row.witness, "note": row.note,
                       "consistency_proof": consistency(session, row.tree_size, head.tree_size) if row.tree_size else []}
                      for row in latest_cosigned(session, head.tree_size)],
    }
    if variant == "sender":
        evidence["openings"] = {str(e.index): e.opening for e in entries if e.opening}
    record = item_record(session, item, settings, public=variant == "public")
    evidence["record"] = record
    signed = _render_and_sign(record, evidence, now=now, tz=settings.tz, base_url=settings.base_url,
                              restamp_only=unchanged)
    if signed is None:  # only an unstamped copy of an unstamped version: keep serving that one
        assert latest is not None  # ``restamp_only`` (the only way to get None) implies a latest version
        return latest
    version = ProofVersion(
        item_id=item.id, variant=variant, version=evidence["version"], entry_count=len(entries),
        last_entry_index=last_index, tree_size=head.tree_size,
        sha256=hashlib.sha256(signed).hexdigest(), pdf=signed, created_at=now,
        timestamped=not evidence.get("unstamped"),
    )
    session.add(version)
    try:
        session.commit()
    except IntegrityError:  # a concurrent request issued this version first
        session.rollback()
        concurrent = latest_version(session, item, variant)
        if concurrent is None:
            raise
        return concurrent
    return version


def _is_unstamped(version: ProofVersion) -> bool:
    if version.timestamped is not None:
        return not version.timestamped
    try:
        return bool(json.loads(read_attachment(version.pdf) or b"{}").get("unstamped"))
    except ValueError:
        return False


def _restamp_due(version: ProofVersion, now: datetime) -> bool:
    """An unstamped version is re-issued, stamped, once the authority may be back."""
    signer = keys().signer
    return signer.timestamper is not None and keys().tsa_retry_at <= now and _is_unstamped(version)


def _render_and_sign(record: dict, evidence: dict, *, now: datetime, tz: str, base_url: str,
                     restamp_only: bool) -> bytes | None:
    """The signed PDF, time-stamped when the authority answers; otherwise signed unstamped,
    saying so on the page and in the evidence (``None`` if that would only repeat an unstamped version)."""
    pdf = render_proof_pdf(record, now=now, tz=tz, evidence=evidence)
    signer = keys().signer
    try:
        return signer.sign(pdf, attachment=canonical(evidence).encode(), location=base_url)
    except TimestampUnavailable:
        keys().tsa_retry_at = now + TSA_RETRY
    if restamp_only:
        return None
    evidence["unstamped"] = True
    pdf = render_proof_pdf(record, now=now, tz=tz, evidence=evidence)
    return signer.sign(pdf, attachment=canonical(evidence).encode(), location=base_url, timestamp=False)


def verify_document(session: Session, pdf: bytes, base_url: str, *, witnesses: list[Witness],
                    tree_head_max_age_s: float) -> Verdict:
    """Check an uploaded proof: the document against our keys, its record against the log today.

    The verdict is :mod:`notices.verdict`'s, the one ``python -m notices.verify`` gives with our
    keys.pem and the snapshot of ``/api/v1/log/items/<number>``; it never raises on bad input.
    """
    verdict, bundle = judge_document(pdf, keys().public_pem, [w.vkey for w in witnesses])
    if bundle is None or verdict.document is not DocumentState.AUTHENTIC:
        return verdict
    item = session.scalar(sa.select(Item).where(Item.tracking_number == verdict.tracking_number))
    if item is None:
        verdict.notes.append("No such item is registered here.")
        return verdict
    verdict.verify_url = f"{base_url}/v/{item.verify_token}"
    today, integrity = log_today(session, item, int(bundle["tree_head"]["tree_size"]),
                                 tree_head_max_age_s=tree_head_max_age_s)
    judge_record(verdict, bundle, today, keys().log_public_keys)
    verdict.record_integrity = integrity.as_dict()
    issued = session.scalar(sa.select(ProofVersion.id).where(ProofVersion.sha256 == hashlib.sha256(pdf).hexdigest())
                            .limit(1))
    if issued is None:
        verdict.notes.append("The file's bytes differ from the copy we issued, but its signed content is intact.")
    return verdict


def versions(session: Session, item: Item, variant: str = "sender") -> list[ProofVersion]:
    return list(session.scalars(sa.select(ProofVersion).where(ProofVersion.item_id == item.id,
                                                              ProofVersion.variant == variant)
                                .order_by(ProofVersion.version)))


def version(session: Session, item: Item, variant: str, number: int) -> ProofVersion | None:
    return session.scalar(sa.select(ProofVersion).where(
        ProofVersion.item_id == item.id, ProofVersion.variant == variant, ProofVersion.version == number))


def integrity_summary(session: Session, item: Item, *, settings: RecordSettings, now: datetime) -> dict:
    """What the QR page says about the record: signed, time-stamped, logged at N, consistent."""
    proof = issue_proof(session, item, variant="public", settings=settings, now=now)
    signature = check_signature(proof.pdf, keys().trusted_certificates)
    integrity = check_item(session, item)
    consistent = None
    latest = latest_tree_head(session)
    if latest is not None:
        try:
            attachment = read_attachment(proof.pdf)
            if attachment is None:
                raise TypeError("the proof carries no evidence attachment")
            pdf_head = json.loads(attachment)["tree_head"]
            first, second = pdf_head["tree_size"], latest.tree_size
            if first and second >= first:
                merkle.verify_consistency(first, second, bytes.fromhex(pdf_head["root_hash"]),
                                          bytes.fromhex(latest.root_hash),
                                          [bytes.fromhex(h) for h in consistency(session, first, second)])
                consistent = True
        except (merkle.ProofError, ValueError, KeyError, TypeError) as exc:
            consistent = False
            integrity.problems.append(f"the log is not consistent with the proof's tree head: {exc}")
    return {
        "intact": integrity.ok and signature.authentic and consistent is not False,
        "problems": integrity.problems + signature.problems,
        "signature": {"valid": signature.authentic, "signer": signature.signer,
                      "timestamp": signature.timestamp_at.isoformat() if signature.timestamp_at else None,
                      "timestamp_authority": signature.timestamp_authority},
        "entries": integrity.entries,
        "tree_head": head_dict(latest) if latest else None,
        "consistent_with_latest_tree_head": consistent,
        "proof_version": proof.version,
        "unstamped": _is_unstamped(proof),
    }
