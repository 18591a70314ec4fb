"""The evidence a proof carries, and how anyone checks it without our server.

A proof embeds ``evidence.json``: the record shown on the page, the canonical JSON of every
log entry about the item, each entry's inclusion proof, and the signed tree head (checkpoint)
they were checked against. ``check_bundle`` verifies all of it with the log's public key.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from notices import checkpoint, merkle

FORMAT = "awizo-proof-evidence/1"


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text (hashed as its UTF-8 bytes).

    ``json.dumps`` with these options; the encoder is made once (a bulk import makes two per row)."""
    return _CANONICAL.encode(value)


def entry_leaf_hash(canonical_text: str) -> bytes:
    return merkle.leaf_hash(canonical_text.encode())


def utc(value: datetime | None) -> str | None:
    """A datetime as ISO 8601 in UTC with ``Z``, the only time format inside log entries."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def commitment(opened: dict[str, Any], salt: str) -> str:
    """A salted hash hiding personal data in the public log; the sender's proof opens it."""
    return hashlib.sha256(canonical({**opened, "salt": salt}).encode()).hexdigest()


@dataclass
class Finding:
    ok: bool
    message: str


@dataclass
class BundleReport:
    findings: list[Finding] = field(default_factory=list)
    tree_head: checkpoint.TreeHead | None = None
    inconclusive: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    def add(self, ok: bool, message: str) -> bool:
        self.findings.append(Finding(ok, message))
        return ok


def _check_attempts_shown(report: BundleReport, record: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    """What the page shows about each attempt must be what the log holds."""
    logged = {}
    for entry in entries:
        attempt = (entry["parsed"].get("facts") or {}).get("attempt")
        if attempt:
            logged[attempt["id"]] = attempt
    for shown in record.get("attempts", []):
        fact = logged.get(shown["id"])
        if fact is None:
            report.add(False, f"attempt {shown['id']} shown in the proof is not in the log")
            continue
        location = shown.get("location") or {}
        same = (fact["occurred_at"] == shown["occurred_at"] and fact["recorded_at"] == shown["recorded_at"]
                and fact["outcome"] == shown["outcome"] and fact.get("lat") == location.get("lat")
                and fact.get("lon") == location.get("lon") and fact.get("accuracy_m") == location.get("accuracy_m"))
        logged_device, shown_device = fact.get("device_evidence"), shown.get("device_evidence")
        if "device_evidence" in fact and (logged_device or shown_device):
            same = same and bool(logged_device) and bool(shown_device) and all(
                logged_device.get(k) == shown_device.get(k) for k in ("signed", "sequence", "key_fingerprint", "flags"))
        report.add(same, f"attempt {shown['id']} on the page matches log entry"
                   if same else f"attempt {shown['id']} on the page differs from the logged entry")


# Statuses a provider reports; once logged, the record must show the last one (queued, sending
# and retries are bookkeeping and are not logged).
PROVIDER_STATUSES = ("sent", "delivered", "undelivered", "failed")
FINAL_STATUSES = ("delivered", "undelivered", "failed")


def alert_status_conflict(shown: str, logged: list[str]) -> str | None:
    """Why an alert's shown status disagrees with its logged status changes, or None."""
    last = next((status for status in reversed(logged) if status in (*PROVIDER_STATUSES, "cancelled")), None)
    if shown in PROVIDER_STATUSES and last != shown:
        return f"shown as {shown}, logged as {last or 'never sent'}"
    if last in FINAL_STATUSES and shown != last:
        return f"shown as {shown}, logged as {last}"
    return None


def logged_alert_statuses(entries: list[dict[str, Any]]) -> dict[int, list[str]]:
    """Message id -> the statuses logged for it, in log order."""
    out: dict[int, list[str]] = {}
    for entry in entries:
        event = entry["parsed"].get("event") or {}
        data = event.get("data") or {}
        if event.get("kind") == "notification_status" and isinstance(data, dict) and data.get("message_id") is not None:
            out.setdefault(int(data["message_id"]), []).append(str(data.get("status")))
    return out


def check_device_signature(device: dict[str, Any]) -> Finding | None:
    """Re-verify a handheld's ECDSA P-256 signature over the scan text it signed (None: unsigned)."""
    if not device.get("signed"):
        return None
    text, key_b64, signature = device.get("signed_text"), device.get("public_key"), device.get("signature")
    if not (text and key_b64 and signature):
        return Finding(False, "the device signature cannot be re-checked: the log lacks the signed text or key")
    try:
        der = base64.b64decode(key_b64, validate=True)
        if hashlib.sha256(der).hexdigest() != device.get("key_fingerprint"):
            return Finding(False, "the device key does not match its logged fingerprint")
        if hashlib.sha256(text.encode()).hexdigest() != device.get("signed_sha256"):
            return Finding(False, "the signed scan text does not match its logged hash")
        key = serialization.load_der_public_key(der)
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        if not isinstance(key, ec.EllipticCurvePublicKey) or len(raw) != 64:
            return Finding(False, "the device key or signature is not ECDSA P-256")
        key.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
                   text.encode(), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, binascii.Error):
        return Finding(False, f"the device signature of scan {device.get('sequence')} does not verify")
    return Finding(True, f"device signature of scan {device.get('sequence')} re-verified "
                         f"(key {str(device.get('key_fingerprint'))[:16]}…)")


