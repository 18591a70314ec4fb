"""The recipient's HTML forms on public pages (Flask-WTF)."""
from __future__ import annotations

from wtforms import StringField

from app.web.forms import Form


class RecipientActionForm(Form):
    """A recipient's action (redelivery day, another pickup point, an authorised collector) with the
    claim code; which values an action needs, and whether they hold, is the use case's to say."""

    action = StringField()
    day = StringField()
    pickup_point = StringField()
    name = StringField()
    id_type = StringField()
    id_last_digits = StringField()
    claim_code = StringField()

    def values(self) -> dict[str, str]:
        """The posted values by field name, an absent one as an empty string."""
        return {name: str(field.data or "") for name, field in self._fields.items() if name != "csrf_token"}
