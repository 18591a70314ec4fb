"""Signed tree heads as checkpoints in the signed-note format (C2SP tlog-checkpoint, Ed25519).

A checkpoint body is::

    <origin>
    <tree size>
    <base64 root hash>
    timestamp <milliseconds since the epoch>

followed by a blank line and one signature line ``— <origin> <base64(key id || signature)>``,
where the key id is the first 4 bytes of SHA-256(origin || "\\n" || 0x01 || public key) and the
signature is Ed25519 over the body. Anyone holding the public key can check it offline.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

DASH = "\u2014"


class CheckpointError(ValueError):
    """A tree head that is malformed or not signed by the expected key."""


class UnknownKey(CheckpointError):
    """A well-formed tree head carrying no signature by the key given (maybe other keys were given)."""


@dataclass(frozen=True)
class TreeHead:
    origin: str
    tree_size: int
    root_hash: bytes
    timestamp_ms: int
    note: str

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp_ms / 1000, tz=timezone.utc)

    def as_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin, "tree_size": self.tree_size, "root_hash": self.root_hash.hex(),
            "timestamp": self.time.isoformat().replace("+00:00", "Z"), "timestamp_ms": self.timestamp_ms,
            "note": self.note,
        }


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(origin: str, public_key: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(origin.encode() + b"\n\x01" + _raw(public_key)).digest()[:4]


def body(origin: str, tree_size: int, root_hash: bytes, timestamp_ms: int) -> str:
    return f"{origin}\n{tree_size}\n{base64.b64encode(root_hash).decode()}\ntimestamp {timestamp_ms}\n"


def sign(origin: str, tree_size: int, root_hash: bytes, timestamp_ms: int, key: Ed25519PrivateKey) -> TreeHead:
    text = body(origin, tree_size, root_hash, timestamp_ms)
    signature = key.sign(text.encode())
    line = f"{DASH} {origin} {base64.b64encode(key_id(origin, key.public_key()) + signature).decode()}\n"
    return TreeHead(origin, tree_size, root_hash, timestamp_ms, text + "\n" + line)


def verify(note: str, public_key: Ed25519PublicKey, origin: str | None = None) -> TreeHead:
    """Parse a signed checkpoint and check its signature; raise CheckpointError otherwise."""
    text, sep, signatures = note.partition("\n\n")
    if not sep:
        raise CheckpointError("the tree head has no signature")
    lines = text.split("\n")
    if len(lines) < 4 or not lines[3].startswith("timestamp "):
        raise CheckpointError("the tree head is malformed")
    name = lines[0]
    if origin is not None and name != origin:
        raise CheckpointError(f"the tree head is for log {name!r}, not {origin!r}")
    text += "\n"
    wanted = key_id(name, public_key)
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH or parts[1] != name:
            continue
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except ValueError:
            continue
        if blob[:4] != wanted:
            continue
        try:
            public_key.verify(blob[4:], text.encode())
        except InvalidSignature:
            raise CheckpointError("the tree head's signature is invalid") from None
        try:
            return TreeHead(name, int(lines[1]), base64.b64decode(lines[2], validate=True),
                            int(lines[3].split(" ", 1)[1]), note)
        except ValueError:
            raise CheckpointError("the tree head is malformed") from None
    raise UnknownKey("the tree head is not signed by the operator's log key")


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """The first Ed25519 public key in a PEM file (which may also hold certificates)."""
    marker = b"-----BEGIN PUBLIC KEY-----"
    start = pem.find(marker)
    if start < 0:
        raise CheckpointError("no PUBLIC KEY block in the key file")
    end = pem.find(b"-----END PUBLIC KEY-----", start)
    key = serialization.load_pem_public_key(pem[start:end + 24])
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError("the log key must be an Ed25519 public key")
    return key


def load_public_keys(pem: bytes) -> list[Ed25519PublicKey]:
    """Every Ed25519 PUBLIC KEY block in a PEM file: the current log key first, then retired ones."""
    out, start = [], 0
    while (found := pem.find(b"-----BEGIN PUBLIC KEY-----", start)) >= 0:
        end = pem.find(b"-----END PUBLIC KEY-----", found)
        if end < 0:
            break
        key = serialization.load_pem_public_key(pem[found:end + 24])
        if isinstance(key, Ed25519PublicKey):
            out.append(key)
        start = end + 24
    if not out:
        raise CheckpointError("no Ed25519 PUBLIC KEY block in the key file")
    return out


def key_for(note: str, keys: list[Ed25519PublicKey]) -> Ed25519PublicKey:
    """The key among ``keys`` whose id signs ``note`` (after a key rotation, old heads name the old key)."""
    name = note.split("\n", 1)[0]
    ids = set()
    for line in note.partition("\n\n")[2].splitlines():
        parts = line.split(" ")
        if len(parts) == 3 and parts[0] == DASH and parts[1] == name:
            try:
                ids.add(base64.b64decode(parts[2], validate=True)[:4])
            except ValueError:
                continue
    return next((key for key in keys if key_id(name, key) in ids), keys[0])


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key in groups of four, for a person to compare: ``1a2b 3c4d …``."""
    digest = hashlib.sha256(_raw(key)).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))
