"""Proof records: issued as signed, time-stamped PDF versions; checked when someone uploads one.

A proof version is rendered, signed and stored once; the same bytes are served until a new
event about the item is logged, which makes the next version. Earlier versions stay valid:
their entries remain in the append-only log, and the log's consistency proofs tie their tree
head to every later one.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notices import checkpoint, merkle
from notices.evidence import FORMAT, canonical, check_bundle
from notices.proof import render_proof_pdf
from notices.signature import check_signature, read_attachment
from app.evidence.keyring import keys
from app.evidence.audit import check_item
from app.evidence.log import consistency, head_dict, inclusion, integrate_pending, latest_tree_head, sign_tree_head
from app.models import Item
from app.models.evidence import LogEntry, ProofVersion
from app.delivery.records import item_record

VARIANTS = ("sender", "public")


def render_proof(session: Session, item: Item, *, base_url: str, now: datetime, tz: str, public: bool = False) -> bytes:
    """The item's current proof PDF (signed); ``public=True`` masks personal data."""
    return issue_proof(session, item, variant="public" if public else "sender", base_url=base_url, now=now, tz=tz).pdf


def _entries(session: Session, item: Item) -> list[LogEntry]:
    integrate_pending(session)
    return list(session.scalars(sa.select(LogEntry).where(LogEntry.item_id == item.id).order_by(LogEntry.index)))


def latest_version(session: Session, item: Item, variant: str) -> ProofVersion | None:
    return session.scalar(sa.select(ProofVersion).where(ProofVersion.item_id == item.id, ProofVersion.variant == variant)
                          .order_by(ProofVersion.version.desc()).limit(1))


def issue_proof(session: Session, item: Item, *, variant: str, base_url: str, now: datetime, tz: str) -> ProofVersion:
    """The current proof version, made (and committed) only if an event was logged since the last."""
    entries = _entries(session, item)
    latest = latest_version(session, item, variant)
    last_index = entries[-1].index if entries else -1
    if latest and latest.entry_count == len(entries) and latest.last_entry_index == last_index:
        return latest
    head = sign_tree_head(session, now)
    evidence = {
        "format": FORMAT, "item": item.tracking_number, "variant": variant,
        "version": (latest.version + 1) if latest else 1, "issued_at": now.isoformat(),
        "tree_head": head_dict(head),
        "entries": [{"index": e.index, "kind": e.kind, "canonical": e.canonical, "leaf_hash": e.leaf_hash,
                     "inclusion_proof": inclusion(session, e.index, head.tree_size)} for e in entries],
        "keys": keys().public_pem.decode(),
    }
    if variant == "sender":
        evidence["openings"] = {str(e.index): e.opening for e in entries if e.opening}
    record = item_record(session, item, base_url, public=variant == "public")
    evidence["record"] = record
    pdf = render_proof_pdf(record, now=now, tz=tz, evidence=evidence)
    signed = keys().signer.sign(pdf, attachment=canonical(evidence).encode(),
                                location=base_url)
    version = ProofVersion(
        item_id=item.id, variant=variant, version=evidence["version"], entry_count=len(entries),
        last_entry_index=last_index, tree_size=head.tree_size,
        sha256=hashlib.sha256(signed).hexdigest(), pdf=signed, created_at=now,
    )
    session.add(version)
    try:
        session.commit()
    except IntegrityError:  # a concurrent request issued this version first
        session.rollback()
        return latest_version(session, item, variant)
    return version


@dataclass
class Verdict:
    """The answer to "is this proof genuine?" for a person and for a program."""

    verdict: str  # authentic_current | authentic_superseded | altered | unknown
    tracking_number: str | None = None
    version: int | None = None
    signature: dict | None = None
    evidence: list[dict] = field(default_factory=list)
    changes_since: list[dict] = field(default_factory=list)
    record_integrity: dict | None = None
    problems: list[str] = field(default_factory=list)
    verify_url: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


