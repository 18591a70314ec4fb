"""Recipients' HTML forms (Flask-WTF): opting in, codes, preferences, delegates, deleting.

The forms check what each field may hold; the use cases (``subscriptions``, ``personal_data``)
then apply the rules that need the database (claim codes, contacts, locks), and their errors
join the same ``errors`` shown next to the fields.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import AnyOf, Length, Optional, Regexp

from app.recipients.subscriptions import SignUp
from app.web.forms import Form
from notices.messages import LANGUAGES

TOO_LONG = _("Za długi tekst.")
TIME = Regexp(r"^\s*\d{1,2}:\d{2}\s*$", message=_("Podaj godzinę jako GG:MM."))
CHANNELS = [SelectChoice("sms", "SMS"), SelectChoice("email", "e-mail")]
LANGUAGE = AnyOf(LANGUAGES, message=_("Wybierz język z listy."))


def text(max_length: int, default: str = "") -> StringField:
    return StringField(default=default, validators=[Optional(), Length(max=max_length, message=TOO_LONG)])


class SignupForm(Form):
    name = text(200)
    line1 = text(200)
    line2 = text(200)
    postal_code = text(20)
    city = text(100)
    country = text(2, "PL")
    phone = text(30)
    email = text(320)
    language = StringField(default="pl", validators=[LANGUAGE])
    channels = SelectMultipleField(choices=CHANNELS, default=[])
    quiet_start = StringField(default="21:00", validators=[Optional(), TIME])
    quiet_end = StringField(default="08:00", validators=[Optional(), TIME])
    claim_code = text(40)
    proof = StringField(default="code", validators=[AnyOf(("code", "letter"))])

    def signup(self) -> SignUp:
        value = lambda field: (field.data or "").strip()  # noqa: E731
        return SignUp(
            name=value(self.name), line1=value(self.line1), line2=value(self.line2),
            postal_code=value(self.postal_code), city=value(self.city), country=value(self.country) or "PL",
            phone=value(self.phone), email=value(self.email), language=value(self.language) or "pl",
            channels=set(self.channels.data or ()), quiet_start=value(self.quiet_start) or "21:00",
            quiet_end=value(self.quiet_end) or "08:00", claim_code=value(self.claim_code),
            want_letter=self.proof.data == "letter",
        )


class ClaimCodeForm(Form):
    claim_code = text(40)


class ContactCodeForm(Form):
    code = text(20)


class PreferencesForm(Form):
    language = StringField(validators=[Optional(), LANGUAGE])
    quiet_start = StringField(validators=[Optional(), TIME])
    quiet_end = StringField(validators=[Optional(), TIME])
    channels = SelectMultipleField(choices=CHANNELS, default=[])


class DelegateForm(Form):
    delegate_name = text(200)
    delegate_role = StringField(default="family", validators=[Optional(), Length(max=20, message=TOO_LONG)])
    delegate_phone = text(30)
    delegate_email = text(320)
    delegate_language = StringField(default="pl", validators=[Optional(), LANGUAGE])

    def values(self) -> dict[str, str]:
        return {name: field.data or "" for name, field in self._fields.items() if name != "csrf_token"}


class DeleteForm(Form):
    confirm = BooleanField(false_values=("", "no"))

    def confirmed(self) -> bool:
        raw = self.confirm.raw_data or []
        return bool(raw) and raw[0] == "yes"


class PhoneCodeForm(Form):
    phone = text(30)
    code = text(20)
