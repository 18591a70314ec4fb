"""Many rows in one statement: ``COPY`` or ``INSERT … SELECT FROM unnest(arrays)`` on PostgreSQL.

Plain rows go in with ``COPY … FROM STDIN`` (their serial ids, when the caller needs them,
are reserved first with one ``nextval`` query); rows that may hit a unique key go through
``unnest``: one round trip and one parameter per column, whatever the number of rows, so the
statement's text (and its parsing, on both sides) does not grow with the batch as a multi-row
``VALUES`` does. SQLite gets an executemany of the same rows.
"""
from __future__ import annotations

import json
import operator
from collections.abc import Callable, Sequence
from typing import Any, cast

import sqlalchemy as sa
from psycopg import Connection as DriverConnection
from psycopg.types.json import Json
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import MANYTOONE, Session, make_transient_to_detached

COPY_FROM = 100
"""Batches of at least this many rows are copied; smaller ones are one INSERT (a request's few rows)."""


def insert_rows(connection: Connection, table: sa.Table, rows: Sequence[dict], *,
                skip_conflicts_on: Sequence[str] = (), returning: Sequence[str] = ()) -> list[tuple]:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one statement.

    ``skip_conflicts_on``: a unique key; rows whose key exists are skipped (``ON CONFLICT DO
    NOTHING``). ``returning``: columns to return, one tuple per row in the order of ``rows``
    (not with ``skip_conflicts_on``; the first column must be the serial primary key, whose
    values follow the rows' order within the statement).
    """
    if not rows:
        return []
    if returning and skip_conflicts_on:
        raise ValueError("rows skipped on a conflict return nothing, so their order cannot be kept")
    dialect = connection.dialect
    if dialect.name != "postgresql":
        statement = sqlite_insert(table)
        if skip_conflicts_on:
            statement = statement.on_conflict_do_nothing(index_elements=list(skip_conflicts_on))
        if returning:
            found = connection.execute(statement.returning(*(table.c[c] for c in returning),
                                                           sort_by_parameter_order=True), list(rows))
            return [tuple(row) for row in found]
        connection.execute(statement, list(rows))
        return []
    if len(rows) >= COPY_FROM and not skip_conflicts_on and (not returning or list(returning) == ["id"]):
        return _copy(connection, table, rows, with_ids=bool(returning))
    rows = _with_defaults(table, rows)
    sql, converters = _unnest_insert(table, tuple(rows[0]), tuple(skip_conflicts_on), tuple(returning), dialect)
    params = {f"c{i}": [convert(row[name]) for row in rows] if convert else [row[name] for row in rows]
              for i, (name, convert) in enumerate(converters)}
    if returning:
        return sorted(tuple(row) for row in connection.exec_driver_sql(sql, params))
    connection.exec_driver_sql(sql, params)
    return []


_UNNEST_INSERTS: dict[tuple, tuple[str, list[tuple[str, Callable | None]]]] = {}


def _unnest_insert(table: sa.Table, columns: tuple[str, ...], skip_conflicts_on: tuple[str, ...],
                   returning: tuple[str, ...], dialect) -> tuple[str, list[tuple[str, Callable | None]]]:
    """The ``INSERT … SELECT FROM unnest`` statement for these columns, with each column's value
    conversion: made once per table and shape (a request inserting a row or two pays no compiling)."""
    key = (table, columns, skip_conflicts_on, returning)
    found = _UNNEST_INSERTS.get(key)
    if found is not None:
        return found
    converters: list[tuple[str, Callable | None]] = []
    arrays = []
    for i, name in enumerate(columns):
        column_type = table.c[name].type
        converters.append((name, _json if isinstance(column_type, sa.JSON) else column_type.bind_processor(dialect)))
        arrays.append(f"%(c{i})b::{column_type.compile(dialect=dialect)}[]")
    names = ", ".join(f'"{c}"' for c in columns)
    sql = (f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM unnest({", ".join(arrays)}) '
           f'WITH ORDINALITY AS u({names}, "ord") ORDER BY "ord"')
    if skip_conflicts_on:
        sql += f" ON CONFLICT ({', '.join(skip_conflicts_on)}) DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(f'"{c}"' for c in returning)
    found = _UNNEST_INSERTS[key] = (sql, converters)
    return found


def among(session: Session, column: Any, values: list, type_: type[sa.types.TypeEngine]):
    """``column IN values``: on PostgreSQL ``= ANY`` of one array parameter, whose statement is
    made once (an ``IN`` list of a thousand is rendered and parsed again on every call).

    ``type_`` must be the column's own type: an array of another (``bigint[]`` for an ``integer``
    key) leaves PostgreSQL's generic plan, used once the statement is prepared, without the index."""
    if session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam("values", values, type_=postgresql.ARRAY(type_), unique=True))
    return column.in_(values)


