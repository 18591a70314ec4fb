"""Complaint forms (Flask-WTF): filing a case, its codes and links, and staff handling it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app.web.forms import Form, QueryForm
from notices.cases import DECISIONS, KINDS, STATUSES

REQUIRED = _("To pole jest wymagane.")
TOO_LONG = _("Tekst jest za długi (najwyżej 4000 znaków).")


class CaseForm(Form):
    """Filed from the record page; the filing rules (app.cases.filing) check the rest."""

    kind = StringField(validators=[DataRequired(_("Wybierz jedną z możliwości."))])
    attempt_id = StringField(validators=[Optional()])
    message = TextAreaField(validators=[DataRequired(_("Napisz choć jedno zdanie.")),
                                        Length(max=4000, message=TOO_LONG)])
    contact_channel = StringField(default="email", validators=[Optional(), AnyOf(("email", "phone"))])
    contact = StringField(validators=[Optional(), Length(max=320)])
    origin = HiddenField(name="from", validators=[Optional(), Length(max=40)])

    def values(self) -> dict[str, str]:
        """What was typed, to show the form again."""
        return {"kind": self.kind.data or "", "attempt_id": self.attempt_id.data or "",
                "message": self.message.data or "", "contact_channel": self.contact_channel.data or "email",
                "contact": self.contact.data or "", "from": self.origin.data or ""}


class CodeForm(Form):
    code = StringField(validators=[DataRequired(_("Wpisz kod z SMS-a.")),
                                   Length(max=20)])


class FindRecordForm(Form):
    link = StringField(validators=[DataRequired(_("Wklej link z powiadomienia.")),
                                   Length(max=2000)])


class NoteForm(Form):
    body = TextAreaField(validators=[DataRequired(REQUIRED), Length(max=4000, message=TOO_LONG)])
    visible = BooleanField(false_values=("", "0", "false"))


class AskForm(Form):
    question = TextAreaField(validators=[DataRequired(REQUIRED), Length(max=4000, message=TOO_LONG)])


class DecideForm(Form):
    decision = StringField(validators=[AnyOf(DECISIONS, message=_("Wybierz decyzję."))])
    reason = TextAreaField(validators=[DataRequired(REQUIRED), Length(max=4000, message=TOO_LONG)])


class AssignForm(Form):
    pass


STAFF_FORMS: dict[str, type[Form]] = {"assign": AssignForm, "note": NoteForm, "ask": AskForm, "decide": DecideForm}


class CaseQueueFilter(QueryForm):
    """``/staff/cases?status=&kind=&mine=1&overdue=1``: the queue's filters, all optional."""

    status = StringField(validators=[Optional(), AnyOf(["all", *STATUSES], message=_("Wybierz jedną z możliwości."))])
    kind = StringField(validators=[Optional(), AnyOf(list(KINDS), message=_("Wybierz jedną z możliwości."))])
    mine = BooleanField()
    overdue = BooleanField()
