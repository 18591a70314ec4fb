"""The recipient's actions on an item: from the record page and from his alerts page.

``/v/<token>/actions`` — the record link plus the claim code printed on the paper notice prove
it is his item; ``/alerts/m/<token>/items/<tracking number>/actions`` — his signed management
link, for an item waiting at the address he confirmed. Both take a form (CSRF-checked) or JSON
(``{"action", ...}``, no CSRF: the links and the code are the capability) and answer with a
confirmation page, or 201 JSON; a refusal is a sentence saying why (422 problem+json for JSON).
"""
from __future__ import annotations

import hashlib
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext

from app.delivery import items as item_service
from app.delivery.records import RecordSettings, item_record
from app.errors import FieldError, Forbidden, NotFound, ServiceError, ValidationFailed
from app.evidence.forms import RecipientActionForm
from app.extensions import db
from app.lifecycle import recipient_actions as actions
from app.models import Item
from app.models.types import utcnow
from app.recipients import catch_up, subscriptions
from app.recipients.address_proof import claim_code_proves_item
from app.web.forms import check
from app.web.i18n import current_language
from app.web.problems import problem, too_many_requests
from app.web.ratelimit import limiter
from notices import recipient_actions as rules
from notices.i18n import N_
from notices.vocabulary import IdDocument

bp = Blueprint("recipient_actions", __name__, template_folder="templates")

ID_NAMES = {"id_card": N_("dowód osobisty"), "passport": N_("paszport"),
            "residence_card": N_("karta pobytu"), "driving_licence": N_("prawo jazdy")}


def client_limit() -> str:
    return current_app.config.get("RECIPIENT_CODE_RATE_LIMIT") or "30 per hour"


def record_limit() -> str:
    return current_app.config.get("CASE_RATE_LIMIT_PER_RECORD") or "5 per hour"


def _per_record() -> str:
    args = request.view_args or {}
    key = f"{args.get('token', '')}/{args.get('tracking_number', '')}"
    return "action-record:" + hashlib.sha256(key.encode()).hexdigest()[:32]


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    if request.is_json:
        return problem(exc.status, exc.title, exc.detail, exc.slug, exc.errors)
    return render_template("public/action_problem.html", error=exc), exc.status


@bp.errorhandler(429)
def _too_many(exc):
    if not request.is_json:
        return exc
    return too_many_requests(exc, "Too many requests from this link or address; try again later.")


def _item_by_record(token: str):
    try:
        return item_service.item_by_verify_token(db.session, token)
    except NotFound:
        abort(404)


def _managed(token: str, tracking_number: str):
    """The subscriber behind a management link and his item waiting at his confirmed address."""
    try:
        subscriber = subscriptions.subscriber_from_token(db.session, current_app.config["SECRET_KEY"], token)
    except NotFound:
        abort(404)
    waiting = {w.tracking_number for w in catch_up.waiting_items(db.session, subscriber,
                                                                  current_app.config["PUBLIC_BASE_URL"])}
    if subscriber.status != "active" or tracking_number.upper() not in waiting:
        abort(404)
    item = db.session.scalar(sa.select(Item).where(Item.tracking_number == tracking_number.upper()))
    contacts = [(c.channel, c.address) for c in subscriber.contacts if c.confirmed_at is not None and c.enabled]
    return item, contacts


def _page(item, *, token: str, manage_token: str | None, errors: dict, form: dict, done=None, status: int = 200):
    ctx = actions.context(db.session, item)
    lang = current_language()
    record = item_record(db.session, item, RecordSettings.from_config(current_app.config), public=True, lang=lang)
    rule = rules.rules_for(item.service)
    return render_template(
        "public/actions.html", record=record, ctx=ctx, rule=rule, token=token, manage_token=manage_token,
        errors=errors, form=form, done=done, history=actions.history(ctx, lang),
        targets=actions.move_targets(db.session, ctx),
        documents=[(d, gettext(ID_NAMES[d])) for d in rule.id_documents],
    ), status


