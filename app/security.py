"""Secrets handed out once and stored only as hashes (API keys, device tokens)."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class NewToken:
    token: str    # shown once to the person who asked for it
    prefix: str   # kept in clear to tell tokens apart in lists
    digest: str   # what the database stores


def hash_token(token: str) -> str:
    """SHA-256 is enough here: tokens are 256-bit random, so there is nothing to brute-force."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(kind: str) -> NewToken:
    """Create a token like ``awz_sk_Ab3dE9fG_<secret>``; ``kind`` is ``sk`` or ``dt``."""
    prefix = f"awz_{kind}_{secrets.token_urlsafe(6)}"
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(token, prefix, hash_token(token))


def new_verify_token() -> str:
    """The unguessable part of a public verification URL."""
    return secrets.token_urlsafe(24)