def rows_by_id(connection: Connection, table: sa.Table, ids: list[int]) -> list[tuple]:
    """The rows of ``table`` (all its columns, in the table's order) whose ``id`` is in ``ids``,
    in the order of their ids, with the values its column types give (as a Core SELECT would).

    On PostgreSQL the driver reads them into plain tuples (a thousand rows of a chunk, without a
    result row object each); elsewhere it is a Core SELECT."""
    if connection.dialect.name != "postgresql":
        return [tuple(row) for row in connection.execute(
            sa.select(table).where(table.c.id.in_(ids)).order_by(table.c.id))]
    dialect = connection.dialect
    processors = [(position, process) for position, column in enumerate(table.c)
                  if (process := column.type.result_processor(dialect, None)) is not None]
    names = ", ".join(f'"{c.name}"' for c in table.c)
    id_type = table.c.id.type.compile(dialect=dialect)
    cursor = cast(DriverConnection, connection.connection.driver_connection).cursor()
    cursor.execute(f'SELECT {names} FROM "{table.name}" WHERE "id" = ANY(%s::{id_type}[]) ORDER BY "id"', (ids,))
    found = cursor.fetchall()
    if not processors:
        return found
    rows = []
    for row in found:
        values = list(row)
        for position, process in processors:
            values[position] = process(values[position])
        rows.append(tuple(values))
    return rows


def _missing_defaults(table: sa.Table, row: dict) -> list[sa.Column]:
    """The columns ``row`` lacks that have a Python-side default (a value or a callable)."""
    return [c for c in table.c if c.name not in row and c.default is not None
            and (c.default.is_scalar or c.default.is_callable)]


def _with_defaults(table: sa.Table, rows: Sequence[dict]) -> Sequence[dict]:
    """The rows with the columns' Python-side defaults filled in, as a Core INSERT would."""
    missing = _missing_defaults(table, rows[0])
    if not missing:
        return rows
    filled = []
    for row in rows:
        row = dict(row)
        for column in missing:
            default = column.default
            row[column.name] = default.arg(None) if default.is_callable else default.arg  # type: ignore[union-attr]
        filled.append(row)
    return filled