def _input() -> dict:
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ValidationFailed([FieldError("body", "must be a JSON object")])
        return {k: v if isinstance(v, str) else "" for k, v in data.items()}
    form = RecipientActionForm()
    check(form)
    return form.values()


def _perform(item, data: dict, via: str, contacts: list[tuple[str, str]]):
    now, tz, lang = utcnow(), current_app.config["OPERATOR_TIMEZONE"], current_language()
    kind = data.get("action", "")
    base_url = current_app.config["PUBLIC_BASE_URL"]
    if kind == rules.REDELIVERY:
        try:
            day = date.fromisoformat(data.get("day", ""))
        except ValueError:
            day = None
        action = actions.ask_redelivery(db.session, item, day, tz=tz, via=via, now=now, language=lang,
                                        base_url=base_url, contacts=contacts)
    elif kind == rules.MOVE:
        action = actions.move(db.session, item, data.get("pickup_point", ""), tz=tz, via=via, now=now, language=lang,
                              base_url=base_url, contacts=contacts)
    elif kind == rules.AUTHORISE:
        id_type = data.get("id_type", "")
        if id_type not in {d.value for d in IdDocument}:
            raise ValidationFailed([FieldError("id_type", "must be one of " + ", ".join(d.value for d in IdDocument))])
        action = actions.authorise(db.session, item, data.get("name", ""), id_type, data.get("id_last_digits", ""),
                                   via=via, now=now, language=lang, base_url=base_url, contacts=contacts)
    else:
        raise ValidationFailed([FieldError("action", "must be one of " + ", ".join(rules.ACTIONS))])
    db.session.commit()
    return action, rules.confirmation(action.kind, lang, item.tracking_number, action.data)


def _answer(item, data: dict, via: str, contacts, *, token: str, manage_token: str | None):
    try:
        action, text = _perform(item, data, via, contacts)
    except ValidationFailed as exc:
        db.session.rollback()
        if request.is_json:
            raise
        return _page(item, token=token, manage_token=manage_token, form=data, status=422,
                     errors={"form": data.get("action", ""), **{e.field: e.message for e in exc.errors}})
    if request.is_json:
        return {"action": action.kind, "id": action.id, "confirmation": text,
                "history": [{**h, "at": h["at"].isoformat()} for h in actions.history(
                    actions.context(db.session, item), current_language())]}, 201
    return _page(item, token=token, manage_token=manage_token, form={}, errors={}, done=text)


@bp.get("/v/<token>/actions")
def record_actions(token: str):
    return _page(_item_by_record(token), token=token, manage_token=None, errors={}, form={})


@bp.post("/v/<token>/actions")
@limiter.limit(record_limit, key_func=_per_record)
@limiter.limit(client_limit)
def record_action(token: str):
    item = _item_by_record(token)
    data = _input()
    if not claim_code_proves_item(db.session, item, data.get("claim_code", ""), now=utcnow(),
                                  secret=current_app.config["SECRET_KEY"]):
        error = Forbidden("The claim code does not match this item's notice.",
                          [FieldError("claim_code", "does not match the code printed on this item's notice")])
        if request.is_json:
            raise error
        return _page(item, token=token, manage_token=None, form=data, status=403, errors={
            "form": data.get("action", ""),
            "claim_code": gettext("Kod z awizo nie pasuje do tej przesyłki.")})
    return _answer(item, data, "claim_code", [], token=token, manage_token=None)


@bp.get("/alerts/m/<token>/items/<tracking_number>/actions")
def managed_actions(token: str, tracking_number: str):
    item, _ = _managed(token, tracking_number)
    return _page(item, token=item.verify_token, manage_token=token, errors={}, form={})


@bp.post("/alerts/m/<token>/items/<tracking_number>/actions")
@limiter.limit(record_limit, key_func=_per_record)
@limiter.limit(client_limit)
def managed_action(token: str, tracking_number: str):
    item, contacts = _managed(token, tracking_number)
    return _answer(item, _input(), "manage", contacts, token=item.verify_token, manage_token=token)
