"""The case link: a capability like the record link, derived so messages can repeat it.

The token is an HMAC of the case's ``link_nonce`` under the application secret; only its
SHA-256 is stored, so a database dump does not open any case.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models.cases import Case
from app.security import hash_token


def new_nonce() -> str:
    return secrets.token_hex(16)


def case_token(secret: str, nonce: str) -> str:
    digest = hmac.new(secret.encode(), f"case-link:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def case_url(base_url: str, secret: str, case: Case) -> str:
    return f"{base_url}/c/{case_token(secret, case.link_nonce)}"


def case_by_token(session: Session, token: str) -> Case:
    case = session.scalar(sa.select(Case).where(Case.token_hash == hash_token(token or "")))
    if case is None:
        raise NotFound("No case for this link.")
    return case


def portal_url(base_url: str, tracking_number: str) -> str:
    return f"{base_url}/portal/items/{tracking_number}#cases"
