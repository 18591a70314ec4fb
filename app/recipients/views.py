"""Recipients' own pages: opt in, confirm, manage by signed link, export and delete."""
from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.messaging import suppressions
from app.models.subscriptions import Contact
from app.models.types import utcnow
from app.recipients import catch_up, subscriptions
from app.recipients import personal_data as recipient_data
from app.recipients.blueprint import bp
from app.recipients.forms import (
    ClaimCodeForm,
    ContactCodeForm,
    DelegateForm,
    DeleteForm,
    PhoneCodeForm,
    PreferencesForm,
    SignupForm,
)
from app.recipients.subscriptions import Locked, SignUp
from app.recipients.texts import errors_for, sentence
from app.web.forms import check
from app.web.i18n import current_language
from app.web.ratelimit import limiter
from notices.i18n import N_


def CODE_LIMIT() -> str:
    """Code guesses per client address, on top of the per-contact lock."""
    return current_app.config.get("RECIPIENT_CODE_RATE_LIMIT") or "30 per hour"


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def _subscriber(token: str):
    try:
        return subscriptions.subscriber_from_token(db.session, _secret(), token)
    except NotFound:
        abort(404)


def _stopped(subscriber) -> set[int]:
    """Contacts the person stopped from outside this page (STOP reply, unsubscribe link, bounce)."""
    return {c.id for c in subscriber.contacts if suppressions.is_suppressed(db.session, c.channel, c.address)}


def _manage(token: str, **kwargs):
    return redirect(url_for("recipients.manage", token=token, lang=current_language(), **kwargs))


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
def signup():
    lang = current_language()
    if request.method == "GET":
        return render_template("recipients/signup.html", form=SignUp(language=lang, claim_code=request.args.get("code", "")),
                               errors={}, proof=request.args.get("proof", "code"))
    form = SignupForm()
    errors = check(form)
    signup = form.signup()
    if not errors:
        try:
            subscriber = subscriptions.subscribe(db.session, signup, secret=_secret(), base_url=_base_url(),
                                                 now=utcnow(), timezone=current_app.config["OPERATOR_TIMEZONE"])
        except ValidationFailed as exc:
            errors = errors_for(exc, lang)
    if errors:
        return render_template("recipients/signup.html", form=signup, errors=errors,
                               proof="letter" if signup.want_letter else "code"), 422
    return _manage(subscriptions.manage_token(_secret(), subscriber), welcome=1)


@bp.get("/m/<token>")
def manage(token: str):
    subscriber = _subscriber(token)
    return render_template("recipients/manage.html", s=subscriber, token=token, errors={}, now=utcnow(),
                           welcome=bool(request.args.get("welcome")), submitted={},
                           stopped=_stopped(subscriber), waiting=catch_up.waiting_items(db.session, subscriber, _base_url()))


def _manage_error(token, subscriber, exc: ValidationFailed | None = None, key: str | None = None, form: str = "",
                  errors: dict[str, str] | None = None, submitted: dict[str, str] | None = None):
    lang = current_language()
    if errors is None:
        errors = errors_for(exc, lang) if exc else {"locked": sentence(key or "locked", lang)}
    return render_template("recipients/manage.html", s=subscriber, token=token, errors=errors, now=utcnow(),
                           failed_form=form, welcome=False, submitted=submitted or {},
                           stopped=_stopped(subscriber),
                           waiting=catch_up.waiting_items(db.session, subscriber, _base_url())), 422


@bp.post("/m/<token>/address")
@limiter.limit(CODE_LIMIT)
def verify_address(token: str):
    subscriber = _subscriber(token)
    form = ClaimCodeForm()
    if errors := check(form):
        return _manage_error(token, subscriber, form="address", errors=errors)
    try:
        subscriptions.verify_address(db.session, subscriber, form.claim_code.data or "", secret=_secret(),
                                     base_url=_base_url(), now=utcnow())
    except ValidationFailed as exc:
        return _manage_error(token, subscriber, exc, form="address")
    except Locked:
        return _manage_error(token, subscriber, key="locked", form="address")
    flash(sentence_ok("address"), "ok")
    return _manage(token)


