"""Admin pages of a sender: webhooks and their delivery log, API keys, people and invitations.

Secrets (an API key, a webhook secret, an invitation link) are shown once, on the page right
after they are made: kept in the session for one page view, never stored in clear otherwise.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.accounts import service as accounts
from app.accounts.web import login_required, sign_in, signed_in, signed_in_sender_id
from app.errors import ServiceError
from app.extensions import db
from app.models import ApiKey, Invitation, User
from app.models.types import utcnow
from app.senders import webhooks as hooks
from app.senders.forms import ApiKeyForm, DeliveryLogPage, InvitationForm, InviteForm, WebhookForm
from app.senders.portal import bp
from app.web.forms import check, refused

ADMIN = ("sender_admin",)


def _show_once(kind: str, value: str) -> None:
    session["show_once"] = {"kind": kind, "value": value}


def _take_shown_once() -> dict | None:
    return session.pop("show_once", None)


def _error_text(exc: ServiceError) -> str:
    return "; ".join(f"{e.field}: {e.message}" for e in exc.errors) or exc.detail


def _webhooks_page(errors: dict[str, str], status: int = 200, url: str = ""):
    endpoints = hooks.list_endpoints(db.session, signed_in_sender_id())
    return render_template("portal/webhooks.html", endpoints=endpoints, event_types=hooks.EVENT_TYPES,
                           shown=_take_shown_once() if status == 200 else None, errors=errors, url=url), status


# -- webhooks -------------------------------------------------------------------------------

@bp.get("/webhooks")
@login_required(*ADMIN)
def webhooks():
    return _webhooks_page({})


@bp.post("/webhooks")
@login_required(*ADMIN)
def create_webhook():
    form = WebhookForm()
    errors = check(form)
    if errors:
        return _webhooks_page(errors, 422, form.url.data or "")
    try:
        endpoint = hooks.create_endpoint(db.session, signed_in_sender_id(), (form.url.data or "").strip(),
                                         form.event_types.data or ["*"], form.description.data or None, utcnow())
    except ServiceError as exc:
        return _webhooks_page(refused(exc), 422, form.url.data or "")
    _show_once("webhook_secret", endpoint.secret)
    return redirect(url_for("portal.webhook", endpoint_id=endpoint.id))


def _own_endpoint(endpoint_id: int):
    try:
        return hooks.endpoint_for_sender(db.session, signed_in_sender_id(), endpoint_id)
    except ServiceError:
        return None


@bp.get("/webhooks/<int(max=2147483647):endpoint_id>")
@login_required(*ADMIN)
def webhook(endpoint_id: int):
    endpoint = _own_endpoint(endpoint_id)
    if endpoint is None:
        return render_template("portal/not_found.html"), 404
    query = DeliveryLogPage()
    page = query.page.data if not check(query) and query.page.data else 1  # a bad page number shows the first
    rows, total = hooks.deliveries(db.session, signed_in_sender_id(), endpoint.id, limit=50, offset=(page - 1) * 50)
    return render_template("portal/webhook.html", endpoint=endpoint, deliveries=[hooks.delivery_data(d) for d in rows],
                           total=total, page=page, pages=max(1, -(-total // 50)), shown=_take_shown_once(),
                           event_types=hooks.EVENT_TYPES)


@bp.post("/webhooks/<int(max=2147483647):endpoint_id>/test")
@login_required(*ADMIN)
def webhook_test(endpoint_id: int):
    endpoint = _own_endpoint(endpoint_id)
    if endpoint is None:
        return render_template("portal/not_found.html"), 404
    event_id = hooks.send_test_event(db.session, endpoint, utcnow())
    flash(_("Zdarzenie testowe {event_id} czeka w kolejce do wysłania.").format(event_id=event_id), "ok")
    return redirect(url_for("portal.webhook", endpoint_id=endpoint_id))


@bp.post("/webhooks/<int(max=2147483647):endpoint_id>/rotate")
@login_required(*ADMIN)
def webhook_rotate(endpoint_id: int):
    endpoint = _own_endpoint(endpoint_id)
    if endpoint is None:
        return render_template("portal/not_found.html"), 404
    hooks.update_endpoint(db.session, endpoint, rotate_secret=True)
    _show_once("webhook_secret", endpoint.secret)
    return redirect(url_for("portal.webhook", endpoint_id=endpoint_id))


@bp.post("/webhooks/<int(max=2147483647):endpoint_id>/delete")
@login_required(*ADMIN)
def webhook_delete(endpoint_id: int):
    endpoint = _own_endpoint(endpoint_id)
    if endpoint is None:
        return render_template("portal/not_found.html"), 404
    hooks.delete_endpoint(db.session, endpoint, utcnow())
    flash(_("Usunięto punkt odbioru powiadomień.", ), "ok")
    return redirect(url_for("portal.webhooks"))


# -- API keys -------------------------------------------------------------------------------

@bp.get("/api-keys")
@login_required(*ADMIN)
def api_keys():
    keys = db.session.scalars(db.select(ApiKey).where(ApiKey.sender_id == signed_in_sender_id())
                              .order_by(ApiKey.revoked_at.is_not(None), ApiKey.id.desc())).all()
    return render_template("portal/api_keys.html", keys=keys, shown=_take_shown_once(), errors={})


@bp.post("/api-keys")
@login_required(*ADMIN)
def create_api_key():
    form = ApiKeyForm()
    errors = check(form)
    if not errors:
        try:
            created = accounts.create_api_key(db.session, signed_in_sender_id(), form.name.data or "", utcnow())
        except ServiceError as exc:
            errors = refused(exc)
    if errors:
        keys = db.session.scalars(db.select(ApiKey).where(ApiKey.sender_id == signed_in_sender_id())
                                  .order_by(ApiKey.revoked_at.is_not(None), ApiKey.id.desc())).all()
        return render_template("portal/api_keys.html", keys=keys, shown=None, errors=errors), 422
    _show_once("api_key", created.secret)
    return redirect(url_for("portal.api_keys"))


@bp.post("/api-keys/<int(max=2147483647):key_id>/revoke")
@login_required(*ADMIN)
def revoke_api_key(key_id: int):
    try:
        key = accounts.revoke_api_key(db.session, signed_in_sender_id(), key_id, utcnow())
    except ServiceError:
        return render_template("portal/not_found.html"), 404
    flash(_("Klucz „{name}” unieważniony.").format(name=key.name), "ok")
    return redirect(url_for("portal.api_keys"))


# -- people and invitations ----------------------------------------------------------------

@bp.get("/people")
@login_required(*ADMIN)
def people():
    return _people_page({})


def _people_page(errors: dict[str, str], status: int = 200):
    sender_id = signed_in_sender_id()
    users = db.session.scalars(db.select(User).where(User.sender_id == sender_id).order_by(User.email)).all()
    invitations = db.session.scalars(db.select(Invitation).where(
        Invitation.sender_id == sender_id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at > utcnow()).order_by(Invitation.id.desc())).all()
    return render_template("portal/people.html", users=users, invitations=invitations,
                           shown=_take_shown_once() if status == 200 else None, errors=errors), status


@bp.post("/people/invite")
@login_required(*ADMIN)
def invite():
    form = InviteForm()
    errors = check(form)
    if not errors:
        try:
            _, token = accounts.invite(db.session, signed_in(), form.email.data or "", form.role.data or "", utcnow(),
                                       link_for=_invitation_link)
        except ServiceError as exc:
            errors = refused(exc)
    if errors:
        return _people_page(errors, 422)
    _show_once("invitation", _invitation_link(token))
    return redirect(url_for("portal.people"))


def _invitation_link(token: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"] + url_for("portal.accept_invitation", token=token)


@bp.post("/people/invitations/<int(max=2147483647):invitation_id>/revoke")
@login_required(*ADMIN)
def revoke_invitation(invitation_id: int):
    try:
        accounts.revoke_invitation(db.session, signed_in_sender_id(), invitation_id, utcnow())
    except ServiceError:
        return render_template("portal/not_found.html"), 404
    return redirect(url_for("portal.people"))


@bp.post("/people/<int(max=2147483647):user_id>/<any(disable, enable):action>")
@login_required(*ADMIN)
def set_user_state(user_id: int, action: str):
    try:
        accounts.set_disabled(db.session, signed_in(), user_id, action == "disable", utcnow())
    except ServiceError as exc:
        flash(_error_text(exc), "error")
    return redirect(url_for("portal.people"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = accounts.open_invitation(db.session, token, utcnow())
    except ServiceError:
        return render_template("portal/invitation_invalid.html"), 404
    errors: dict[str, str] = {}
    form = InvitationForm()
    if request.method == "POST":
        errors = check(form)
        if not errors:
            try:
                user = accounts.accept_invitation(db.session, token, (form.name.data or "").strip(),
                                                  form.password.data or "", utcnow())
            except ServiceError as exc:
                errors = refused(exc)
            else:
                sign_in(user)
                flash(_("Witamy! Konto jest gotowe."), "ok")
                return redirect(url_for("portal.index"))
    return render_template("portal/invitation.html", invitation=invitation, errors=errors, name=form.name.data or ""), \
        422 if errors else 200


# -- API reference (public: a developer needs no account to read it) ------------------------

@bp.get("/api-reference")
def api_reference():
    return render_template("portal/api_reference.html")
