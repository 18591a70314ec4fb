"""Bulk registration (a CSV file from the portal, or a list from the API): all rows or none.

Every row is validated with the API's own rules (``parse_new_item``), duplicates are looked up
in the file and in the database, and only when no row is wrong are the items registered, in
one transaction. Either way an :class:`ImportReport` keeps what happened, row by row.
"""
from __future__ import annotations

import csv
import io
import itertools
from array import array
from collections import namedtuple
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, cast

import psycopg
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.delivery.addresses import item_locations
from app.delivery.items import NewItem, registration_data
from app.delivery.schemas import parse_new_item
from app.errors import NotFound, ServiceError, ValidationFailed
from app.events import record_events
from app.evidence.log import defer_numbering, integrate_pending
from app.models import ImportReport, Item, ItemLocation, Sender
from app.models.bulk import among, insert_rows, rows_by_id
from app.models.types import iso
from app.security import new_verify_token
from app.senders.heap import long_lived_heap_frozen
from app.senders.import_rows import quick_new_item
from notices.i18n import N_

# CSV columns, in template order: (column, required, meaning PL, meaning EN, example)
COLUMNS = [
    ("tracking_number", True, N_("numer przesyłki UPU S10 z poprawną cyfrą kontrolną"), "RR123456785PL"),
    ("service", True, N_("usługa, np. pl_official_letter"), "pl_official_letter"),
    ("sender_reference", False, N_("Państwa sygnatura / numer sprawy"), "I C 123/26"),
    ("recipient_name", True, N_("imię i nazwisko lub nazwa adresata"), "Jan Kowalski"),
    ("address_line1", True, N_("ulica i numer"), "ul. Polna 12 m. 4"),
    ("address_line2", False, N_("dodatkowa linia adresu"), ""),
    ("postal_code", True, N_("kod pocztowy"), "00-950"),
    ("city", True, N_("miejscowość"), "Warszawa"),
    ("country", True, N_("kraj, kod ISO 3166 (PL)"), "PL"),
    ("phone", False, N_("telefon adresata (powiadomienia SMS)"), "+48601234567"),
    ("email", False, N_("e-mail adresata (powiadomienia e-mail)"), "jan.kowalski@example.com"),
    ("language", False, N_("język powiadomień: pl, en lub uk (domyślnie pl)"), "pl"),
    ("lat", False, N_("szerokość geograficzna adresu (WGS84), jeśli znana"), ""),
    ("lon", False, N_("długość geograficzna adresu (WGS84), jeśli znana"), ""),
    ("content_sha256", False, N_("SHA-256 treści pisma (64 znaki szesnastkowe), pojawi się na dowodzie"), ""),
]
COLUMN_NAMES = [c[0] for c in COLUMNS]
_KNOWN = frozenset(COLUMN_NAMES)
# API field path -> CSV column, so a row's errors name the column the clerk sees.
FIELD_TO_COLUMN = {
    "recipient.name": "recipient_name", "recipient.address.line1": "address_line1",
    "recipient.address.line2": "address_line2", "recipient.address.postal_code": "postal_code",
    "recipient.address.city": "city", "recipient.address.country": "country",
    "recipient.phone": "phone", "recipient.email": "email", "recipient.language": "language",
    "recipient": "recipient_name", "recipient.address": "address_line1",
    "recipient.address.location": "lat", "recipient.address.location.lat": "lat", "recipient.address.location.lon": "lon",
}
MAX_ROWS = 100_000
MAX_REPORTED_ERRORS = 5_000
CHUNK = 1_000
_ITEMS = cast(sa.Table, Item.__table__)
_LOCATIONS = cast(sa.Table, ItemLocation.__table__)
_ITEM_COLUMNS = tuple(_ITEMS.c.keys())


@dataclass(frozen=True)
class RowError:
    row: int       # CSV: the line as a spreadsheet numbers it (header = 1); API: the list index
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Progress:
    """One step of a bulk import; the last one carries the report."""
    phase: str     # "validating", "saving", "done"
    done: int
    total: int
    report: ImportReport | None = None
    tracking_numbers: tuple[str, ...] = ()   # registered, in row order (when imported)


