"""People and their credentials: accounts, sign-in, invitations, API keys."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2 import profiles as argon2_profiles
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from app.errors import Conflict, FieldError, NotFound, ValidationFailed
from app.messaging.enqueue import enqueue_message
from app.models import ApiKey, Invitation, Sender, User
from app.models.accounts import ROLES
from app.security import hash_token, new_token
from notices.vocabulary import SENDER_ROLES

_STRONG = PasswordHasher()  # Argon2id with the library's current recommended parameters
_CHEAP = PasswordHasher.from_parameters(argon2_profiles.CHEAPEST)  # tests only: PASSWORD_HASH_CHEAP
_KEY = "awizo.password_hasher"


def install_password_hasher(app, *, cheap: bool) -> None:
    """Called by ``create_app``: the app's hasher (the cheapest parameters only for test apps)."""
    app.extensions[_KEY] = _CHEAP if cheap else _STRONG


def _hasher() -> PasswordHasher:
    return current_app.extensions.get(_KEY, _STRONG) if has_app_context() else _STRONG
MIN_PASSWORD_LENGTH = 10
INVITATION_DAYS = 7


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so both cases take the same time."""
    return _hasher().hash(secrets.token_hex(16))


def password_matches(stored: str | None, password: str) -> bool:
    try:
        return _hasher().verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(value: str, field: str = "email") -> str:
    try:
        return validate_email((value or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed([FieldError(field, f"is not a valid e-mail address: {exc}")]) from None


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed([FieldError(field, f"must be at least {MIN_PASSWORD_LENGTH} characters")])


def create_user(session: Session, email: str, role: str, sender: Sender | None,
                password: str | None = None, name: str | None = None) -> tuple[User, str]:
    """Create an account; returns it with its password (generated when none is given)."""
    if role not in ROLES:
        raise ValidationFailed([FieldError("role", f"must be one of: {', '.join(ROLES)}")])
    if (role == "staff") != (sender is None):
        raise ValidationFailed([FieldError("sender", "staff have no sender; sender roles need one")])
    email = normalise_email(email)
    if session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(f"An account for {email} already exists.", [FieldError("email", "is already registered")])
    password = password or secrets.token_urlsafe(12)
    check_password_strength(password)
    user = User(email=email, name=name, role=role, sender_id=sender.id if sender else None,
                password_hash=hash_password(password))
    session.add(user)
    session.commit()
    return user, password


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    """The active user with this e-mail and password, or None (same answer for any failure)."""
    user = session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
    ok = password_matches(user.password_hash if user else None, password or "")
    if not ok or user is None or user.disabled_at is not None:
        return None
    if user.password_hash and _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    session.commit()
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one; other sessions end with it."""
    if not password_matches(user.password_hash, current or ""):
        raise ValidationFailed([FieldError("current_password", "is not your current password")])
    check_password_strength(new, "new_password")
    user.password_hash = hash_password(new)
    session.commit()


# -- invitations ---------------------------------------------------------------------------

def invite(session: Session, inviter: User, email: str, role: str, now: datetime,
           link_for=None) -> tuple[Invitation, str]:
    """A one-time link for a colleague of ``inviter``'s sender; returns the secret token.

    With ``link_for(token) -> url`` the link is also e-mailed to the colleague (through the
    outbox, in this transaction).
    """
    if role not in SENDER_ROLES:
        raise ValidationFailed([FieldError("role", f"must be one of: {', '.join(SENDER_ROLES)}")])
    email = normalise_email(email)
    if session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(f"An account for {email} already exists.", [FieldError("email", "is already registered")])
    token = secrets.token_urlsafe(32)
    invitation = Invitation(sender_id=inviter.sender_id, email=email, role=role, token_hash=hash_token(token),
                            invited_by_id=inviter.id, created_at=now,
                            expires_at=now + timedelta(days=INVITATION_DAYS))
    session.add(invitation)
    session.flush()
    if link_for is not None:
        _queue_invitation_email(session, invitation, inviter, link_for(token), now)
    session.commit()
    return invitation, token


def _queue_invitation_email(session: Session, invitation: Invitation, inviter: User, link: str, now: datetime) -> None:
    sender_name = inviter.sender.name if inviter.sender else "Awizo"
    body = (
        f"{inviter.email} zaprasza Cię do portalu nadawcy Awizo ({sender_name}).\n"
        f"Utwórz konto (link ważny {INVITATION_DAYS} dni, jednorazowy):\n{link}\n\n"
        f"{inviter.email} invites you to the Awizo sender portal ({sender_name}).\n"
        f"Create your account (link valid {INVITATION_DAYS} days, single use):\n{link}\n"
    )
    enqueue_message(session, channel="email", recipient=invitation.email, purpose="portal_invitation",
                    subject=f"Zaproszenie do Awizo / Invitation to Awizo — {sender_name}", body=body,
                    dedupe_key=f"invitation:{invitation.id}", now=now)


def open_invitation(session: Session, token: str, now: datetime) -> Invitation:
    invitation = session.scalar(sa.select(Invitation).where(Invitation.token_hash == hash_token(token or "")))
    if (invitation is None or invitation.accepted_at or invitation.revoked_at
            or invitation.expires_at <= now):
        raise NotFound("This invitation link is not valid any more.")
    return invitation


def accept_invitation(session: Session, token: str, name: str, password: str, now: datetime) -> User:
    invitation = open_invitation(session, token, now)
    check_password_strength(password)
    if session.scalar(sa.select(User.id).where(User.email == invitation.email)):
        raise Conflict("An account for this e-mail already exists.", [FieldError("email", "is already registered")])
    user = User(email=invitation.email, name=name or None, role=invitation.role,
                sender_id=invitation.sender_id, password_hash=hash_password(password), created_at=now)
    invitation.accepted_at = now
    session.add(user)
    session.commit()
    return user


def revoke_invitation(session: Session, sender_id: int, invitation_id: int, now: datetime) -> None:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.sender_id != sender_id:
        raise NotFound("No such invitation.")
    invitation.revoked_at = invitation.revoked_at or now
    session.commit()


def set_disabled(session: Session, actor: User, user_id: int, disabled: bool, now: datetime) -> None:
    user = session.get(User, user_id)
    if user is None or user.sender_id != actor.sender_id:
        raise NotFound("No such person.")
    if user.id == actor.id:
        raise Conflict("You cannot disable your own account.")
    user.disabled_at = now if disabled else None
    session.commit()


# -- API keys -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    secret: str  # shown once


def create_api_key(session: Session, sender_id: int, name: str, now: datetime) -> CreatedKey:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed([FieldError("name", "is required (at most 100 characters)")])
    token = new_token("sk")
    key = ApiKey(sender_id=sender_id, name=name, prefix=token.prefix, key_hash=token.digest, created_at=now)
    session.add(key)
    session.commit()
    return CreatedKey(key, token.token)


def revoke_api_key(session: Session, sender_id: int, key_id: int, now: datetime) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None or key.sender_id != sender_id:
        raise NotFound(f"No API key {key_id} for this sender.")
    key.revoked_at = key.revoked_at or now
    session.commit()
    return key
