"""A bulk import records what registering the items one by one records: events, log entries, callbacks."""
from __future__ import annotations

import json

import sqlalchemy as sa

from app.delivery.items import registration_data
from app.evidence.audit import check_item
from app.evidence.log import entry_content
from app.extensions import db
from app.models import Item, ItemEvent, OutboxMessage, Sender
from app.models.evidence import LogEntry
from app.models.types import utcnow
from app.senders import imports, webhooks
from app.senders.imports import CHUNK, csv_row_to_payload
from notices import s10
from notices.evidence import canonical


def cells(i: int, **more) -> dict:
    values = {"tracking_number": s10.make("RB", 30_000_000 + i), "service": "pl_official_letter",
              "sender_reference": f"K {i}/26", "recipient_name": f"Jan Kowalski {i}", "address_line1": f"ul. Polna {i}",
              "address_line2": "", "postal_code": "00-950", "city": "Warszawa", "country": "PL",
              "phone": "+48601234567", "email": f"jan{i}@example.com", "language": "pl", "lat": "", "lon": "",
              "content_sha256": ""}
    values.update(more)
    return values


def test_bulk_registration_records_what_the_per_item_path_records(app, api):
    rows = [cells(i) for i in range(CHUNK + 5)]  # two chunks
    rows[1].update(language="en", address_line2="m. 4", content_sha256="ab" * 32)
    rows[2].update(lat="52.1", lon="21.0", phone="", email="Postmaster@Example.com")  # read by the model
    rows[3].update(country="DE", phone="+49301234567")
    with app.app_context():
        sender = db.session.get_one(Sender, api.sender_id)
        webhooks.create_endpoint(db.session, sender.id, "https://hooks.example.com/a")
        sender = db.session.get_one(Sender, api.sender_id)
        done = imports.run(imports.bulk_register(db.session, sender, [(n + 2, csv_row_to_payload(r)) for n, r in enumerate(rows)],
                                                 now=utcnow(), source="csv"))
        assert done.report.status == "imported", done.report.errors
        assert done.tracking_numbers == tuple(r["tracking_number"] for r in rows)
        items = db.session.scalars(sa.select(Item).where(Item.tracking_number.in_(done.tracking_numbers))
                                   .order_by(Item.id)).all()
        assert [i.tracking_number for i in items] == list(done.tracking_numbers)
        assert (items[1].language, items[1].address_line2, items[1].content_sha256) == ("en", "m. 4", "ab" * 32)
        assert (items[2].recipient_phone, items[2].recipient_email) == (None, "postmaster@example.com")
        assert (items[3].country, items[3].recipient_phone) == ("DE", "+49301234567")
        bodies = {}
        for message in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == "webhook")):
            bodies[message.headers["event_id"]] = json.loads(message.body)
            # the batch encodes the shared tree head once and splices it in: byte for byte the plain encoding
            assert message.body == json.dumps(bodies[message.headers["event_id"]], ensure_ascii=False,
                                              separators=(",", ":"))
        heads = set()
        for item in items[:3] + items[-3:]:
            assert check_item(db.session, item).problems == []  # each entry rebuilt from the ORM rows is the logged one
            (event,) = db.session.scalars(sa.select(ItemEvent).where(ItemEvent.item_id == item.id)).all()
            assert (event.kind, event.data) == ("registered", registration_data(sender.name, imports._as_new(item)))
            entry = db.session.scalars(sa.select(LogEntry).where(LogEntry.event_id == event.id)).one()
            salt = entry.opening["salt"]
            assert entry.canonical == canonical(entry_content(db.session, item, event, salt))
            (expected,) = webhooks._rows_for(db.session, item, event, app.config)  # the per-event path
            body, reference = bodies[f"evt_{event.id}"], json.loads(expected["body"])
            heads.add(json.dumps(body["data"].pop("tree_head"), sort_keys=True))
            reference["data"].pop("tree_head")
            assert body == reference
        assert len(heads) == 1  # one signed head for the whole import, as before


def test_a_number_registered_before_found_after_a_written_chunk_leaves_nothing(app, api):
    taken = api.register().get_json()["tracking_number"]
    rows = [cells(100_000 + i) for i in range(CHUNK + 10)]
    rows[CHUNK + 3]["tracking_number"] = taken
    rows[CHUNK + 5]["tracking_number"] = rows[2]["tracking_number"]
    with app.app_context():
        sender = db.session.get_one(Sender, api.sender_id)
        done = imports.run(imports.bulk_register(db.session, sender, [(n + 2, csv_row_to_payload(r)) for n, r in enumerate(rows)],
                                                 now=utcnow(), source="csv"))
        assert done.report.status == "rejected" and done.report.rejected_rows == 2
        assert [(e["row"], e["field"]) for e in done.report.errors] == [(CHUNK + 5, "tracking_number"),
                                                                        (CHUNK + 7, "tracking_number")]
        assert "already registered" in done.report.errors[0]["message"]
        assert "also row 4" in done.report.errors[1]["message"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ItemEvent)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == 1


def test_a_callback_body_with_its_tree_head_spliced_in_is_the_plain_encoding():
    endpoint = webhooks._Endpoint(7, "https://hooks.example.com/a", ("*",))
    head = {"origin": "awizo.example/log", "tree_size": 12, "root_hash": "ab" * 32, "note": "zażółć\n— 1"}
    data = {"item": {"tracking_number": "RB123456785PL", "collect_by": None}, "event": {"kind": "registered",
                                                                                    "data": {"a": [1, 2.5]}}}
    now = utcnow()
    spliced = webhooks._message_row(endpoint, event_id="evt_1", type_="item.registered", created_at=now, data=data,
                                    now=now, tree_head_json=webhooks._json(head))
    plain = webhooks._message_row(endpoint, event_id="evt_1", type_="item.registered", created_at=now,
                                  data={**data, "tree_head": head}, now=now)
    assert spliced == plain


def test_a_remembered_converter_keeps_equal_values_of_two_types_apart():
    from app.models.bulk import _remembering

    convert = _remembering(lambda value: f"{type(value).__name__}:{value}")
    assert [convert(v) for v in (1, True, 1, True, 1.0, [1])] == ["int:1", "bool:True", "int:1", "bool:True",
                                                                  "float:1.0", "list:[1]"]
