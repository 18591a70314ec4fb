"""Check an Awizo proof PDF offline: ``python -m notices.verify FILE.pdf [--public-key K] [--tree-head F]``.

Needs no Flask, no database and no network: only the PDF and the operator's published keys
(``/api/v1/log/keys.pem``: the log's Ed25519 key and the proof-signing certificate). Checks
the PAdES signature and its RFC 3161 timestamp, every log entry's hash and inclusion proof,
the signed tree head, that the attempts on the page are the logged ones, and optionally that
the proof's tree head agrees with one saved earlier (a checkpoint note, or the JSON of
``/api/v1/log/tree-head``; a JSON file may carry ``consistency_proof`` between the two sizes).

Exit status: 0 everything verified, 1 something failed, 2 nothing failed but something could
not be checked (no operator key given, or no consistency proof for a saved tree head).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from notices import checkpoint
from notices.evidence import check_bundle, compare_tree_heads
from notices.signature import check_signature, load_certificates, read_attachment


def _saved_head(path: Path, key: Ed25519PublicKey) -> tuple[checkpoint.TreeHead, list[bytes] | None]:
    text = path.read_text()
    proof = None
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        text = data["note"] if "note" in data else data["tree_head"]["note"]
        if data.get("consistency_proof") is not None:
            proof = [bytes.fromhex(h) for h in data["consistency_proof"]]
    return checkpoint.verify(text, key), proof


def verify(pdf: bytes, key_pem: bytes | None, tree_head: Path | None = None) -> tuple[int, list[str]]:
    """Return (exit status, lines of the report)."""
    lines: list[str] = []
    failed = inconclusive = False

    def say(ok: bool | None, text: str) -> None:
        nonlocal failed, inconclusive
        mark = {True: "OK  ", False: "FAIL", None: "??  "}[ok]
        failed |= ok is False
        inconclusive |= ok is None
        lines.append(f"[{mark}] {text}")

    raw = read_attachment(pdf)
    bundle = json.loads(raw) if raw else None
    if key_pem is None:
        say(None, "no --public-key given: checking against the keys inside the file, which proves nothing "
                  "about who made it (download the operator's keys.pem and pass --public-key)")
        key_pem = (bundle or {}).get("keys", "").encode()
    certificates = load_certificates(key_pem)
    signature = check_signature(pdf, certificates)
    if signature.authentic:
        say(True, f"PDF signature valid, whole file signed, signer: {signature.signer}")
    else:
        for problem in signature.problems or ["the PDF signature is not valid"]:
            say(False, f"PDF signature: {problem}")
    if signature.timestamp_at:
        say(signature.timestamp_intact, f"time-stamped at {signature.timestamp_at.isoformat()} by "
                                        f"{signature.timestamp_authority or 'an unknown authority'} (RFC 3161)")
    else:
        say(None, "the signature carries no RFC 3161 timestamp")
    if bundle is None:
        say(False, "the PDF carries no evidence.json attachment")
        return 1, lines
    try:
        log_key = checkpoint.load_public_key(key_pem)
    except (checkpoint.CheckpointError, ValueError) as exc:
        say(False, f"log key: {exc}")
        return 1, lines
    report = check_bundle(bundle, log_key)
    for finding in report.findings:
        say(finding.ok, finding.message)
    if tree_head is not None and report.tree_head is not None:
        try:
            saved, proof = _saved_head(tree_head, log_key)
        except (checkpoint.CheckpointError, ValueError, KeyError) as exc:
            say(False, f"saved tree head: {exc}")
        else:
            compared = compare_tree_heads(report.tree_head, saved, proof)
            if compared is None:
                say(None, f"saved tree head has size {saved.tree_size}, the proof's {report.tree_head.tree_size}: "
                          f"get /api/v1/log/consistency?first={min(saved.tree_size, report.tree_head.tree_size)}"
                          f"&second={max(saved.tree_size, report.tree_head.tree_size)} and add it as consistency_proof")
            else:
                say(compared.ok, compared.message)
    item = bundle.get("item")
    lines.insert(0, f"Awizo proof for item {item}, version {bundle.get('version')}, issued {bundle.get('issued_at')}")
    verdict = "ALTERED OR INVALID" if failed else ("NOT FULLY CHECKED" if inconclusive else "AUTHENTIC")
    lines.append(f"Verdict / Wynik: {verdict}")
    return (1 if failed else 2 if inconclusive else 0), lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notices.verify", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="the proof PDF")
    parser.add_argument("--public-key", type=Path, help="the operator's keys.pem (log key and signing certificate)")
    parser.add_argument("--tree-head", type=Path, help="a tree head saved earlier (checkpoint note or JSON)")
    args = parser.parse_args(argv)
    status, lines = verify(args.file.read_bytes(), args.public_key.read_bytes() if args.public_key else None,
                           args.tree_head)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
