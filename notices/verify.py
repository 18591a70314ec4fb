"""Check an Awizo proof PDF offline: ``python -m notices.verify FILE.pdf [--public-key K] [--log-today T]``.

Needs no Flask, no database and no network: only the PDF and the operator's published keys
(``/api/v1/log/keys.pem``: the log's Ed25519 key and the proof-signing certificate). Checks
the PAdES signature and its RFC 3161 timestamp, every log entry's hash and inclusion proof,
the signed tree head, that the attempts on the page are the logged ones. The verdict is the
one ``/proofs/verify`` gives (see :mod:`notices.verdict`): the document is authentic, altered
or unknown; the record it states is current, superseded, contradicted by the operator's log
today, or unknown. For the record part, pass ``--log-today`` with the JSON saved from
``/api/v1/log/items/<number>?since=<the proof's tree size>``.

Optionally ``--tree-head`` compares the proof's tree head with one saved earlier (a checkpoint
note, or the JSON of ``/api/v1/log/tree-head``; a JSON file may carry ``consistency_proof``).

Exit status: 0 the document is authentic and its record not contradicted, 1 something failed
(altered, contradicted, a bad saved tree head), 2 nothing failed but the document could not be
confirmed (no operator key given, not an Awizo proof, other keys).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from notices import checkpoint
from notices.evidence import compare_tree_heads
from notices.verdict import DocumentState, RecordState, Verdict, judge_document, judge_record


def _saved_head(path: Path, key: Ed25519PublicKey) -> tuple[checkpoint.TreeHead, list[bytes] | None]:
    text = path.read_text()
    proof = None
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        text = data["note"] if "note" in data else data["tree_head"]["note"]
        if data.get("consistency_proof") is not None:
            proof = [bytes.fromhex(h) for h in data["consistency_proof"]]
    return checkpoint.verify(text, key), proof


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def verify(pdf: bytes, key_pem: bytes | None, tree_head: Path | None = None,
           today: dict[str, Any] | None = None, witnesses: list[str] | None = None) -> tuple[int, list[str], Verdict]:
    """Return (exit status, lines of the report, the verdict)."""
    lines: list[str] = []
    failed = False

    def say(ok: bool | None, text: str) -> None:
        nonlocal failed
        failed |= ok is False
        lines.append(f"[{ {True: 'OK  ', False: 'FAIL', None: '??  '}[ok]}] {text}")

    verdict, bundle = judge_document(pdf, key_pem, witnesses)
    if key_pem is None:
        say(None, "no --public-key given: checking against the keys inside the file, which proves nothing "
                  "about who made it (download the operator's keys.pem and pass --public-key)")
    signature = verdict.signature or {}
    if signature.get("signed") and signature.get("intact") and signature.get("valid") and signature.get("covers_whole_file"):
        say(True if signature.get("trusted") else None, f"PDF signature valid, whole file signed, signer: {signature.get('signer')}")
    if signature.get("timestamp"):
        say(bool(signature.get("timestamp_intact")), f"time-stamped at {signature['timestamp']} by "
                                                    f"{signature.get('timestamp_authority') or 'an unknown authority'} (RFC 3161)")
    for finding in verdict.evidence:
        say(finding["ok"], finding["message"])
    for problem in verdict.problems:
        say(False if verdict.document is DocumentState.ALTERED else None, problem)
    log_key = None
    if bundle is not None and key_pem is not None:
        log_keys = checkpoint.load_public_keys(key_pem)
        log_key = checkpoint.key_for(bundle["tree_head"]["note"], log_keys)
        lines.append(f"[OK  ] the proof's tree head is signed by log key {checkpoint.fingerprint(log_key)}")
        judge_record(verdict, bundle, today, log_keys)
    if tree_head is not None and bundle is not None:
        try:
            key = log_key or checkpoint.load_public_key(str(bundle.get("keys") or "").encode())
            saved, proof = _saved_head(tree_head, key)
            compared = compare_tree_heads(checkpoint.verify(bundle["tree_head"]["note"], key), saved, proof)
        except (OSError, checkpoint.CheckpointError, ValueError, KeyError, TypeError) as exc:
            say(False, f"saved tree head: {exc}")
        else:
            if compared is None:
                say(None, f"saved tree head has size {saved.tree_size}, the proof's {bundle['tree_head']['tree_size']}: "
                          f"get /api/v1/log/consistency?first=…&second=… and add it as consistency_proof")
            else:
                say(compared.ok, compared.message)
                if not compared.ok and verdict.document is DocumentState.AUTHENTIC:
                    verdict.record = RecordState.CONTRADICTED
                    verdict.record_problems.append(compared.message)
    for problem in verdict.record_problems:
        say(False, f"operator's record: {problem}")
    for note in verdict.notes:
        say(None, note)
    lines.insert(0, f"Awizo proof for item {verdict.tracking_number}, version {verdict.version}, issued {verdict.issued_at}")
    pl, en = verdict.headline
    word = {"authentic": "AUTHENTIC", "altered": "ALTERED", "unknown": "UNKNOWN"}[verdict.document.value]
    lines.append(f"Document / Dokument: {word}; record / zapis: {verdict.record.value.upper()}")
    lines.append(f"Verdict / Wynik: {word} — {en} / {pl}")
    bad = verdict.document is DocumentState.ALTERED or verdict.record is RecordState.CONTRADICTED or failed
    return (1 if bad else 0 if verdict.document is DocumentState.AUTHENTIC else 2), lines, verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notices.verify", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("file", type=Path, help="the proof PDF")
    parser.add_argument("--public-key", type=Path, help="the operator's keys.pem (log key and signing certificate)")
    parser.add_argument("--log-today", type=Path, help="the operator's log today for this item (JSON from "
                                                       "/api/v1/log/items/<number>?since=<tree size>)")
    parser.add_argument("--tree-head", type=Path, help="a tree head saved earlier (checkpoint note or JSON)")
    parser.add_argument("--witness", action="append", default=[], help="a witness's verifier key (vkey); the proof's "
                                                                    "tree head must extend a checkpoint it cosigned")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    args = parser.parse_args(argv)
    try:
        pdf = args.file.read_bytes()
        key_pem = args.public_key.read_bytes() if args.public_key else None
    except OSError as exc:
        print(f"cannot read {exc.filename}: {exc.strerror}")
        return 2
    today = _read_json(args.log_today) if args.log_today else None
    status, lines, verdict = verify(pdf, key_pem, args.tree_head, today, args.witness)
    if args.log_today and today is None:
        lines.insert(1, "[??  ] the --log-today file is not JSON")
    print(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=2) if args.json else "\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
