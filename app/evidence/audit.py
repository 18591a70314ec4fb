"""Detecting history rewritten behind the application's back.

``check_item`` rebuilds each of an item's log entries from the rows it describes and compares
them with the logged bytes, checks every entry is included under the latest signed tree head,
and that no event or attempt escaped the log. ``audit_log`` recomputes the whole tree from the
entries and checks it against every tree head ever signed. An attacker with database rights
who edits an attempt, deletes a row, or rewrites the log itself fails one of these.
"""
from __future__ import annotations

import base64
import hashlib
import json
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.evidence.keyring import keys
from app.evidence.log import entry_content, inclusion, inclusions, integrate_pending, latest_tree_head, tree_size
from app.evidence.witnesses import Witness
from app.models import Attempt, Item, ItemEvent, OutboxMessage
from app.models.evidence import CheckpointTimestamp, LogEntry, LogNode, ProofVersion, SignedTreeHead, WitnessCosignature
from notices import checkpoint, merkle
from notices.evidence import alert_status_conflict, canonical, entry_leaf_hash, logged_alert_statuses
from notices.signature import check_signature, read_attachment, token_imprint
from notices.witness import verify_cosignature


@dataclass
class IntegrityReport:
    problems: list[str] = field(default_factory=list)
    entries: list[dict] = field(default_factory=list)
    tree_head: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"intact": self.ok, "problems": self.problems, "entries": self.entries, "tree_head": self.tree_head}


def _differences(logged: object, now: object, path: str = "") -> list[str]:
    if isinstance(logged, dict) and isinstance(now, dict):
        out = []
        for key in sorted(set(logged) | set(now)):
            out += _differences(logged.get(key), now.get(key), f"{path}.{key}" if path else key)
        return out
    return [] if logged == now else [f"{path}: logged {json.dumps(logged, ensure_ascii=False)}, now {json.dumps(now, ensure_ascii=False)}"]


def check_item(session: Session, item: Item) -> IntegrityReport:
    report = IntegrityReport()
    integrate_pending(session)
    entries = session.scalars(sa.select(LogEntry).where(LogEntry.item_id == item.id).order_by(LogEntry.index)).all()
    events = session.scalars(sa.select(ItemEvent).where(ItemEvent.item_id == item.id)).all()
    logged_events = {e.event_id for e in entries}
    logged_attempts = set()
    for entry in entries:
        event = session.get(ItemEvent, entry.event_id)
        if event is None:
            report.problems.append(f"log entry {entry.index} ({entry.kind}): the event it records was deleted")
            continue
        salt = (entry.opening or {}).get("salt")
        logged = json.loads(entry.canonical)
        rebuilt = entry_content(session, item, event, salt, logged.get("v", 1))
        if (logged.get("facts") or {}).get("attempt"):
            logged_attempts.add(logged["facts"]["attempt"]["id"])
            if rebuilt.get("facts", {}).get("attempt") is None:
                report.problems.append(f"log entry {entry.index}: attempt {logged['facts']['attempt']['id']} was deleted from the database")
                continue
        if canonical(rebuilt) != entry.canonical:
            changes = "; ".join(_differences(logged, rebuilt)) or "content differs"
            report.problems.append(f"log entry {entry.index} ({entry.kind}) no longer matches the database: {changes}")
        if entry_leaf_hash(entry.canonical).hex() != entry.leaf_hash:
            report.problems.append(f"log entry {entry.index}: stored hash does not match its content")
        report.entries.append({"index": entry.index, "kind": entry.kind, "leaf_hash": entry.leaf_hash})
    for event in events:
        if event.id not in logged_events:
            report.problems.append(f"event {event.id} ({event.kind}) is missing from the log")
    for attempt_id in session.scalars(sa.select(Attempt.id).where(Attempt.item_id == item.id)):
        if attempt_id not in logged_attempts:
            report.problems.append(f"attempt {attempt_id} is in the database but not in the log")
    _check_alerts(session, report, item, entries)
    _check_inclusion(session, report, entries)
    return report