def _copy(connection: Connection, table: sa.Table, rows: Sequence[dict], *, with_ids: bool) -> list[tuple]:
    """``COPY`` the rows in; with ``with_ids``, give them ids from the table's sequence first (in order)."""
    dialect = connection.dialect
    ids: list[int] = []
    if with_ids:  # one array in one row (the driver reads it in C), not a row per id
        ids = connection.exec_driver_sql(
            f"SELECT array(SELECT nextval({_id_sequence(connection, table.name)}::regclass) "
            "FROM generate_series(1, %(n)s) ORDER BY 1)", {"n": len(rows)}).scalar_one()
    given = list(rows[0])
    # Columns with a Python-side default that the rows lack get it here, as a Core INSERT would
    # (a callable's value made for each row), without copying every row into a new dict.
    defaults = _missing_defaults(table, rows[0])
    columns = given + [c.name for c in defaults]
    copied = (["id"] if with_ids else []) + columns
    convert: list[tuple[int, Callable]] = []  # (position in the row, converter) for the columns that need one
    for position, name in enumerate(copied):
        column_type = table.c[name].type
        if name == "id" and with_ids:
            continue
        if isinstance(column_type, sa.JSON):
            convert.append((position, _json))
        elif (process := column_type.bind_processor(dialect)) is not None:
            convert.append((position, _remembering(process)))
    names = ", ".join(f'"{c}"' for c in copied)
    column_types = _column_types(connection, table.name)
    types = [column_types.get(c, 0) for c in copied]
    binary = all(t in _BINARY_TYPES for t in types)
    driver = cast(DriverConnection, connection.connection.driver_connection)
    cursor = driver.cursor()
    take = operator.itemgetter(*given) if len(given) > 1 else (lambda row: (row[given[0]],))
    template = [None if c.default.is_callable else c.default.arg for c in defaults]  # type: ignore[union-attr]
    made = [(len(given) + i, c.default.arg) for i, c in enumerate(defaults) if c.default.is_callable]  # type: ignore[union-attr]
    if with_ids:
        made = [(position + 1, arg) for position, arg in made]
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN' + (" (FORMAT BINARY)" if binary else "")) as copy:
        if binary:
            copy.set_types(types)
        write = copy.write_row
        for n, row in enumerate(rows):
            values = [ids[n], *take(row), *template] if with_ids else [*take(row), *template]
            for position, arg in made:
                values[position] = arg(None)
            for position, process in convert:
                values[position] = process(values[position])
            write(values)
    return [(i,) for i in ids]


# Column types whose binary form the driver writes from the values the rows hold (int, str, bool,
# float, an aware datetime, JSON): a table of these alone is copied in PostgreSQL's binary format,
# which both sides read and write with less work than text (no escaping, no parsing of numbers
# and times); any other type keeps the table's COPY in text.
_BINARY_TYPES = frozenset({
    21, 23, 20,     # smallint, integer, bigint
    25, 1043,       # text, varchar
    16, 700, 701,   # boolean, real, double precision
    1184,           # timestamptz
    114, 3802,      # json, jsonb
})
_COLUMN_TYPES = "awizo.bulk_column_types"


def _column_types(connection: Connection, table: str) -> dict[str, int]:
    """The type (oid) of each of the table's columns, read once per database connection."""
    known: dict[str, dict[str, int]] = connection.info.setdefault(_COLUMN_TYPES, {})
    if table not in known:
        known[table] = dict(connection.exec_driver_sql(
            "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %(table)s::regclass "
            "AND attnum > 0 AND NOT attisdropped", {"table": f'"{table}"'}).tuples().all())
    return known[table]


_ID_SEQUENCES = "awizo.bulk_id_sequences"


def _id_sequence(connection: Connection, table: str) -> str:
    """The table's ``id`` sequence as an SQL literal (``'public.items_id_seq'``), looked up once per
    database connection: given as a constant, it is resolved once per statement, whereas
    ``pg_get_serial_sequence`` in the query is called again for every id (ten times the cost)."""
    known: dict[str, str] = connection.info.setdefault(_ID_SEQUENCES, {})
    if table not in known:
        name = connection.exec_driver_sql("SELECT pg_get_serial_sequence(%(table)s, 'id')",
                                          {"table": f'"{table}"'}).scalar_one()
        known[table] = "'" + name.replace("'", "''").replace("%", "%%") + "'"  # a literal in a statement with parameters
    return known[table]


def _json(value):
    return None if value is None else Json(value, _dumps)


