"""One verdict on a proof PDF, shared by ``/proofs/verify``, its API and ``python -m notices.verify``.

A verdict answers two separate questions, so that nobody is blamed for another party's change:

* the **document**: ``authentic`` (its own signature and its embedded evidence check out against
  the keys given), ``altered`` (its bytes or its evidence no longer hold together), or
  ``unknown`` (not an Awizo proof, unreadable, or not signed by the keys given);
* the **record** it states, compared with what the operator's log says today: ``current``,
  ``superseded`` (newer events were logged since), ``contradicted`` (the operator's log or
  database changed what it once signed: the operator's record changed, not the holder's
  document), or ``unknown`` (no view of the log today, or the document is not authentic).

The operator's view "today" is a plain JSON snapshot (:data:`TODAY_FORMAT`), served by
``/api/v1/log/items/<number>?since=<tree size>``; the web verifier builds the same snapshot from
its database and calls the same functions, so both give the same verdict for the same inputs.
Nothing here raises on bad input: every failure is a finding in the verdict.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from notices import checkpoint, merkle
from notices.evidence import check_bundle
from notices.i18n import N_
from notices.signature import check_signature, load_certificates, read_attachment
from notices.witness import parse_vkey, verify_cosignature

TODAY_FORMAT = "awizo-log-today/1"


class DocumentState(StrEnum):
    AUTHENTIC = "authentic"
    ALTERED = "altered"
    UNKNOWN = "unknown"


class RecordState(StrEnum):
    CURRENT = "current"
    SUPERSEDED = "superseded"
    CONTRADICTED = "contradicted"
    UNKNOWN = "unknown"


HEADLINES: dict[str, tuple[str, str]] = {
    "authentic_current": (N_("Dowód autentyczny i aktualny"), "Authentic and current"),
    "authentic_superseded": (N_("Dowód autentyczny, ale jest nowsza wersja"), "Authentic, but superseded by a newer version"),
    "authentic_contradicted": (
        N_("Dowód autentyczny i niezmieniony, ale zapis operatora zmienił się od jego wydania"),
        "Authentic and unchanged, but the operator's record changed since it was issued"),
    "authentic_unknown": (N_("Dowód autentyczny; nie sprawdzono, czy zapis jest aktualny"),
                          "Authentic; whether the record is current was not checked"),
    "altered": (N_("Dowód został zmieniony"), "The document has been altered"),
    "unknown": (N_("Nie można potwierdzić, że to dowód wydany przez Awizo"),
                "This cannot be confirmed as a proof issued by Awizo"),
}


@dataclass
class Verdict:
    """What a person and a program are told about one file."""

    document: DocumentState = DocumentState.UNKNOWN
    record: RecordState = RecordState.UNKNOWN
    tracking_number: str | None = None
    version: int | None = None
    issued_at: str | None = None
    timestamped: bool = False
    signature: dict[str, Any] | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    record_problems: list[str] = field(default_factory=list)
    changes_since: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    verify_url: str | None = None
    record_integrity: dict[str, Any] | None = None

    @property
    def verdict(self) -> str:
        """One word for both questions: ``authentic_<record>``, ``altered`` or ``unknown``."""
        if self.document is DocumentState.AUTHENTIC:
            return f"authentic_{self.record.value}"
        return self.document.value

    @property
    def headline(self) -> tuple[str, str]:
        return HEADLINES[self.verdict]

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out.update(document=self.document.value, record=self.record.value, verdict=self.verdict,
                   headline={"pl": self.headline[0], "en": self.headline[1]})
        return out

    def summary(self) -> dict[str, Any]:
        """The parts both verifiers must agree on."""
        return {"verdict": self.verdict, "document": self.document.value, "record": self.record.value,
                "tracking_number": self.tracking_number, "version": self.version}


def judge_document(pdf: bytes, key_pem: bytes | None,
                   witnesses: list[str] | None = None) -> tuple[Verdict, dict[str, Any] | None]:
    """The document question: its signature and its embedded evidence, against ``key_pem``.

    Returns the verdict so far and the evidence bundle when every check passed (the document is
    authentic, or, with no keys given, consistent with the keys inside it but not confirmed).
    """
    verdict = Verdict()
    try:
        verdict, bundle = _judge_document(verdict, pdf, key_pem)
        if bundle is not None and key_pem is not None and witnesses:
            _check_witnesses(verdict, bundle, checkpoint.load_public_keys(key_pem), witnesses)
        return verdict, bundle
    except Exception as exc:  # the last line: a verifier failure is a verdict, never a traceback
        verdict.document = DocumentState.UNKNOWN
        verdict.problems.append(f"the file could not be checked ({exc.__class__.__name__})")
        return verdict, None


def _judge_document(verdict: Verdict, pdf: bytes, key_pem: bytes | None) -> tuple[Verdict, dict[str, Any] | None]:
    raw = read_attachment(pdf)
    bundle: dict[str, Any] | None = None
    if raw is not None:
        try:
            parsed = json.loads(raw)
            bundle = parsed if isinstance(parsed, dict) else None
        except ValueError:
            verdict.problems.append("the evidence attachment is damaged")
    if bundle is not None:
        verdict.tracking_number = bundle.get("item") if isinstance(bundle.get("item"), str) else None
        verdict.version = bundle.get("version") if isinstance(bundle.get("version"), int) else None
        verdict.issued_at = bundle.get("issued_at") if isinstance(bundle.get("issued_at"), str) else None
    given_keys = key_pem is not None
    if key_pem is None:
        verdict.notes.append("no operator keys were given: the keys inside the file prove nothing about who made it")
        key_pem = str((bundle or {}).get("keys") or "").encode()
    try:
        certificates = load_certificates(key_pem)
    except Exception:
        certificates = []
    if not certificates:
        verdict.problems.append("the keys given hold no certificate to check the signature with")
    signature = check_signature(pdf, certificates)
    verdict.signature = signature.as_dict()
    verdict.timestamped = signature.timestamp_at is not None and signature.timestamp_intact
    if not signature.readable or not signature.signed:
        verdict.problems += signature.problems
        return verdict, None  # not a signed PDF at all: nothing says it is ours
    if not (signature.intact and signature.valid and signature.whole_file):
        verdict.document = DocumentState.ALTERED
        verdict.problems += signature.problems or ["the PDF signature is not valid"]
        return verdict, None
    if not signature.trusted or not certificates:
        verdict.problems.append("the file is intact but not signed by the operator keys given: either other "
                                "keys were given, or someone else made this file")
        return verdict, None
    if bundle is None:
        verdict.problems.append("the signed file carries no readable evidence attachment")
        verdict.document = DocumentState.ALTERED if raw is not None else DocumentState.UNKNOWN
        return verdict, None
    try:
        log_key = checkpoint.key_for(str((bundle.get("tree_head") or {}).get("note") or ""),
                                     checkpoint.load_public_keys(key_pem))
    except (checkpoint.CheckpointError, ValueError) as exc:
        verdict.problems.append(f"the keys given hold no log key ({exc})")
        return verdict, None
    try:
        checkpoint.verify(str((bundle.get("tree_head") or {}).get("note") or ""), log_key)
    except checkpoint.UnknownKey:
        verdict.problems.append("the proof's tree head is not signed by the log key given: either other keys "
                                "were given, or someone else made this file")
        return verdict, None
    except checkpoint.CheckpointError:
        pass  # a broken tree head: check_bundle reports it and the document is altered
    report = check_bundle(bundle, log_key)
    verdict.evidence = [{"ok": f.ok, "message": f.message} for f in report.findings]
    if not report.ok:
        verdict.document = DocumentState.ALTERED
        verdict.problems += [f.message for f in report.findings if not f.ok]
        return verdict, None
    if not verdict.timestamped:
        verdict.notes.append("the signature carries no RFC 3161 time-stamp")
    if given_keys:
        verdict.document = DocumentState.AUTHENTIC
    return verdict, bundle


def _check_witnesses(verdict: Verdict, bundle: dict[str, Any], log_keys: list[Ed25519PublicKey],
                     vkeys: list[str]) -> None:
    """Each witness given must have cosigned a checkpoint the proof's tree head extends.

    A cosigned checkpoint that the proof's head does not extend means the operator showed the
    witness one history and the holder another: the operator's record is contradicted."""
    head = checkpoint.verify(bundle["tree_head"]["note"], checkpoint.key_for(bundle["tree_head"]["note"], log_keys))
    embedded = [w for w in bundle.get("witnessed") or [] if isinstance(w, dict)]
    for text in vkeys:
        try:
            name, key = parse_vkey(text)
        except checkpoint.CheckpointError as exc:
            verdict.notes.append(f"witness key not usable: {exc}")
            continue
        found = next((w for w in embedded if w.get("witness") == name), None)
        if found is None:
            verdict.notes.append(f"this proof carries no checkpoint cosigned by witness {name}")
            continue
        try:
            seen = checkpoint.verify(str(found["note"]), checkpoint.key_for(str(found["note"]), log_keys))
            at = verify_cosignature(str(found["note"]), name, key)
            if seen.tree_size > head.tree_size:
                raise checkpoint.CheckpointError("the witnessed checkpoint is larger than the proof's tree head")
            if seen.tree_size:
                merkle.verify_consistency(seen.tree_size, head.tree_size, seen.root_hash, head.root_hash,
                                          [bytes.fromhex(h) for h in found.get("consistency_proof") or []])
        except (checkpoint.CheckpointError, merkle.ProofError, ValueError, KeyError, TypeError) as exc:
            verdict.record_problems.append(f"witness {name}: {exc} — the operator's log is not the one the witness "
                                           "saw: the operator's record changed, not this document")
            continue
        verdict.evidence.append({"ok": True, "message": f"witness {name} cosigned the log at size {seen.tree_size} "
                                                        f"(time {at}); the proof's tree head extends it"})


