"""The JSON text of callbacks and of copied JSON columns is the standard library's, byte for byte.

The bulk paths encode with a C encoder made once instead of ``json.dumps`` per value; the
one-by-one path uses the same helpers, so the reference test cannot tell them apart: here the
oracle is ``json.dumps`` itself, with the settings each text was always written with.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from app.models.bulk import _dumps
from app.senders.webhooks import _json

VALUES = [
    None, True, False, 0, -7, 10**30, 1.5, -0.0, 1e300, float("inf"), float("nan"), "", "plain",
    'quotes " and \\ backslash', "zażółć gęślą jaźń", "control \x00\x1f\n\t", "\u2028\u2029", "😀 emoji",
    [], {}, [1, [2, [3, {"deep": [None]}]]], {"a": 1, "b": [1, 2], "ć": {"ü": None}},
    {1: "int key", 2.5: "float key", None: "null key", False: "bool key"},
    {"endpoint_id": 7, "event_id": "evt_5", "event_type": "item.registered"},
    {"id": "evt_1", "type": "item.registered", "created_at": "2026-12-04T10:00:00Z",
     "data": {"item": {"tracking_number": "RB100000007PL", "sender_reference": "K 1/26", "collect_by": None},
              "event": {"kind": "registered", "data": {"sender": "Urząd", "service": "pl_official_letter"}}}},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_copied_json_is_json_dumps(value):
    assert _dumps(value) == json.dumps(value)


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_callback_json_is_compact_json_dumps(value):
    assert _json(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def test_callback_json_writes_other_values_as_text():
    value = {"on": date(2026, 12, 4), "at": datetime(2026, 12, 4, 10, tzinfo=timezone.utc), "amount": Decimal("1.50"),
             "pair": (1, "two")}
    assert _json(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def test_copied_json_refuses_what_json_dumps_refuses():
    with pytest.raises(TypeError):
        json.dumps({"x": object()})
    with pytest.raises(TypeError):
        _dumps({"x": object()})