def verify_document(session: Session, pdf: bytes, base_url: str) -> Verdict:
    """Check an uploaded proof: signature, embedded evidence, the live log and the database."""
    digest = hashlib.sha256(pdf).hexdigest()
    issued = session.scalar(sa.select(ProofVersion).where(ProofVersion.sha256 == digest).limit(1))
    raw = read_attachment(pdf)
    signature = check_signature(pdf, keys().trusted_certificates)
    if not signature.signed and raw is None and issued is None:
        return Verdict("unknown", problems=["This file is not a proof issued by Awizo."], signature=signature.as_dict())
    if not signature.authentic:
        return Verdict("altered", signature=signature.as_dict(), problems=signature.problems)
    try:
        bundle = json.loads(raw) if raw else None
    except ValueError:
        bundle = None
    if bundle is None:
        return Verdict("unknown", signature=signature.as_dict(), problems=["The proof carries no evidence attachment."])
    report = check_bundle(bundle, keys().log_public_key)
    verdict = Verdict("authentic_current", tracking_number=bundle.get("item"), version=bundle.get("version"),
                      signature=signature.as_dict(), evidence=[f.__dict__ for f in report.findings])
    if not report.ok:
        verdict.verdict = "altered"
        verdict.problems = [f.message for f in report.findings if not f.ok]
        return verdict
    item = session.scalar(sa.select(Item).where(Item.tracking_number == bundle.get("item")))
    if item is None:
        return Verdict("unknown", tracking_number=bundle.get("item"), signature=signature.as_dict(),
                       problems=["No such item is registered here."])
    verdict.verify_url = f"{base_url}/v/{item.verify_token}"
    _check_against_log(session, verdict, bundle, report.tree_head)
    integrity = check_item(session, item)
    verdict.record_integrity = integrity.as_dict()
    if not integrity.ok:
        verdict.problems += integrity.problems
    known = {e["index"] for e in bundle["entries"]}
    newer = [e for e in _entries(session, item) if e.index not in known]
    if newer:
        verdict.verdict = "authentic_superseded"
        verdict.changes_since = [{"index": e.index, "kind": e.kind, "at": json.loads(e.canonical)["event"]["at"]} for e in newer]
    if issued is None:
        verdict.problems.append("The file's bytes differ from the copy we issued, but its signed content is intact.")
    return verdict


def _check_against_log(session: Session, verdict: Verdict, bundle: dict, pdf_head: checkpoint.TreeHead) -> None:
    """The proof's entries are still in the log, and the log today extends the proof's tree head."""
    for entry in bundle["entries"]:
        row = session.get(LogEntry, entry["index"])
        if row is None or row.leaf_hash != entry["leaf_hash"]:
            verdict.problems.append(f"Log entry {entry['index']} in the proof is no longer in the log as issued.")
    latest = latest_tree_head(session)
    if latest is None:
        return
    try:
        if latest.tree_size >= pdf_head.tree_size:
            proof = [bytes.fromhex(h) for h in consistency(session, pdf_head.tree_size, latest.tree_size)] \
                if pdf_head.tree_size else []
            merkle.verify_consistency(pdf_head.tree_size, latest.tree_size, pdf_head.root_hash,
                                      bytes.fromhex(latest.root_hash), proof)
    except merkle.ProofError as exc:
        verdict.problems.append(f"The log today is not consistent with the proof's tree head: {exc}")
    if verdict.problems:
        verdict.verdict = "altered"


def versions(session: Session, item: Item, variant: str = "sender") -> list[ProofVersion]:
    return list(session.scalars(sa.select(ProofVersion).where(ProofVersion.item_id == item.id,
                                                              ProofVersion.variant == variant)
                                .order_by(ProofVersion.version)))


def version(session: Session, item: Item, variant: str, number: int) -> ProofVersion | None:
    return session.scalar(sa.select(ProofVersion).where(
        ProofVersion.item_id == item.id, ProofVersion.variant == variant, ProofVersion.version == number))


def integrity_summary(session: Session, item: Item, *, base_url: str, now: datetime, tz: str) -> dict:
    """What the QR page says about the record: signed, time-stamped, logged at N, consistent."""
    proof = issue_proof(session, item, variant="public", base_url=base_url, now=now, tz=tz)
    signature = check_signature(proof.pdf, keys().trusted_certificates)
    integrity = check_item(session, item)
    consistent = None
    latest = latest_tree_head(session)
    if latest is not None:
        try:
            pdf_head = json.loads(read_attachment(proof.pdf))["tree_head"]
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
    }