def judge_record(verdict: Verdict, bundle: dict[str, Any], today: dict[str, Any] | None,
                 log_keys: list[Ed25519PublicKey]) -> Verdict:
    """The record question: does the operator's log today still hold what this proof states?"""
    if verdict.document is not DocumentState.AUTHENTIC:
        return verdict
    if today is None and verdict.record_problems:
        verdict.record = RecordState.CONTRADICTED
        return verdict
    if today is None:
        verdict.record = RecordState.UNKNOWN
        verdict.notes.append("no view of the operator's log today was given (--log-today): "
                             "whether the record is current was not checked")
        return verdict
    try:
        _judge_record(verdict, bundle, today, log_keys)
    except Exception as exc:
        verdict.record = RecordState.UNKNOWN
        verdict.notes.append(f"the operator's log today could not be read ({exc.__class__.__name__})")
    return verdict


def _judge_record(verdict: Verdict, bundle: dict[str, Any], today: dict[str, Any],
                  log_keys: list[Ed25519PublicKey]) -> None:
    if today.get("format") != TODAY_FORMAT or today.get("item") != bundle.get("item"):
        verdict.notes.append("the view of the log today given is not about this item")
        return
    try:
        head_today = checkpoint.verify(today["tree_head"]["note"], checkpoint.key_for(today["tree_head"]["note"], log_keys))
    except checkpoint.CheckpointError as exc:
        verdict.notes.append(f"the log's tree head today cannot be trusted: {exc}")
        return
    head_then = checkpoint.verify(bundle["tree_head"]["note"], checkpoint.key_for(bundle["tree_head"]["note"], log_keys))
    changed: list[str] = list(verdict.record_problems)
    if head_today.tree_size < head_then.tree_size:
        changed.append(f"the operator's log today holds {head_today.tree_size} entries, fewer than the "
                       f"{head_then.tree_size} it had signed when this proof was issued")
    else:
        proof = [bytes.fromhex(h) for h in today.get("consistency_proof") or []]
        try:
            merkle.verify_consistency(head_then.tree_size, head_today.tree_size, head_then.root_hash,
                                      head_today.root_hash, proof)
        except merkle.ProofError:
            changed.append("the operator's log today does not extend the log this proof was issued from: "
                           "the operator's log was rewritten after this proof was issued")
    now = {e["index"]: e for e in today.get("entries") or []}
    for entry in bundle.get("entries") or []:
        logged = now.get(entry["index"])
        if logged is None or logged.get("leaf_hash") != entry["leaf_hash"]:
            changed.append(f"log entry {entry['index']} ({entry['kind']}) is no longer in the operator's log as "
                           f"this proof shows it: the operator's record changed, this document did not")
    changed += [str(p) for p in today.get("record_problems") or []]
    known = {e["index"] for e in bundle.get("entries") or []}
    verdict.changes_since = [{"index": e["index"], "kind": e.get("kind"), "at": e.get("at")}
                             for e in sorted(now.values(), key=lambda e: e["index"]) if e["index"] not in known]
    if changed:
        verdict.record = RecordState.CONTRADICTED
        verdict.record_problems = changed
    elif verdict.changes_since:
        verdict.record = RecordState.SUPERSEDED
    else:
        verdict.record = RecordState.CURRENT


def judge(pdf: bytes, key_pem: bytes | None, today: dict[str, Any] | None = None,
          witnesses: list[str] | None = None) -> Verdict:
    """Both questions for one file (offline: ``today`` is a snapshot saved from the operator)."""
    verdict, bundle = judge_document(pdf, key_pem, witnesses)
    if bundle is not None and key_pem is not None:
        judge_record(verdict, bundle, today, checkpoint.load_public_keys(key_pem))
    return verdict
