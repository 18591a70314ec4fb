"""Items, for senders: register, read the record, download the proof."""
from __future__ import annotations

from flask import current_app, g, make_response, url_for

from app.delivery import items as item_service
from app.delivery.records import RecordSettings, item_record
from app.delivery.schemas import parse_new_item
from app.evidence import proofs
from app.extensions import db
from app.models.types import utcnow
from app.web.api_auth import sender_required
from app.web.problems import api_blueprint, json_body
from notices import s10

bp = api_blueprint("items_api", __name__)


@bp.post("/items")
@sender_required
def register_item():
    new = parse_new_item(json_body())
    item = item_service.register_item(db.session, g.sender, new, now=utcnow())
    response = make_response(item_record(db.session, item, RecordSettings.from_config(current_app.config), now=utcnow()), 201)
    response.headers["Location"] = url_for("items_api.get_item", tracking_number=item.tracking_number)
    return response


@bp.get("/items/<tracking_number>")
@sender_required
def get_item(tracking_number: str):
    item = item_service.item_for_sender(db.session, g.sender.id, s10.normalise(tracking_number))
    return item_record(db.session, item, RecordSettings.from_config(current_app.config), now=utcnow())


@bp.get("/items/<tracking_number>/proof.pdf")
@sender_required
def get_proof(tracking_number: str):
    item = item_service.item_for_sender(db.session, g.sender.id, s10.normalise(tracking_number))
    proof = proofs.issue_proof(db.session, item, variant="sender",
                               settings=RecordSettings.from_config(current_app.config), now=utcnow())
    response = make_response(proof.pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="proof-{item.tracking_number}.pdf"'
    response.headers["ETag"] = f'"{proof.sha256}"'
    response.headers["X-Proof-Version"] = str(proof.version)
    return response