def _check_alerts(session: Session, report: IntegrityReport, item: Item, entries: Sequence[LogEntry]) -> None:
    """Each alert's status in the database is the last one the log holds for it."""
    logged = logged_alert_statuses([{"parsed": json.loads(e.canonical)} for e in entries])
    messages = session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.item_id == item.id, OutboxMessage.channel.in_(("sms", "email"))).order_by(OutboxMessage.id))
    for message in messages:
        conflict = alert_status_conflict(message.status, logged.get(message.id, []))
        if conflict:
            report.problems.append(f"alert {message.id} ({message.channel}) no longer matches the log: {conflict}")


def _check_inclusion(session: Session, report: IntegrityReport, entries: Sequence[LogEntry]) -> None:
    head = latest_tree_head(session)
    if head is None:
        return
    try:
        signed = checkpoint.verify(head.note, keys().log_key_for(head.note))
    except checkpoint.CheckpointError as exc:
        report.problems.append(f"latest tree head: {exc}")
        return
    report.tree_head = {"tree_size": signed.tree_size, "root_hash": signed.root_hash.hex()}
    covered = [entry for entry in entries if entry.index < signed.tree_size]
    try:  # every proof from one read of the nodes
        proofs: list[list[str]] | None = inclusions(session, [entry.index for entry in covered], signed.tree_size)
    except merkle.ProofError:  # a node is missing: which entries that breaks is found one by one
        proofs = None
    for position, entry in enumerate(covered):
        try:
            hashes = proofs[position] if proofs is not None else inclusion(session, entry.index, signed.tree_size)
            merkle.verify_inclusion(entry.index, signed.tree_size, entry_leaf_hash(entry.canonical),
                                    [bytes.fromhex(h) for h in hashes], signed.root_hash)
        except merkle.ProofError as exc:
            report.problems.append(f"log entry {entry.index} is not included under the signed tree head: {exc}")


def audit_log(session: Session, witnesses: list[Witness]) -> IntegrityReport:
    """Recompute the whole log and check it against every signed tree head, the database and
    what each of ``witnesses`` cosigned."""
    report = IntegrityReport()
    size = tree_size(session)
    rows = session.execute(sa.select(LogEntry.index, LogEntry.canonical, LogEntry.leaf_hash).order_by(LogEntry.index)).all()
    if [r.index for r in rows] != list(range(size)):
        report.problems.append(f"the log should hold entries 0..{size - 1} but holds {len(rows)} entries")
    rebuilt = merkle.MemoryTree()
    for row in rows:
        if entry_leaf_hash(row.canonical).hex() != row.leaf_hash:
            report.problems.append(f"log entry {row.index}: stored hash does not match its content")
        rebuilt.append(row.canonical.encode())
    stored = {(n.level, n.index): n.hash for n in session.scalars(sa.select(LogNode))}
    for key, digest in rebuilt.nodes.items():
        if stored.get(key) != digest.hex():
            report.problems.append(f"tree node level {key[0]} index {key[1]} does not match the entries")
            break
    for head in session.scalars(sa.select(SignedTreeHead).order_by(SignedTreeHead.id)):
        try:
            signed = checkpoint.verify(head.note, keys().log_key_for(head.note))
        except checkpoint.CheckpointError as exc:
            report.problems.append(f"tree head {head.id}: {exc}")
            continue
        if signed.tree_size > rebuilt.size:
            report.problems.append(f"tree head {head.id} covers {signed.tree_size} entries; the log holds {rebuilt.size}")
        elif rebuilt.root(signed.tree_size) != signed.root_hash:
            report.problems.append(f"tree head {head.id} (size {signed.tree_size}) does not match the recomputed log")
    _check_head_sequence(session, report)
    _check_witnessed(session, report, rebuilt, witnesses)
    _check_issued_proofs(session, report, rebuilt)
    for item in session.scalars(sa.select(Item)):
        for problem in check_item(session, item).problems:
            report.problems.append(f"{item.tracking_number}: {problem}")
    return report


def _witness_view(witness: Witness) -> str | None:
    """The checkpoint the witness holds for our log (its own copy: database rows can be deleted)."""
    try:
        with urllib.request.urlopen(f"{witness.url}/checkpoint/{keys().origin}", timeout=10) as answer:
            return answer.read().decode()
    except OSError:
        return None