def json_dumps(*, ensure_ascii: bool = True, separators: tuple[str, str] = (", ", ": "),
               default: Callable[[Any], Any] | None = None) -> Callable[[Any], str]:
    """``json.dumps`` with these settings, its C encoder made once (``json.dumps`` and
    ``JSONEncoder.encode`` make a new one for every value). No check for cycles: the values are
    plain data (rows, callback bodies)."""
    encoder = json.JSONEncoder(ensure_ascii=ensure_ascii, separators=separators, default=default,
                               check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    strings = json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    encode = make(None, encoder.default, strings, None, encoder.key_separator, encoder.item_separator,
                  False, False, True)
    return lambda value: "".join(encode(value, 0))


_dumps = json_dumps()  # as the driver writes a JSON value


def _remembering(process: Callable) -> Callable:
    """``process`` (a column type's bind processor) computed once per value: a batch's rows share
    their few distinct times, and converting each of them again costs more than looking it up."""
    seen: dict = {}
    last: list = [object(), None]  # the value converted last, and what it became: rows share one time

    def convert(value):
        if value is last[0]:
            return last[1]
        last[1] = _convert(value)
        last[0] = value
        return last[1]

    def _convert(value):
        key = (value.__class__, value)  # equal values of two types (1 and True) are not one value here
        try:
            return seen[key]
        except KeyError:
            converted = seen[key] = process(value)
            return converted
        except TypeError:  # not hashable
            return process(value)
    return convert


_LOADED_INSERTS: dict[tuple, tuple[Any, list[str]]] = {}


def insert_loaded(session: Session, *objects: Any) -> None:
    """Write new ORM objects (of one class) with ``INSERT … RETURNING``, one statement per shape of
    values, and keep them in the session as if just loaded: the unit of work has nothing left to
    flush for them.

    Columns left unset get their defaults from the INSERT, as in a flush, and come back with the
    primary key; a many-to-one relationship that was set gives its foreign key. A later
    change to an object is an ``UPDATE`` at the next flush, as for any loaded object.
    """
    shapes: dict[tuple, list[tuple[Any, dict[str, Any]]]] = {}
    for obj in objects:
        values = _loaded_values(obj)
        shapes.setdefault((type(obj), tuple(values)), []).append((obj, values))
    for (cls, names), group in shapes.items():
        mapper = sa.inspect(cls)
        table = cast(sa.Table, mapper.local_table)
        if (made := _LOADED_INSERTS.get((table, names))) is None:
            returned = [prop for prop in mapper.column_attrs if prop.key not in names]
            statement = sa.insert(table).returning(*(prop.columns[0] for prop in returned), sort_by_parameter_order=True)
            made = _LOADED_INSERTS[(table, names)] = (statement, [prop.key for prop in returned])
        statement, returned_names = made
        keys = [mapper.attrs[name].columns[0].key for name in names]
        found = session.connection().execute(statement, [dict(zip(keys, values.values(), strict=True))
                                                         for _obj, values in group]).all()
        for (obj, values), row in zip(group, found, strict=True):
            for name, value in values.items():
                setattr(obj, name, value)
            for name, value in zip(returned_names, row, strict=True):
                setattr(obj, name, value)
            attach_loaded(session, obj)


def attach_loaded(session: Session, obj: Any, *, merge: bool = False) -> Any:
    """Put ``obj``, whose attributes hold its row as the database has it, in ``session`` as if
    loaded from it, without a statement. With ``merge``, for a row the session may hold already:
    the session's object is the one returned (and given these values)."""
    make_transient_to_detached(obj)
    if merge:
        return session.merge(obj, load=False)
    session.add(obj)
    return obj


def _loaded_values(obj: Any) -> dict[str, Any]:
    """A new object's column values by attribute: as set, or from a many-to-one relationship that was
    set (the others are the INSERT's: Python-side defaults apply there, and come back with the id)."""
    state = sa.inspect(obj)
    mapper = state.mapper
    values: dict[str, Any] = {}
    for relationship in mapper.relationships:
        if relationship.direction is MANYTOONE and relationship.key in state.dict:
            related = state.dict[relationship.key]
            for local, remote in relationship.local_remote_pairs:
                values[mapper.get_property_by_column(local).key] = None if related is None else getattr(
                    related, sa.inspect(related).mapper.get_property_by_column(remote).key)
    for prop in mapper.column_attrs:
        name = prop.key
        if name in state.dict and name not in values:  # a relationship's key wins, as in a flush
            values[name] = state.dict[name]
    return {prop.key: values[prop.key] for prop in mapper.column_attrs if prop.key in values}
