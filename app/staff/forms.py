"""The operator console's HTML forms (Flask-WTF)."""
from __future__ import annotations

from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.web.forms import Form, tr


class EnrolmentForm(Form):
    carrier_id = IntegerField(validators=[InputRequired(tr("Wybierz listonosza.", "Choose a carrier.")),
                                          NumberRange(min=1, max=2_147_483_647)])
    label = StringField(default="handheld", validators=[
        DataRequired(tr("Podaj nazwę urządzenia.", "Give the device a name.")),
        Length(max=100, message=tr("Nazwa może mieć najwyżej 100 znaków.", "The name may have at most 100 characters."))])