def _own_contact(subscriber, contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.subscriber_id != subscriber.id:
        abort(404)
    return contact


@bp.post("/m/<token>/contacts/<int:contact_id>/code")
@limiter.limit(CODE_LIMIT)
def confirm_code(token: str, contact_id: int):
    subscriber = _subscriber(token)
    contact = _own_contact(subscriber, contact_id)
    form = ContactCodeForm()
    if errors := check(form):
        return _manage_error(token, subscriber, form=f"contact-{contact_id}", errors=errors)
    try:
        subscriptions.confirm_sms_code(db.session, contact, form.code.data or "", secret=_secret(),
                                       base_url=_base_url(), now=utcnow())
    except ValidationFailed as exc:
        return _manage_error(token, subscriber, exc, form=f"contact-{contact_id}")
    except Locked:
        return _manage_error(token, subscriber, key="locked", form=f"contact-{contact_id}")
    flash(sentence_ok("contact"), "ok")
    return _manage(token)


@bp.post("/m/<token>/contacts/<int:contact_id>/resend")
@limiter.limit(CODE_LIMIT)
def resend(token: str, contact_id: int):
    subscriber = _subscriber(token)
    contact = _own_contact(subscriber, contact_id)
    try:
        subscriptions.resend_confirmation(db.session, contact, secret=_secret(), base_url=_base_url(), now=utcnow())
    except ValidationFailed as exc:
        return _manage_error(token, subscriber, exc, form=f"contact-{contact_id}")
    except Locked:
        return _manage_error(token, subscriber, key="locked", form=f"contact-{contact_id}")
    flash(sentence_ok("sent"), "ok")
    return _manage(token)


@bp.post("/m/<token>/preferences")
def preferences(token: str):
    subscriber = _subscriber(token)
    form = PreferencesForm()
    if errors := check(form):
        return _manage_error(token, subscriber, form="preferences", errors=errors)
    try:
        recipient_data.update_preferences(
            db.session, subscriber, language=form.language.data or subscriber.language,
            quiet_start=form.quiet_start.data or "", quiet_end=form.quiet_end.data or "",
            enabled_channels=set(form.channels.data or ()), now=utcnow())
    except ValidationFailed as exc:
        return _manage_error(token, subscriber, exc, form="preferences")
    flash(sentence_ok("saved"), "ok")
    return _manage(token)


@bp.post("/m/<token>/delegates")
def add_delegate(token: str):
    subscriber = _subscriber(token)
    form = DelegateForm()
    if errors := check(form):
        return _manage_error(token, subscriber, form="delegate", errors=errors, submitted=form.values())
    try:
        subscriptions.add_delegate(
            db.session, subscriber, name=form.delegate_name.data or "", role=form.delegate_role.data or "family",
            phone=form.delegate_phone.data or "", email=form.delegate_email.data or "",
            language=form.delegate_language.data or "pl", secret=_secret(), base_url=_base_url(), now=utcnow())
    except ValidationFailed as exc:
        return _manage_error(token, subscriber, exc, form="delegate", submitted=form.values())
    flash(sentence_ok("delegate"), "ok")
    return _manage(token)


@bp.post("/m/<token>/delegates/<int:delegate_id>/remove")
def remove_delegate(token: str, delegate_id: int):
    subscriber = _subscriber(token)
    try:
        recipient_data.remove_delegate(db.session, subscriber, delegate_id, now=utcnow())
    except ValidationFailed:
        abort(404)
    flash(sentence_ok("removed"), "ok")
    return _manage(token)


@bp.get("/m/<token>/export.json")
def export(token: str):
    subscriber = _subscriber(token)
    response = jsonify(recipient_data.export_data(db.session, subscriber, now=utcnow()))
    response.headers["Content-Disposition"] = 'attachment; filename="awizo-my-data.json"'
    return response


@bp.route("/m/<token>/delete", methods=["GET", "POST"])
def delete(token: str):
    subscriber = _subscriber(token)
    form = DeleteForm()
    if request.method == "POST":
        check(form)
    if request.method == "GET" or not form.confirmed():
        status = 422 if request.method == "POST" else 200
        return render_template("recipients/delete.html", s=subscriber, token=token,
                               missing=request.method == "POST"), status
    recipient_data.delete_subscription(db.session, subscriber, now=utcnow())
    return render_template("recipients/deleted.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """GET shows a button; only the POST confirms, so mail scanners that open links confirm nothing."""
    now = utcnow()
    try:
        if request.method == "GET":
            contact = subscriptions.email_link_contact(db.session, token, now)
            return render_template("recipients/confirm_email.html", contact=contact, token=token)
        contact = subscriptions.confirm_email_link(db.session, token, base_url=_base_url(), now=now)
    except NotFound:
        return render_template("recipients/link_invalid.html"), 404
    return render_template("recipients/confirmed.html", contact=contact,
                           manage=subscriptions.manage_token(_secret(), contact.subscriber))


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
def code():
    """Where a delegate (or anyone who closed the page) enters the code from the SMS."""
    lang = current_language()
    if request.method == "GET":
        return render_template("recipients/code.html", errors={}, phone="")
    form = PhoneCodeForm()
    phone = form.phone.data or ""
    if errors := check(form):
        return render_template("recipients/code.html", errors=errors, phone=phone), 422
    try:
        contact = subscriptions.confirm_by_phone(db.session, phone, form.code.data or "",
                                                 secret=_secret(), base_url=_base_url(), now=utcnow())
    except ValidationFailed as exc:
        return render_template("recipients/code.html", errors=errors_for(exc, lang), phone=phone), 422
    except Locked:
        return render_template("recipients/code.html", errors={"locked": sentence("locked", lang)}, phone=phone), 429
    return render_template("recipients/confirmed.html", contact=contact,
                           manage=subscriptions.manage_token(_secret(), contact.subscriber))


OK_SENTENCES = {
    "address": N_("Adres potwierdzony. Subskrypcja jest aktywna."),
    "contact": N_("Kontakt potwierdzony."),
    "sent": N_("Wysłaliśmy nowy kod."),
    "saved": N_("Zapisano ustawienia."),
    "delegate": N_("Dodano osobę upoważnioną. Musi ona potwierdzić swój kontakt."),
    "removed": N_("Usunięto osobę upoważnioną."),
}


def sentence_ok(what: str) -> str:
    return gettext(OK_SENTENCES[what])
