"""A transparency-log witness (C2SP tlog-witness, tlog-cosignature/v1), small enough for anyone to run.

A court, a sender or any third party runs ``python -m notices.witness serve`` with its own
Ed25519 key and the log's public key. The operator submits each new checkpoint with a
consistency proof from the last one the witness cosigned (``POST /add-checkpoint``); the witness
checks the log's signature and the proof, keeps the checkpoint (append-only: a checkpoint that
is not consistent with the one it holds is refused) and answers with a timestamped cosignature.
A proof that carries a witness's cosignature on its checkpoint cannot be contradicted later by
a rewritten log without the witness noticing.

Cosignature (Ed25519, tlog-cosignature/v1): a signed-note line ``— <name> base64(key id ||
u64 timestamp || signature)``, key id = SHA-256(name || "\\n" || 0x04 || public key)[:4], over
``cosignature/v1\\ntime <timestamp>\\n`` followed by the checkpoint body.
"""
from __future__ import annotations

import argparse
import base64
import fcntl
import hashlib
import json
import os
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from notices import checkpoint, merkle

COSIGNATURE_TYPE = 0x04
ED25519_TYPE = 0x01
MAX_PROOF_LINES = 63


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def cosigner_key_id(name: str, key: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([COSIGNATURE_TYPE]) + _raw(key)).digest()[:4]


def vkey(name: str, key: Ed25519PublicKey, sig_type: int = ED25519_TYPE) -> str:
    """A signed-note verifier key string: ``<name>+<hex key id>+<base64(type || key)>``."""
    material = bytes([sig_type]) + _raw(key)
    key_id = hashlib.sha256(name.encode() + b"\n" + material).digest()[:4]
    return f"{name}+{key_id.hex()}+{base64.b64encode(material).decode()}"


def parse_vkey(text: str) -> tuple[str, Ed25519PublicKey]:
    """The name and Ed25519 key of a verifier key string (cosigner keys use type 0x04 or 0x01)."""
    try:
        name, key_id, material_b64 = text.strip().split("+", 2)  # the name and id hold no "+"
        material = base64.b64decode(material_b64, validate=True)
    except ValueError:
        raise checkpoint.CheckpointError("not a verifier key (name+keyid+key)") from None
    if len(material) != 33 or material[0] not in (ED25519_TYPE, COSIGNATURE_TYPE):
        raise checkpoint.CheckpointError("the verifier key is not an Ed25519 key")
    if hashlib.sha256(name.encode() + b"\n" + material).digest()[:4].hex() != key_id:
        raise checkpoint.CheckpointError("the verifier key's id does not match its key")
    return name, Ed25519PublicKey.from_public_bytes(material[1:])


def _signed_message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + body.encode()


def note_body(note: str) -> str:
    text, sep, _ = note.partition("\n\n")
    if not sep:
        raise checkpoint.CheckpointError("the checkpoint has no signature")
    return text + "\n"


def cosign(note: str, name: str, key: Ed25519PrivateKey, timestamp: int) -> str:
    """The cosignature line for the checkpoint ``note`` at ``timestamp`` (seconds)."""
    signature = key.sign(_signed_message(note_body(note), timestamp))
    blob = cosigner_key_id(name, key.public_key()) + struct.pack(">Q", timestamp) + signature
    return f"{checkpoint.DASH} {name} {base64.b64encode(blob).decode()}\n"


def verify_cosignature(note: str, name: str, key: Ed25519PublicKey) -> int:
    """The timestamp of ``name``'s valid cosignature on ``note``; raise CheckpointError if none."""
    body = note_body(note)
    wanted = cosigner_key_id(name, key)
    for line in note.partition("\n\n")[2].splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != checkpoint.DASH or parts[1] != name:
            continue
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except ValueError:
            continue
        if len(blob) != 4 + 8 + 64 or blob[:4] != wanted:
            continue
        timestamp = struct.unpack(">Q", blob[4:12])[0]
        try:
            key.verify(blob[12:], _signed_message(body, timestamp))
        except InvalidSignature:
            raise checkpoint.CheckpointError(f"the cosignature of witness {name} is invalid") from None
        return int(timestamp)
    raise checkpoint.CheckpointError(f"the checkpoint carries no cosignature of witness {name}")


@dataclass
class Answer:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


class StateFile:
    """The latest cosigned checkpoint per log origin, in one JSON file, updated under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def update(self, change: Callable[[dict[str, dict[str, object]]],
                                      tuple[Answer, dict[str, dict[str, object]] | None]]) -> Answer:
        """Run ``change(state) -> (answer, new state or None)`` atomically (check and persist together)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = json.loads(self.path.read_text()) if self.path.exists() else {}
            answer, new = change(state)
            if new is not None:
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(json.dumps(new, indent=1, sort_keys=True))
                os.replace(tmp, self.path)
            return answer

    def read(self) -> dict[str, dict[str, object]]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}


