"""The facts a log entry states, rebuilt from the rows they describe (entry format version 2).

Version 2 adds what version 1 left to the database alone: the device evidence of an attempt
(the signed scan text, its signature, the device key and its fingerprint, the sequence and the
flags, enough to re-check the device signature offline) and, for each alert status change, the
alert itself (channel, purpose, a salted commitment to the destination, the hash of its text,
the provider and its message id). Entries written as version 1 are rebuilt as version 1.
"""
from __future__ import annotations

import hashlib

from app.models import Attempt, OutboxMessage
from notices.evidence import commitment, utc
from notices.scan_signature import SignedScan, canonical_text

ENTRY_VERSION = 2


def attempt_facts(attempt: Attempt, version: int = ENTRY_VERSION) -> dict:
    facts = {
        "id": attempt.id, "outcome": attempt.outcome, "upu_event": attempt.upu_event,
        "reason": attempt.reason, "action": attempt.action,
        "occurred_at": utc(attempt.occurred_at), "recorded_at": utc(attempt.recorded_at),
        "lat": attempt.latitude, "lon": attempt.longitude, "accuracy_m": attempt.accuracy_m,
        "carrier_id": attempt.carrier_id, "device_id": attempt.device_id,
        "pickup_point_id": attempt.pickup_point_id, "collect_by": utc(attempt.collect_by_at),
    }
    if attempt.corrects_attempt_id is not None:  # only on corrections: older entries rebuild unchanged
        facts["corrects_attempt_id"] = attempt.corrects_attempt_id
    if version >= 2:
        facts["device_evidence"] = device_facts(attempt)
    return facts


def device_facts(attempt: Attempt) -> dict | None:
    """The handheld's proof for the attempt: what it signed, how, with which key, what looked wrong."""
    evidence = getattr(attempt, "device_evidence", None)
    if evidence is None:
        return None
    signed_text = None
    if evidence.signed and evidence.sequence is not None:
        # The device signs the pickup point it sent (often none: the server then assigns one).
        for pickup in dict.fromkeys((attempt.pickup_point.code if attempt.pickup_point else None, None)):
            text = canonical_text(SignedScan(
                tracking_number=attempt.item.tracking_number, outcome=attempt.outcome,
                occurred_at=attempt.occurred_at, latitude=attempt.latitude, longitude=attempt.longitude,
                accuracy_m=attempt.accuracy_m, no_fix=bool(evidence.no_fix), pickup_point=pickup,
                sequence=evidence.sequence))
            if hashlib.sha256(text.encode()).hexdigest() == evidence.canonical_sha256:
                signed_text = text  # the exact bytes the device signed (else only their hash is logged)
                break
    device = evidence.device
    return {
        "signed": evidence.signed, "sequence": evidence.sequence, "signature": evidence.signature,
        "key_fingerprint": evidence.key_fingerprint, "public_key": device.public_key if evidence.signed else None,
        "signed_sha256": evidence.canonical_sha256, "signed_text": signed_text,
        "device_sent_at": utc(evidence.device_sent_at), "clock_skew_s": evidence.clock_skew_s,
        "no_fix": bool(evidence.no_fix), "flags": list(evidence.flags or []),
    }


def alert_facts(message: OutboxMessage | None, salt: str) -> dict | None:
    """The alert a status change is about; the destination only as a salted commitment."""
    if message is None:
        return None
    text = "\n".join(x for x in (message.subject, message.body) if x)
    return {
        "message_id": message.id, "channel": message.channel, "purpose": message.purpose,
        "destination_commitment": commitment({"to": message.recipient}, salt),
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


def alert_opening(message: OutboxMessage) -> dict:
    return {"to": message.recipient}
