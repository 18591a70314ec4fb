"""CSV import: per-row report, nothing half-imported, progress, and a large file."""
from __future__ import annotations

import csv
import io
import json

import pytest

from app.senders.imports import COLUMN_NAMES
from notices import s10
from tests.conftest import tracking_number
from tests.portal.conftest import csrf_from


def row(**overrides) -> dict:
    values = {"tracking_number": overrides.pop("tracking_number", None) or tracking_number(), "service": "pl_official_letter", "sender_reference": "I C 1/26",
              "recipient_name": "Jan Kowalski", "address_line1": "ul. Polna 12", "address_line2": "",
              "postal_code": "00-950", "city": "Warszawa", "country": "PL", "phone": "+48601234567",
              "email": "jan@example.com", "language": "pl"}
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, data: bytes, name: str = "items.csv", streaming: bool = False):
    token = csrf_from(client.get("/portal/import").text)
    headers = {"Accept": "application/x-ndjson"} if streaming else {}
    return client.post("/portal/import", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers=headers)


def item_count(api) -> int:
    return api.client.get("/api/v1/items", headers=api.auth(api.sender_key)).get_json()["total"]


def test_mixed_good_and_bad_rows_import_nothing_and_report_each_bad_row(people, api):
    taken = api.register().get_json()["tracking_number"]
    duplicate = tracking_number()
    rows = [row(), row(tracking_number="RR123456784PL"), row(phone="12345"), row(tracking_number=duplicate),
            row(tracking_number=duplicate), row(email="not-an-email", postal_code=""), row(tracking_number=taken),
            row(service="carrier_pigeon"), row()]
    client = people.client("clerk@a.example.com")
    response = upload(client, csv_bytes(rows))
    assert response.status_code == 302
    report = client.get(response.headers["Location"]).text
    assert "Nothing was imported" in report or "Nic nie zaimportowano" in report
    cells = [(r, f) for r, f in __import__("re").findall(r"<tr><td>(\d+)</td><td class=\"field\">([a-z_]+)</td>", report)]
    assert cells == [("3", "tracking_number"), ("4", "phone"), ("6", "tracking_number"), ("7", "postal_code"),
                     ("7", "email"), ("8", "tracking_number"), ("9", "service")]
    assert "check digit" in report and "appears twice" in report and "already registered" in report
    assert item_count(api) == 1  # only the one registered before


def test_corrected_file_imports_every_row(people, api):
    rows = [row() for _ in range(5)]
    client = people.client("clerk@a.example.com")
    response = upload(client, csv_bytes(rows))
    report = client.get(response.headers["Location"]).text
    assert "All rows were imported" in report or "Zaimportowano wszystkie wiersze" in report
    assert item_count(api) == 5
    listing = client.get("/portal/").text
    assert all(r["tracking_number"] in listing for r in rows)


def test_excel_style_semicolons_and_windows_1250(people, api):
    rows = [row(recipient_name="Łucja Żółć", city="Łódź"), row()]
    client = people.client("clerk@a.example.com")
    response = upload(client, csv_bytes(rows, delimiter=";", encoding="cp1250"))
    assert "imported" in client.get(response.headers["Location"]).text or "Zaimportowano" in client.get(response.headers["Location"]).text
    assert "Łucja Żółć" in client.get(f"/portal/items/{rows[0]['tracking_number']}").text


def test_missing_columns_are_named(people):
    client = people.client("clerk@a.example.com")
    response = upload(client, b"tracking_number,service\nRR123456785PL,pl_official_letter\n")
    assert response.status_code == 422
    assert "recipient_name" in response.text and "postal_code" in response.text


def test_streamed_progress_ends_with_the_report(people, api):
    client = people.client("clerk@a.example.com")
    response = upload(client, csv_bytes([row() for _ in range(1200)]), streaming=True)
    lines = [json.loads(line) for line in response.data.decode().splitlines()]
    phases = [line["phase"] for line in lines]
    assert phases[0] == "validating" and "saving" in phases and phases[-1] == "done"
    assert all(a["done"] <= b["done"] for a, b in zip(lines, lines[1:], strict=False) if a["phase"] == b["phase"])
    assert lines[-1]["status"] == "imported" and lines[-1]["report_url"].startswith("/portal/imports/")
    assert item_count(api) == 1200


def test_another_sender_cannot_open_the_report(people):
    client = people.client("clerk@a.example.com")
    location = upload(client, csv_bytes([row()])).headers["Location"]
    assert people.client("clerk@b.example.com").get(location).status_code == 404


# Large enough to cross many chunks, progress steps and report pages; the 20,000- and
# 50,000-row figures come from bench/csv_import.py (timings are not asserted in tests).
LARGE_ROWS = 20_000


@pytest.mark.slow
def test_large_file_all_or_nothing(people, api):
    rows = [row(tracking_number=s10.make("RZ", 10_000_000 + i, "PL"), sender_reference=f"K {i}")
            for i in range(LARGE_ROWS)]
    rows[LARGE_ROWS - 2]["phone"] = "0"
    client = people.client("clerk@a.example.com")
    rejected = upload(client, csv_bytes(rows), streaming=True)
    last = json.loads(rejected.data.decode().splitlines()[-1])
    assert last["status"] == "rejected" and last["rejected_rows"] == 1
    report = client.get(last["report_url"]).text
    assert f"<tr><td>{LARGE_ROWS}</td><td class=\"field\">phone</td>" in report  # header is row 1
    assert item_count(api) == 0
    rows[LARGE_ROWS - 2]["phone"] = "+48601234567"
    imported = upload(client, csv_bytes(rows), streaming=True)
    lines = [json.loads(line) for line in imported.data.decode().splitlines()]
    assert lines[-1]["status"] == "imported"
    assert len([line for line in lines if line["phase"] == "saving"]) == LARGE_ROWS // 1000
    assert item_count(api) == LARGE_ROWS


def test_a_file_is_read_as_a_stream_in_utf8_or_windows_1250():
    """Excel in Polish saves Windows-1250 with semicolons; the rows and their line numbers are the same."""
    import io

    from app.senders.imports import read_csv, template_csv

    text = template_csv().replace("Jan Kowalski", "Łukasz Żółć").replace(",", ";")
    for data in (("\ufeff" + text).encode("utf-8"), text.encode("cp1250")):
        stream = io.BytesIO(data)
        rows = read_csv(stream)
        assert [(line, payload["recipient"]["name"]) for line, payload in rows] == [(2, "Łukasz Żółć")]
        assert not stream.closed