class CsvFormatError(ServiceError):
    status = 422
    slug = "invalid-csv"
    title = "Invalid CSV file"


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerow([c[3] for c in COLUMNS])
    return out.getvalue()


def read_csv(source: bytes | IO[bytes]) -> CsvRows:
    """Rows of an uploaded file as ``(line number, API-shaped payload)``, read as they are used.

    UTF-8 (with or without BOM) or Windows-1250 (what Excel in Polish saves); comma or
    semicolon separated; the header row must name the columns (any order, extra ignored).
    ``source`` is the file's bytes or a seekable binary file that stays open while the rows are
    used. The file is checked (header, encoding, number of rows) in one streaming pass here;
    the rows are then parsed again each time they are iterated, so no more than one row is
    held in memory: a 50,000-row file costs what one row costs.
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    start = stream.tell()
    try:
        return CsvRows(stream, start, "utf-8-sig")
    except UnicodeDecodeError:
        return CsvRows(stream, start, "cp1250")


class CsvRows(Sequence[tuple[int, dict]]):
    """The rows of a CSV file, parsed lazily; ``len`` is known from the checking pass."""

    def __init__(self, stream: IO[bytes], start: int, encoding: str):
        self.stream, self.start, self.encoding = stream, start, encoding
        count = 0
        for _ in self._records(count_only=True):
            count += 1
            if count > MAX_ROWS:
                raise CsvFormatError(f"At most {MAX_ROWS} rows per file; split the file.")
        if not count:
            raise CsvFormatError("The file has a header but no rows.")
        self.length = count

    def _records(self, count_only: bool = False) -> Iterator[tuple[int, dict[str, str]]]:
        """``(line, cells of the known columns)`` for each row that is not blank (no cells when counting)."""
        self.stream.seek(self.start)
        text = io.TextIOWrapper(self.stream, encoding=self.encoding, newline="",
                                errors="replace" if self.encoding == "cp1250" else "strict")
        try:
            first_line = text.readline()
            delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
            reader = csv.reader(itertools.chain([first_line], text), delimiter=delimiter)
            try:
                header = [h.strip().lower() for h in next(reader)]
            except StopIteration:
                raise CsvFormatError("The file is empty.") from None
            missing = [c for c, required, *_ in COLUMNS if required and c not in header]
            if missing:
                raise CsvFormatError(f"The header row lacks the columns: {', '.join(missing)}. "
                                     "Download the template to see them all.")
            known = {name: i for i, name in enumerate(header) if name in _KNOWN}  # a repeated column: its last
            for values in reader:
                if any(v.strip() for v in values):
                    if count_only:
                        yield reader.line_num, {}
                    else:
                        length = len(values)
                        yield reader.line_num, {name: (values[i].strip() if i < length else "")
                                                for name, i in known.items()}
        finally:
            text.detach()  # the caller's file stays open (and can be read again)

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        for line, record in self._records():
            yield line, csv_row_to_payload(record)

    def __getitem__(self, index):  # a Sequence by contract; the import only iterates
        return list(self)[index]


def csv_row_to_payload(row: dict) -> dict:
    value = lambda key: row.get(key) or None  # noqa: E731  (empty cells are absent values)
    return {
        "tracking_number": value("tracking_number"), "service": value("service"),
        "sender_reference": value("sender_reference"), "content_sha256": value("content_sha256"),
        "recipient": {
            "name": value("recipient_name"),
            "address": {"line1": value("address_line1"), "line2": value("address_line2"),
                        "postal_code": value("postal_code"), "city": value("city"), "country": value("country"),
                        "location": location_payload(value("lat"), value("lon"))},
            "phone": value("phone"), "email": value("email"), "language": value("language"),
        },
    }


def location_payload(lat: str | None, lon: str | None) -> dict | None:
    """Text cells as an API ``location``; a cell that is not a number stays text and is reported."""
    if lat is None and lon is None:
        return None

    def number(text):
        try:
            return float(text.replace(",", ".")) if text is not None else None
        except ValueError:
            return text
    return {"lat": number(lat), "lon": number(lon)}


class _Intake:
    """The first pass over the rows: every row checked, the good ones written as they come.

    Items (and their locations) go in by chunks while the rows are read, so nothing grows
    with the file but the numbers seen (for duplicates) and the new items' ids; after the
    first wrong row nothing more is written, and the caller rolls the transaction back.
    """

    def __init__(self, session: Session, sender_id: int, now: datetime, csv_columns: bool):
        self.session, self.sender_id, self.now, self.csv_columns = session, sender_id, now, csv_columns
        self.errors: list[RowError] = []
        self.seen: dict[str, int] = {}     # tracking number -> its row, in row order
        self.ids = array("q")              # the items written, in row order

    def read(self, rows: Sequence[tuple[int, object]]) -> Iterator[Progress]:
        total = len(rows)
        chunk: list[tuple[int, NewItem]] = []
        for index, (row, payload) in enumerate(rows, 1):
            new = self._check(row, payload)
            if new is not None:
                chunk.append((row, new))
                if len(chunk) == CHUNK:
                    self._write(chunk)
                    chunk = []
            if index % 500 == 0:
                yield Progress("validating", index, total)
        self._write(chunk)
        self.errors.sort(key=lambda e: e.row)
        yield Progress("validating", total, total)

    def _check(self, row: int, payload: object) -> NewItem | None:
        try:
            new = quick_new_item(payload) or parse_new_item(payload)
        except ValidationFailed as exc:
            for e in exc.errors:
                name = FIELD_TO_COLUMN.get(e.field, e.field) if self.csv_columns else e.field
                self.errors.append(RowError(row, name, e.message))
            return None
        if new.tracking_number in self.seen:
            self.errors.append(RowError(row, "tracking_number",
                                        f"appears twice in this batch (also row {self.seen[new.tracking_number]})"))
            return None
        self.seen[new.tracking_number] = row
        return new

    def _write(self, chunk: list[tuple[int, NewItem]]) -> None:
        """Look the chunk's numbers up in the database; write the items if no row so far is wrong."""
        if not chunk:
            return
        numbers = [new.tracking_number for _, new in chunk]
        for taken in self.session.scalars(sa.select(Item.tracking_number).where(
                among(self.session, Item.tracking_number, numbers, sa.String))):
            self.errors.append(RowError(self.seen[taken], "tracking_number", f"{taken} is already registered"))
        if self.errors:
            return
        connection = self.session.connection()
        ids = [i for (i,) in insert_rows(connection, _ITEMS, [_item_values(self.sender_id, new, self.now)
                                                               for _, new in chunk], returning=["id"])]
        insert_rows(connection, _LOCATIONS, item_locations(self.session, [
            (item_id, new.location, new.address_line1, new.postal_code, new.city)
            for item_id, (_, new) in zip(ids, chunk, strict=True)], self.now))
        self.ids.extend(ids)