def add_checkpoint(request: str, *, logs: dict[str, Ed25519PublicKey], state: StateFile, name: str,
                   key: Ed25519PrivateKey, now: int) -> Answer:
    """The ``add-checkpoint`` call: verify, check consistency with what is held, keep, cosign."""
    head, sep, note = request.partition("\n\n")
    lines = head.split("\n")
    if not sep or not lines[0].startswith("old ") or len(lines) - 1 > MAX_PROOF_LINES:
        return Answer(400, "malformed request\n")
    try:
        old = int(lines[0][4:])
        proof = [base64.b64decode(h, validate=True) for h in lines[1:]]
    except ValueError:
        return Answer(400, "malformed old size or proof line\n")
    origin = note.split("\n", 1)[0]
    if origin not in logs:
        return Answer(404, "unknown log\n")
    try:
        signed = checkpoint.verify(note, logs[origin])
    except checkpoint.UnknownKey:
        return Answer(403, "not signed by the log's key\n")
    except checkpoint.CheckpointError as exc:
        return Answer(400, f"{exc}\n")
    if old > signed.tree_size:
        return Answer(400, "old size is larger than the checkpoint\n")

    def change(held: dict[str, dict[str, object]]) -> tuple[Answer, dict[str, dict[str, object]] | None]:
        mine = held.get(origin) or {"size": 0, "root": ""}
        held_size, held_root = int(str(mine["size"])), str(mine["root"])
        if old != held_size:
            return Answer(409, f"{held_size}\n", "text/x.tlog.size"), None
        if old == signed.tree_size and held_size and held_root != signed.root_hash.hex():
            return Answer(409, f"{held_size}\n", "text/x.tlog.size"), None
        if old and old < signed.tree_size:
            try:
                merkle.verify_consistency(old, signed.tree_size, bytes.fromhex(held_root), signed.root_hash, proof)
            except (merkle.ProofError, ValueError):
                return Answer(422, "the consistency proof does not verify: refused\n"), None
        elif proof:
            return Answer(422, "the proof must be empty\n"), None
        line = cosign(note, name, key, now)
        held[origin] = {"size": signed.tree_size, "root": signed.root_hash.hex(), "checkpoint": note + line}
        return Answer(200, line), held

    return state.update(change)


def serve(port: int, *, logs: dict[str, Ed25519PublicKey], state: StateFile, name: str,
          key: Ed25519PrivateKey) -> ThreadingHTTPServer:
    """An HTTP witness: ``POST /add-checkpoint``; ``GET /checkpoint/<origin>`` shows what it holds."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, answer: Answer) -> None:
            body = answer.body.encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            if self.path.rstrip("/").rsplit("/", 1)[-1] != "add-checkpoint":
                return self._answer(Answer(404, "not found\n"))
            text = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0)).decode("utf-8", "replace")
            self._answer(add_checkpoint(text, logs=logs, state=state, name=name, key=key, now=int(time.time())))

        def do_GET(self) -> None:
            held = state.read().get(self.path.split("/checkpoint/", 1)[-1])
            self._answer(Answer(200, str(held["checkpoint"])) if held else Answer(404, "no checkpoint\n"))

        def log_message(self, *args: object) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1" if port == 0 else "0.0.0.0", port), Handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notices.witness", description="Run a transparency-log witness.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="serve add-checkpoint over HTTP")
    run.add_argument("--name", required=True, help="the witness's name, e.g. witness.sad.example/w1")
    run.add_argument("--key", type=Path, required=True, help="the witness's Ed25519 private key (PKCS#8 PEM)")
    run.add_argument("--log", action="append", required=True, help="a log's verifier key (vkey) or ORIGIN=PEM path")
    run.add_argument("--state", type=Path, required=True, help="where the latest checkpoints are kept")
    run.add_argument("--port", type=int, default=7380)
    show = sub.add_parser("vkey", help="print the witness's verifier key")
    show.add_argument("--name", required=True)
    show.add_argument("--key", type=Path, required=True)
    args = parser.parse_args(argv)
    private = serialization.load_pem_private_key(args.key.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        print("the witness key must be Ed25519")
        return 2
    if args.command == "vkey":
        print(vkey(args.name, private.public_key(), COSIGNATURE_TYPE))
        return 0
    logs = {}
    for entry in args.log:
        if "=" in entry and Path(entry.split("=", 1)[1]).exists():
            origin, pem = entry.split("=", 1)
            logs[origin] = checkpoint.load_public_key(Path(pem).read_bytes())
        else:
            origin, public = parse_vkey(entry)
            logs[origin] = public
    server = serve(args.port, logs=logs, state=StateFile(args.state / "checkpoints.json"), name=args.name,
                   key=private)
    print(f"witness {args.name} listening on port {server.server_address[1]}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
