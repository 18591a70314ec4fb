"""The operator console's HTML forms (Flask-WTF)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.web.forms import Form, QueryForm


class EnrolmentForm(Form):
    carrier_id = IntegerField(validators=[InputRequired(_("Wybierz listonosza.")),
                                          NumberRange(min=1, max=2_147_483_647)])
    label = StringField(default="handheld", validators=[
        DataRequired(_("Podaj nazwę urządzenia.")),
        Length(max=100, message=_("Nazwa może mieć najwyżej 100 znaków."))])


class PickupPointForm(Form):
    """A pickup point in the register; its values are checked by the register's own rules (as the CSV import)."""

    code = StringField()
    name = StringField()
    address = StringField()
    lat = StringField()
    lon = StringField()
    mon = StringField()
    tue = StringField()
    wed = StringField()
    thu = StringField()
    fri = StringField()
    sat = StringField()
    sun = StringField()
    holidays_closed = StringField()

    def values(self) -> dict[str, str]:
        """The posted values by column name, an absent one as an empty string."""
        return {name: str(field.data or "") for name, field in self._fields.items() if name != "csrf_token"}


class ActiveForm(Form):
    """Deactivate (``0``) or reactivate (``1``) a pickup point."""

    active = StringField()


class CarrierDayFilter(QueryForm):
    """``/staff/carriers?day=YYYY-MM-DD&carrier=ID``: both optional."""

    day = DateField(validators=[Optional()], format="%Y-%m-%d")
    carrier = IntegerField(validators=[Optional(), NumberRange(min=1, max=2_147_483_647)])