def _check_witnessed(session: Session, report: IntegrityReport, rebuilt: merkle.MemoryTree,
                     witnesses: list[Witness]) -> None:
    """The log today must extend every checkpoint a witness cosigned."""
    for witness in witnesses:
        notes = [row.note for row in session.scalars(sa.select(WitnessCosignature).where(
            WitnessCosignature.witness == witness.name).order_by(WitnessCosignature.id.desc()).limit(1))]
        held = _witness_view(witness)
        for note in ([held] if held else []) + notes:
            try:
                seen = checkpoint.verify(note, keys().log_key_for(note))
                verify_cosignature(note, witness.name, witness.key)
            except checkpoint.CheckpointError as exc:
                report.problems.append(f"witness {witness.name}: its checkpoint does not verify ({exc})")
                continue
            if seen.tree_size > rebuilt.size or (seen.tree_size and rebuilt.root(seen.tree_size) != seen.root_hash):
                report.problems.append(f"witness {witness.name} cosigned the log at size {seen.tree_size} and the log "
                                       "today does not extend it: the log was rewritten")


def _check_head_sequence(session: Session, report: IntegrityReport) -> None:
    """Published heads only grow, in size and in time; a time-stamped head is the one stamped."""
    previous = None
    stamps = {s.tree_head_id: s.token for s in session.scalars(sa.select(CheckpointTimestamp))}
    for head in session.scalars(sa.select(SignedTreeHead).order_by(SignedTreeHead.id)):
        if head.id in stamps:
            try:
                digest, stamped_at = token_imprint(base64.b64decode(stamps[head.id]))
            except (ValueError, KeyError, TypeError):
                digest, stamped_at = b"", None
            if digest != hashlib.sha256(head.note.encode()).digest():
                report.problems.append(f"tree head {head.id} (size {head.tree_size}) is not the checkpoint the "
                                       f"time-stamping authority stamped at {stamped_at}: it was re-signed")
        if previous is not None and (head.tree_size < previous.tree_size or head.timestamp_ms < previous.timestamp_ms):
            report.problems.append(f"tree head {head.id} (size {head.tree_size}) was published after tree head "
                                   f"{previous.id} (size {previous.tree_size}) but is smaller or older")
        previous = head


def _check_issued_proofs(session: Session, report: IntegrityReport, rebuilt: merkle.MemoryTree) -> None:
    """Every proof version handed out holds a signed, time-stamped tree head and entries: the log
    today must still extend that head and hold those entries. A log rewritten and re-signed
    with the operator's own key fails here, since the issued copies cannot be rewritten."""
    trusted = keys().trusted_certificates
    leaves = dict(session.execute(sa.select(LogEntry.index, LogEntry.leaf_hash)).tuples().all())
    for version in session.scalars(sa.select(ProofVersion).order_by(ProofVersion.id)):
        name = f"proof version {version.version} ({version.variant}) of item {version.item_id}"
        if hashlib.sha256(version.pdf).hexdigest() != version.sha256:
            report.problems.append(f"{name}: the stored file no longer matches its recorded hash")
        signature = check_signature(version.pdf, trusted)
        if not signature.authentic:
            report.problems.append(f"{name}: its signature does not verify ({'; '.join(signature.problems)})")
            continue
        try:
            bundle = json.loads(read_attachment(version.pdf) or b"")
            head = checkpoint.verify(bundle["tree_head"]["note"], keys().log_key_for(bundle["tree_head"]["note"]))
        except (ValueError, KeyError, TypeError) as exc:
            report.problems.append(f"{name}: its evidence cannot be read ({exc})")
            continue
        stamped = f", time-stamped {signature.timestamp_at.isoformat()}" if signature.timestamp_at else ""
        if head.tree_size > rebuilt.size or (head.tree_size and rebuilt.root(head.tree_size) != head.root_hash):
            report.problems.append(f"{name}{stamped} holds a tree head of size {head.tree_size} that the log today "
                                   "does not extend: the log was rewritten after this proof was issued")
        for entry in bundle.get("entries", []):
            if leaves.get(entry["index"]) != entry["leaf_hash"]:
                report.problems.append(f"{name}{stamped}: log entry {entry['index']} differs from the issued copy")
