"""Proofs: check an uploaded proof; senders download earlier versions and bulk zips."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from flask import Response, current_app, g, request, stream_with_context

from app.delivery import items as item_service
from app.delivery.records import RecordSettings
from app.errors import FieldError, NotFound, ValidationFailed
from app.evidence import bulk_proofs, proofs
from app.evidence.witnesses import configured
from app.extensions import db
from app.models.types import utcnow
from app.web.api_auth import sender_required
from app.web.problems import api_blueprint
from notices import s10

bp = api_blueprint("proofs_api", __name__)

MAX_UPLOAD = 20 * 1024 * 1024


def uploaded_pdf() -> bytes:
    """The PDF from a multipart ``file`` field or a raw ``application/pdf`` body."""
    upload = request.files.get("file")
    data = upload.read(MAX_UPLOAD + 1) if upload else request.get_data(cache=False)
    if not data:
        raise ValidationFailed([FieldError("file", "send the proof PDF as the body or as a 'file' field")])
    if len(data) > MAX_UPLOAD:
        raise ValidationFailed([FieldError("file", "is larger than 20 MB")])
    return data


@bp.post("/proofs/verify")
def verify_proof():
    cfg = current_app.config
    verdict = proofs.verify_document(db.session, uploaded_pdf(), cfg["PUBLIC_BASE_URL"], witnesses=configured(cfg),
                                     tree_head_max_age_s=cfg.get("TREE_HEAD_MAX_AGE_SECONDS", 300))
    return verdict.as_dict()


@bp.get("/items/<tracking_number>/proofs")
@sender_required
def list_proof_versions(tracking_number: str):
    item = item_service.item_for_sender(db.session, g.sender.id, s10.normalise(tracking_number))
    return {"tracking_number": item.tracking_number, "versions": [
        {"version": v.version, "variant": v.variant, "sha256": v.sha256, "tree_size": v.tree_size,
         "created_at": v.created_at.isoformat(), "entries": v.entry_count}
        for v in proofs.versions(db.session, item)]}


@bp.get("/items/<tracking_number>/proofs/<int:version>.pdf")
@sender_required
def get_proof_version(tracking_number: str, version: int):
    item = item_service.item_for_sender(db.session, g.sender.id, s10.normalise(tracking_number))
    found = proofs.version(db.session, item, "sender", version)
    if found is None:
        raise NotFound(f"No proof version {version} for {item.tracking_number}.")
    return Response(found.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="proof-{item.tracking_number}-v{version}.pdf"'})


def _day(name: str) -> date | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed([FieldError(name, "must be a date like 2026-03-31")]) from None


@bp.get("/proofs.zip")
@sender_required
def bulk_proof_zip():
    """Proofs for ``items=RR…,RR…`` or ``from=YYYY-MM-DD&to=YYYY-MM-DD`` (registration date, UTC)."""
    numbers = [s10.normalise(n) for n in request.args.get("items", "").split(",") if n.strip()]
    start, end = _day("from"), _day("to")
    if not numbers and not (start and end):
        raise ValidationFailed([FieldError("items", "give items=… or both from= and to=")])
    if start and end and end < start:
        raise ValidationFailed([FieldError("to", "must not be before from")])
    window = None
    if not numbers and start and end:
        window = (datetime.combine(start, time(), timezone.utc),
                  datetime.combine(end + timedelta(days=1), time(), timezone.utc))
    items = bulk_proofs.select_items(db.session, g.sender.id, numbers=numbers, window=window)
    stream = bulk_proofs.stream_zip(db.session, items, settings=RecordSettings.from_config(current_app.config),
                                    now=utcnow(),
                                    tree_head_max_age_s=current_app.config.get("TREE_HEAD_MAX_AGE_SECONDS", 300))
    return Response(stream_with_context(stream), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="proofs-{utcnow():%Y%m%d-%H%M%S}.zip"'})
