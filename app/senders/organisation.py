"""The sender organisation's own details: its name and the contact e-mail Awizo writes to.

The contact address receives what a court's registry must hear about without anyone asking:
deemed service of an official letter, an item returned, a complaint about one of its items.
"""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import g, render_template
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import EmailField
from wtforms.validators import Length, Optional

from app.accounts.web import login_required, signed_in_sender_id
from app.errors import FieldError, ValidationFailed
from app.extensions import db
from app.models import Sender
from app.senders import api_models
from app.senders.portal import bp as portal_bp
from app.web.api_auth import sender_required
from app.web.apidoc import Answer, operation, validate
from app.web.problems import api_blueprint, json_body

api = api_blueprint("sender_api", __name__)


def organisation_data(sender: Sender) -> dict:
    return {"name": sender.name, "contact_email": sender.contact_email}


def normalise_contact_email(address: object) -> str | None:
    """The address as stored (normalised), or None for none; a bad address names the field."""
    if address is not None and not isinstance(address, str):
        raise ValidationFailed([FieldError("contact_email", "must be an e-mail address or null")])
    address = (address or "").strip()
    if not address:
        return None
    if len(address) > 320:
        raise ValidationFailed([FieldError("contact_email", "is longer than 320 characters")])
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationFailed([FieldError("contact_email", str(exc))]) from None


def set_contact_email(session: Session, sender: Sender, address: object) -> Sender:
    """Keep ``address`` as the sender's contact (or none) and commit."""
    sender.contact_email = normalise_contact_email(address)
    session.commit()
    return sender


@operation("getSender", tag="Organisation", auth="sender", summary="The key's organisation: its name and contact e-mail",
           answers={200: Answer("OK", api_models.Sender)}, problems=(401, 403, 429))
@api.get("/sender")
@sender_required
def get_sender():
    return organisation_data(g.sender)


@operation("updateSender", tag="Organisation", auth="sender",
           summary="Set or clear the contact e-mail (deemed service, returns and complaints are told there)",
           body=api_models.SenderUpdate, answers={200: Answer("OK", api_models.Sender)},
           problems=(400, 422, 401, 403, 429))
@api.patch("/sender")
@sender_required
def update_sender():
    change: api_models.SenderUpdate = validate(api_models.SenderUpdate, json_body())
    return organisation_data(set_contact_email(db.session, g.sender, change.contact_email))


class OrganisationForm(FlaskForm):
    contact_email = EmailField(validators=[Optional(), Length(max=320)])


@portal_bp.route("/organisation", methods=["GET", "POST"])
@login_required("sender_admin")
def organisation():
    sender = db.session.get_one(Sender, signed_in_sender_id())
    form = OrganisationForm(data={"contact_email": sender.contact_email})
    error, saved = None, False
    if form.validate_on_submit():
        try:
            set_contact_email(db.session, sender, form.contact_email.data)
            saved = True
        except ValidationFailed as exc:
            db.session.rollback()
            error = exc.errors[0].message
    elif form.errors:
        error = "; ".join(m for messages in form.errors.values() for m in messages)
    return render_template("portal/organisation.html", sender=sender, form=form, error=error, saved=saved), \
        422 if error else 200