def bulk_register(session: Session, sender: Sender, rows: Sequence[tuple[int, object]], *, now: datetime,
                  user_id: int | None = None, source: str = "csv", filename: str | None = None,
                  ) -> Iterator[Progress]:
    """Validate every row, then register all of them in one transaction, or none.

    Yields progress as it goes; the last :class:`Progress` (phase ``done``) has the report.
    ``rows`` are ``(row number, API-shaped payload)`` pairs, read twice at most: while the rows
    are checked (phase ``validating``) the items are written, chunk by chunk; once every row
    is known to be right, their ``registered`` events and what listens to them (the
    transparency log, sender callbacks) follow, chunk by chunk (phase ``saving``), and all of
    it is committed at once. No chunk's objects outlive it, so memory does not grow with the file.
    While it runs, the collector's full passes leave alone what the process held before.
    """
    with long_lived_heap_frozen():
        yield from _register(session, sender, rows, now=now, user_id=user_id, source=source, filename=filename)


def _register(session: Session, sender: Sender, rows: Sequence[tuple[int, object]], *, now: datetime,
              user_id: int | None, source: str, filename: str | None) -> Iterator[Progress]:
    sender_id, sender_name = sender.id, sender.name
    total = len(rows)
    intake = _Intake(session, sender_id, now, csv_columns=(source == "csv"))
    try:
        yield from intake.read(rows)
        defer_numbering(session)  # the log's lock only at the commit: scans meanwhile do not wait for the import
        for start in range(0, 0 if intake.errors else len(intake.ids), CHUNK):
            ids = intake.ids[start:start + CHUNK].tolist()
            items = _written(session, sender, ids)
            record_events(session, [(item, "registered", now, registration_data(sender_name, _as_new(item)))
                                    for item in items])
            integrate_pending(session)  # the chunk's log entries leave memory now (numbered at the commit)
            session.flush()
            yield Progress("saving", start + len(ids), total)
        if intake.errors:
            session.rollback()
            yield Progress("done", total, total, _report(session, sender_id, user_id, source, filename, total,
                                                         intake.errors, now))
            return
        report = ImportReport(sender_id=sender_id, user_id=user_id, source=source, filename=filename,
                              status="imported", total_rows=total, rejected_rows=0, errors=[], created_at=now)
        session.add(report)
        session.commit()
        yield Progress("done", total, total, report, tuple(intake.seen))
        return
    except (IntegrityError, psycopg.IntegrityError):  # the second: raised by a COPY on the driver's cursor
        # Another request registered one of these numbers meanwhile: nothing of this batch is kept.
        session.rollback()
        errors = [RowError(0, "batch", "one of the numbers was registered meanwhile by another "
                                                 "request; nothing was imported, try again")]
        report = _report(session, sender_id, user_id, source, filename, total, errors, now)
    yield Progress("done", total, total, report)


