"""The sender portal's HTML forms (Flask-WTF): registering an item, webhooks, API keys, people."""
from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import EmailField, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField, URLField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, Regexp

from app.web.forms import Form, QueryForm
from notices.vocabulary import SENDER_ROLES

REQUIRED = _("To pole jest wymagane.")


class WebhookForm(Form):
    url = URLField(validators=[DataRequired(REQUIRED), Length(max=2000, message=_("Adres może mieć najwyżej 2000 znaków."))])
    description = StringField(validators=[Optional(), Length(max=200, message=_("Opis może mieć najwyżej 200 znaków."))])
    event_types = SelectMultipleField(validate_choice=False)


class ApiKeyForm(Form):
    name = StringField(validators=[DataRequired(REQUIRED), Length(max=100, message=_("Nazwa może mieć najwyżej 100 znaków."))])


class InviteForm(Form):
    email = EmailField(validators=[DataRequired(REQUIRED), Length(max=320)])
    role = SelectField(choices=[SelectChoice(r, r) for r in SENDER_ROLES], default="sender_clerk")


class InvitationForm(Form):
    name = StringField(validators=[Optional(), Length(max=200)])
    password = PasswordField(validators=[DataRequired(REQUIRED), Length(min=10, max=200, message=_("Hasło musi mieć co najmniej 10 znaków."))])
    password_confirm = PasswordField(validators=[EqualTo("password", _("Hasła się różnią."))])


TRACKING_NUMBER = Regexp(r"^\s*[A-Za-z]{2}\s?[0-9]{3}\s?[0-9]{3}\s?[0-9]{3}\s?[A-Za-z]{2}\s*$", message=_("Numer przesyłki ma postać np. RR123456785PL."))


class NewItemForm(Form):
    """One item by hand: the fields of a CSV row (the API's rules check them all after this)."""

    tracking_number = StringField(validators=[DataRequired(REQUIRED), TRACKING_NUMBER])
    service = StringField(validators=[DataRequired(REQUIRED)])
    sender_reference = StringField(validators=[Optional(), Length(max=100)])
    recipient_name = StringField(validators=[DataRequired(REQUIRED), Length(max=200)])
    address_line1 = StringField(validators=[DataRequired(REQUIRED), Length(max=200)])
    address_line2 = StringField(validators=[Optional(), Length(max=200)])
    postal_code = StringField(validators=[DataRequired(REQUIRED), Length(max=20)])
    city = StringField(validators=[DataRequired(REQUIRED), Length(max=100)])
    country = StringField(default="PL", validators=[DataRequired(REQUIRED), Length(max=2)])
    lat = StringField(validators=[Optional()])
    lon = StringField(validators=[Optional()])
    phone = StringField(validators=[Optional(), Length(max=30)])
    email = StringField(validators=[Optional(), Length(max=320)])
    language = StringField(validators=[Optional()])

    def row(self) -> dict[str, str]:
        """The fields as a CSV row (trimmed text; empty cells absent)."""
        return {name: (field.data or "").strip() for name, field in self._fields.items() if name != "csrf_token"}


class ChartRange(QueryForm):
    """``/portal/stats?days=N`` (and ``stats.json``): how many days the chart covers, 1 to 366 (30 by default)."""

    days = IntegerField(default=30, validators=[Optional(), NumberRange(min=1, max=366, message=_(
        "Podaj liczbę dni od 1 do 366."))])


class DeliveryLogPage(QueryForm):
    """``/portal/webhooks/<id>?page=N``: a page of the delivery log."""

    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=1_000_000, message=_(
        "Podaj numer strony (1 lub więcej)."))])
