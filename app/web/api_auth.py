"""Bearer-token authentication: sender API keys and carrier device tokens."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import current_app, g, make_response, request
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ApiKey, Carrier, Device
from app.models.types import utcnow
from app.security import hash_token
from app.web.problems import ApiError


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Unauthorized", "Send 'Authorization: Bearer <token>'.", "unauthorized",
                       field="Authorization")
    return token.strip()


# Built once: every API request runs one of them.
_DEVICE = (sa.select(Device).options(joinedload(Device.carrier).joinedload(Carrier.default_pickup_point))
           .where(Device.token_hash == sa.bindparam("digest"), Device.revoked_at.is_(None)))
_API_KEY = (sa.select(ApiKey).options(joinedload(ApiKey.sender))
            .where(ApiKey.key_hash == sa.bindparam("digest"), ApiKey.revoked_at.is_(None)))


def _principal():
    """The API key or device behind the bearer token (one query: the prefix tells which)."""
    token = _bearer()
    digest = hash_token(token)
    principal: Device | ApiKey | None
    statement = _DEVICE if token.startswith("awz_dt_") else _API_KEY
    principal = db.session.scalar(statement, {"digest": digest})
    if principal is None:
        raise ApiError(401, "Unauthorized", "The token is unknown or revoked.", "unauthorized", field="Authorization")
    return principal


def sender_required(view):
    """Only a sender's API key may call this; ``g.sender`` is its organisation."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        principal = _principal()
        if not isinstance(principal, ApiKey):
            raise ApiError(403, "Forbidden", "This endpoint needs a sender API key, not a device token.",
                           "forbidden", field="Authorization")
        g.api_key, g.sender = principal, principal.sender
        mark_key_used(principal)
        return view(*args, **kwargs)
    return wrapper


def mark_key_used(key: ApiKey, every_s: int = 60) -> None:
    """Keep ``last_used_at`` to the minute: at most one small UPDATE per key per minute."""
    now = utcnow()
    if key.last_used_at is not None and (now - key.last_used_at).total_seconds() < every_s:
        return
    db.session.execute(sa.update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))
    db.session.commit()


def device_required(view):
    """Only a carrier's device token may call this; ``g.device`` is the device."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        principal = _principal()
        if not isinstance(principal, Device):
            raise ApiError(403, "Forbidden", "This endpoint needs a carrier device token, not a sender key.",
                           "forbidden", field="Authorization")
        g.device = principal
        return view(*args, **kwargs)
    return wrapper


TOKEN_ONLY_WARNING = ('299 awizo "This device is not enrolled: token-only devices are a development convenience; '
                      'production sets REQUIRE_SIGNED_DEVICES and accepts legal events only from signing handhelds."')


def legal_event_device_required(view):
    """A device recording a legal event (a scan, a collection): with ``REQUIRE_SIGNED_DEVICES``
    only an enrolled (signing) handheld may; otherwise a token-only device is answered with a
    ``Warning`` header saying it is a development convenience."""
    @device_required
    @wraps(view)
    def wrapper(*args, **kwargs):
        token_only = not g.device.public_key
        if token_only and current_app.config.get("REQUIRE_SIGNED_DEVICES"):
            raise ApiError(403, "Forbidden", "Only enrolled handhelds that sign their scans may record legal events "
                           "here; enrol this device first.", "signed-device-required", field="Authorization")
        response = make_response(view(*args, **kwargs))
        if token_only:
            response.headers["Warning"] = TOKEN_ONLY_WARNING
        return response
    return wrapper