def _check_alerts_shown(report: BundleReport, record: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    """Each alert status the page shows must be the last status the log holds for it."""
    logged = logged_alert_statuses(entries)
    for shown in record.get("notifications", []):
        if shown.get("id") is None:
            continue
        conflict = alert_status_conflict(str(shown.get("status")), logged.get(int(shown["id"]), []))
        report.add(conflict is None, f"alert {shown['id']} ({shown.get('channel')}) on the page matches the log"
                   if conflict is None else f"alert {shown['id']} on the page differs from the log: {conflict}")


def check_bundle(bundle: dict[str, Any], log_key: Ed25519PublicKey) -> BundleReport:
    """Check the tree head signature, every entry's hash and inclusion proof, openings, record."""
    report = BundleReport()
    if bundle.get("format") != FORMAT:
        report.add(False, "the attachment is not Awizo proof evidence")
        return report
    try:
        head = checkpoint.verify(bundle["tree_head"]["note"], log_key)
    except checkpoint.CheckpointError as exc:
        report.add(False, f"tree head: {exc}")
        return report
    report.tree_head = head
    report.add(True, f"tree head signed by the log key: size {head.tree_size}, root {head.root_hash.hex()}")
    entries = []
    for entry in bundle.get("entries", []):
        text = entry["canonical"]
        leaf = entry_leaf_hash(text)
        if leaf.hex() != entry["leaf_hash"]:
            report.add(False, f"entry {entry['index']}: its hash does not match its content")
            continue
        try:
            merkle.verify_inclusion(entry["index"], head.tree_size, leaf,
                                    [bytes.fromhex(h) for h in entry["inclusion_proof"]], head.root_hash)
        except (merkle.ProofError, ValueError) as exc:
            report.add(False, f"entry {entry['index']}: {exc}")
            continue
        parsed = json.loads(text)
        entries.append({**entry, "parsed": parsed})
        report.add(True, f"entry {entry['index']} ({parsed['event']['kind']}) is included in the log")
        facts = parsed.get("facts") or {}
        opening = (bundle.get("openings") or {}).get(str(entry["index"]))
        if opening and "recipient" in opening:
            wanted = facts.get("recipient_commitment")
            got = commitment(opening["recipient"], opening["salt"])
            report.add(got == wanted, f"entry {entry['index']}: recipient data matches its commitment"
                       if got == wanted else f"entry {entry['index']}: recipient data does not match the log")
        if opening and "destination" in opening:
            same = commitment(opening["destination"], opening["salt"]) == (facts.get("alert") or {}).get(
                "destination_commitment")
            report.add(same, f"entry {entry['index']}: the alert's destination matches its commitment"
                       if same else f"entry {entry['index']}: the alert's destination does not match the log")
        device = (facts.get("attempt") or {}).get("device_evidence")
        finding = check_device_signature(device) if isinstance(device, dict) else None
        if finding is not None:
            report.add(finding.ok, f"entry {entry['index']}: {finding.message}")
    tracking = {e["parsed"]["item"] for e in entries}
    if tracking and tracking != {bundle.get("item")}:
        report.add(False, "the entries are about another item")
    if "record" in bundle:
        _check_attempts_shown(report, bundle["record"], entries)
        _check_alerts_shown(report, bundle["record"], entries)
    return report


def compare_tree_heads(pdf_head: checkpoint.TreeHead, saved: checkpoint.TreeHead,
                       proof: list[bytes] | None) -> Finding | None:
    """Is the proof's tree head consistent with one saved earlier (or later)? None if unknown."""
    first, second = sorted((pdf_head, saved), key=lambda h: h.tree_size)
    if first.tree_size == second.tree_size:
        same = first.root_hash == second.root_hash
        return Finding(same, "the saved tree head and the proof's tree head agree" if same else
                       "the saved tree head has the same size but a different root: the log was rewritten")
    if proof is None:
        return None
    try:
        merkle.verify_consistency(first.tree_size, second.tree_size, first.root_hash, second.root_hash, proof)
    except merkle.ProofError as exc:
        return Finding(False, f"the log is not consistent with the saved tree head: {exc}")
    return Finding(True, f"the log of size {second.tree_size} extends the one of size {first.tree_size}")
