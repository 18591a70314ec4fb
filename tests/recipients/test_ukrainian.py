"""A recipient who switches to Ukrainian gets every message and page in Ukrainian."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Item
from notices.sms import count_segments
from notices.sms_texts import SMS_BUDGETS
from tests.recipients.test_people_and_data import EMAIL, PHONE, _confirmed_subscriber


def _item_id(rec, number: str) -> int:
    with rec.app.app_context():
        return db.session.scalar(sa.select(Item.id).where(Item.tracking_number == number))


def test_switching_to_ukrainian_changes_the_alerts_and_the_pages(rec, api, client):
    token = _confirmed_subscriber(rec)
    page = f"/alerts/m/{token}"
    before = rec.item_at()
    api.scan(before)
    polish = [m for m in rec.messages("notice_left") if m.item_id == _item_id(rec, before)]
    assert {m.language for m in polish} == {"pl"} and all("czeka" in m.body.lower() for m in polish)

    saved = rec.post(f"{page}/preferences", {"language": "uk", "channels": ["sms", "email"],
                                             "quiet_start": "21:00", "quiet_end": "08:00"}, page=page)
    assert saved.status_code == 302
    number = rec.item_at()
    api.scan(number)
    alerts = {m.channel: m for m in rec.messages("notice_left") if m.item_id == _item_id(rec, number)}
    sms, mail = alerts["sms"], alerts["email"]
    assert sms.recipient == PHONE and mail.recipient == EMAIL
    assert sms.language == mail.language == "uk"
    assert sms.body.startswith(f"Awizo: {number}") and " чекає у " in sms.body
    assert count_segments(sms.body).segments <= SMS_BUDGETS["notice_left"]
    assert mail.subject == f"Awizo: рекомендований лист {number} очікує отримання"
    assert "На вас чекає рекомендований лист" in mail.body and "Отримати до: " in mail.body
    assert "Змінити або вимкнути сповіщення: " in mail.body
    assert "Przesyłka" not in mail.body and "przesyłka" not in sms.body

    manage = client.get(f"{page}?lang=uk").get_data(as_text=True)
    assert 'html lang="uk"' in manage and "Ваші сповіщення" in manage and "Twoje powiadomienia" not in manage
    assert 'value="uk" checked' in manage