def run(steps: Iterable[Progress]) -> Progress:
    """Consume a bulk import's progress and return its last step (with the report)."""
    last = None
    for step in steps:
        last = step
    if last is None:
        raise ValueError("an import yields at least its final report")
    return last


def report_data(report: ImportReport) -> dict:
    return {
        "id": report.id, "source": report.source, "filename": report.filename, "status": report.status,
        "total_rows": report.total_rows, "rejected_rows": report.rejected_rows,
        "errors": report.errors, "created_at": iso(report.created_at),
    }


def _item_values(sender_id: int, new: NewItem, now: datetime) -> dict:
    return dict(
        tracking_number=new.tracking_number, service=new.service, sender_id=sender_id,
        sender_reference=new.sender_reference, recipient_name=new.recipient_name,
        address_line1=new.address_line1, address_line2=new.address_line2,
        postal_code=new.postal_code, city=new.city, country=new.country,
        recipient_phone=new.phone, recipient_email=new.email, language=new.language,
        verify_token=new_verify_token(), status="registered", created_at=now, collect_by_at=None,
        content_sha256=new.content_sha256,
    )


# A just-written item as the listeners of its ``registered`` event read it: its columns and its
# sender, without an ORM object each (a chunk of a bulk import hands over a thousand).
_Written = namedtuple("_Written", (*_ITEM_COLUMNS, "sender"))  # type: ignore[misc]


def _written(session: Session, sender: Sender, ids: list[int]) -> list[Item]:
    """The items with these ids, in the order of their ids, as the listeners see them."""
    make = _Written._make
    return [cast(Item, make((*row, sender))) for row in rows_by_id(session.connection(), _ITEMS, ids)]


def _as_new(item: Item) -> NewItem:
    """A written item's registration as it was given (what its ``registered`` event records)."""
    return NewItem(
        tracking_number=item.tracking_number, service=item.service, sender_reference=item.sender_reference,
        recipient_name=item.recipient_name, address_line1=item.address_line1, address_line2=item.address_line2,
        postal_code=item.postal_code, city=item.city, country=item.country, phone=item.recipient_phone,
        email=item.recipient_email, language=item.language, content_sha256=item.content_sha256,
    )


def _report(session, sender_id, user_id, source, filename, total, errors: list[RowError], now) -> ImportReport:
    report = ImportReport(
        sender_id=sender_id, user_id=user_id, source=source, filename=filename, status="rejected",
        total_rows=total, rejected_rows=len({e.row for e in errors}),
        errors=[e.as_dict() for e in errors[:MAX_REPORTED_ERRORS]], created_at=now,
    )
    session.add(report)
    session.commit()
    return report


def report_for_sender(session: Session, sender_id: int, report_id: int) -> ImportReport:
    report = session.get(ImportReport, report_id)
    if report is None or report.sender_id != sender_id:
        raise NotFound("No such import.")
    return report
