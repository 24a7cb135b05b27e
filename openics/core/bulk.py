"""Set-based inserts for imports: many rows in one statement, without model instances.

`bulk_create` prepares every value of every instance through the ORM, which for a national
file (tens of thousands of rows) costs far more than the database does. These helpers
take plain values, fill in what the ORM would (a new primary key, the creation times,
constant defaults), convert each column once per field type, and write with one
`executemany` (SQLite) or `COPY` (PostgreSQL). They run inside the caller's transaction,
so an import stays all or nothing; they do not call `save()` or send signals, which no
model written this way uses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
import os
import queue
import threading
import uuid
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import repeat
from operator import attrgetter
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models.base import ModelState

from openics.core.fields import FixedDecimalField
from openics.kernel.money import Money

_ConvertFn = Callable[[Any], Any] | None


class _Plain:
    """A column converter to a plain type: not the value itself when it is a subclass (an
    enum member, say) but its plain value. A whole column already of that type (or None)
    is taken as it is, found without a call per value."""

    __slots__ = ("kind", "plain")

    def __init__(self, kind: type) -> None:
        self.kind = kind
        self.plain = frozenset({kind, type(None)})

    def __call__(self, value):
        return value if value is None or type(value) is self.kind else self.kind(value)

    def column(self, values: list) -> list:
        if self.plain.issuperset(map(type, values)):
            return values
        return list(map(self, values))


def _plain(kind: type) -> _Plain:
    return _Plain(kind)


@functools.cache
def _instance_defaults(model: type[models.Model]) -> tuple[dict, frozenset]:
    """What Model() sets on each field (get_default: the default, "" or None); the primary
    key is made apart, and no other default may be made per instance."""
    values = {}
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default) and not f.primary_key:
            raise TypeError(f"{model.__name__}.{f.attname} has a default made per instance")
        values[f.attname] = None if f.primary_key else f.get_default()
    return values, frozenset(values)


def new_instance(model: type[models.Model], values: dict) -> models.Model:
    """An unsaved instance of `model` (whose primary key is a UUID made by uuid4), as
    Model(**values) makes it with values given by attname, without its per-field work:
    the model's constant defaults, then `values`, then a new id."""
    defaults, names = _instance_defaults(model)
    if not names.issuperset(values):
        raise TypeError(f"{model.__name__} has no field {sorted(set(values) - names)[0]!r}")
    obj = model.__new__(model)
    obj._state = ModelState()
    obj.__dict__.update(defaults)
    obj.__dict__.update(values)
    obj.__dict__[model._meta.pk.attname] = _next_uuid()
    return obj


_UUIDS: list[uuid.UUID] = []
# A child process (a server's worker) must not hand out the ids its parent holds in reserve.
os.register_at_fork(after_in_child=_UUIDS.clear)


def _next_uuid() -> uuid.UUID:
    """A new random UUID (version 4), from a batch made with one call for random bytes."""
    try:
        return _UUIDS.pop()
    except IndexError:
        _UUIDS.extend(uuid.UUID(hex_id) for hex_id in new_ids(1024))
        return _UUIDS.pop()


class _QuickDjangoJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, with the types an audit snapshot is made of looked up by type
    first: the same text, without its chain of isinstance tests for each value."""

    _QUICK: ClassVar[dict[type, Callable[[Any], Any]]] = {
        uuid.UUID: str,
        Decimal: str,
        dt.date: dt.date.isoformat,
    }

    def default(self, o):
        quick = self._QUICK.get(type(o))
        return quick(o) if quick is not None else super().default(o)


def _json_datetime(o: dt.datetime) -> str:
    """DjangoJSONEncoder's text for a datetime (milliseconds, UTC as Z)."""
    r = o.isoformat()
    if o.microsecond:
        r = r[:23] + r[26:]
    if r.endswith("+00:00"):
        r = r.removesuffix("+00:00") + "Z"
    return r


# The types a snapshot's values are made of, each to the text DjangoJSONEncoder gives it.
_DJANGO_JSON_VALUES: dict[type, Callable[[Any], Any]] = {
    uuid.UUID: str,
    Decimal: str,
    dt.date: dt.date.isoformat,
    dt.datetime: _json_datetime,
}


def _django_json(encode: Callable[[Any], str]) -> Callable[[Any], Any]:
    """The column converter for a JSONField with DjangoJSONEncoder: a flat dict's values are
    turned to text by type first, so the C encoder writes the rest without calling back
    into Python for each value; the text is the same."""
    quick = _DJANGO_JSON_VALUES

    def convert(v):
        if v is None:
            return None
        if type(v) is JsonText:
            return str(v)
        if type(v) is dict:
            v = {k: (f(x) if (f := quick.get(type(x))) is not None else x) for k, x in v.items()}
        return encode(v)

    return convert


def _sqlite_uuid(value):
    """Django keeps a UUID on SQLite as its 32 hex digits."""
    if value is None:
        return None
    return (value if type(value) is uuid.UUID else uuid.UUID(str(value))).hex


def _sqlite_datetime() -> _ConvertFn:
    """Django's SQLite form of a datetime (naive, in the connection's zone, str()), quickly
    for the UTC times timezone.now() gives when the connection's zone is UTC."""
    adapt = connection.ops.adapt_datetimefield_value
    if connection.timezone is not dt.UTC and str(connection.timezone) != "UTC":
        return adapt

    def convert(value):
        if value is not None and value.tzinfo is dt.UTC:
            return str(value.replace(tzinfo=None))
        return adapt(value)

    return convert


def _fixed_decimal(field: FixedDecimalField) -> Callable[[Any], Any]:
    """FixedDecimalField.get_prep_value, with a Decimal's rounding done here in one step."""
    places, prep = field.places, field.get_prep_value
    quantum = Decimal(1).scaleb(-places)

    def convert(value):
        if type(value) is not Decimal:
            return prep(value)
        return int(value.quantize(quantum, rounding=ROUND_HALF_EVEN).scaleb(places))

    return convert


def _converter(field: models.Field) -> _ConvertFn:
    """What the database driver is given for a Python value of `field`."""
    if field.is_relation:
        return _converter(field.target_field)
    native = connection.vendor == "postgresql"  # psycopg adapts these types itself
    kind = type(field)
    if kind is models.UUIDField:
        return None if native else _sqlite_uuid
    if kind is models.DateTimeField:
        return None if native else _sqlite_datetime()
    if kind is models.DateField:
        return None if native else connection.ops.adapt_datefield_value
    if kind in (models.CharField, models.TextField):
        return _plain(str)
    if kind in _INTEGER_FIELDS:
        return _plain(int)
    if kind is models.BooleanField:
        return None
    if kind is models.JSONField:
        # One encoder for the column gives what json.dumps(v, cls=field.encoder) gives.
        encoder_class = field.encoder or json.JSONEncoder
        if encoder_class is DjangoJSONEncoder:
            encoder_class = _QuickDjangoJSONEncoder
        encode = encoder_class().encode
        if encoder_class is _QuickDjangoJSONEncoder:
            return _django_json(encode)
        return lambda v: None if v is None else encode(v)
    if kind is FixedDecimalField:
        return _fixed_decimal(field)
    # Anything else (money, custom fields) goes the ORM's own way, value by value.
    return lambda v: field.get_db_prep_save(v, connection)


class Same:
    """A column whose every row holds one value: converted once, not once per row."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class JsonText(str):
    """JSON already written as text, for a JSONField: stored as it is, not encoded again."""


class Prepared:
    """A column given twice: as the database holds it (what db_value gives) and as the
    row's snapshot holds it in JSON. For values the caller has already worked out once
    per body rather than once per row (a body's id, on each of its links)."""

    __slots__ = ("db", "json")

    def __init__(self, db: list, json: list) -> None:
        self.db = db
        self.json = json


Column = list | Same | Prepared

# The version (4) and variant (RFC) bits of a random UUID (RFC 9562), set on its seventh
# and ninth bytes through a table for every byte value.
_UUID4_VERSION = bytes((b & 0x0F) | 0x40 for b in range(256))
_UUID4_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))


def new_ids(n: int) -> list[str]:
    """n new random UUIDs (version 4) as 32 hex digits, in increasing order: rows written
    together keep their order when sorted by creation time and then by id."""
    data = bytearray(os.urandom(16 * n))
    data[6::16] = data[6::16].translate(_UUID4_VERSION)
    data[8::16] = data[8::16].translate(_UUID4_VARIANT)
    digits = data.hex()
    return sorted(digits[i : i + 32] for i in range(0, 32 * n, 32))


def uuid_array_text(ids: list) -> str:
    """PostgreSQL's text for an array of UUIDs ('{…,…}'), from UUIDs or their hex digits."""
    if not all(type(i) is str for i in ids):
        ids = [i if type(i) is str else i.hex for i in ids]
    return "{" + ",".join(ids) + "}"


def hyphenated(hex_id: str) -> str:
    """A UUID's 32 hex digits in its usual form, as str(uuid.UUID) gives it."""
    h = hex_id
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _json_ready(field: models.Field) -> _ConvertFn:
    """What a snapshot holds in JSON for a value of `field`: the text DjangoJSONEncoder
    would write for it, as a Python str, int, bool or None, so the C encoder needs no
    help (None where the value already is one of those)."""
    if field.is_relation:
        return _json_ready(field.target_field)
    kind = type(field)
    if kind in (models.CharField, models.TextField, models.BooleanField, models.JSONField) or (
        kind in _INTEGER_FIELDS
    ):
        return None
    if kind is models.UUIDField:
        return lambda v: None if v is None else str(v)
    if kind is models.DateField:
        return lambda v: None if v is None else v.isoformat()

    def convert(value):
        quick = _DJANGO_JSON_VALUES.get(type(value))
        if quick is not None:
            return quick(value)
        if isinstance(value, Money):
            return value.pence
        return value

    return convert


_INTEGER_FIELDS = (
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
)


_encode_str = json.encoder.encode_basestring_ascii


def _json_token(value: Any) -> str:
    """The JSON text of a JSON-ready value (as json.dumps writes it by default)."""
    if type(value) is str:
        return _encode_str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return json.dumps(value)


def _each(column: Column, convert: Callable[[Any], Any] | None) -> Column:
    if convert is None:
        return column
    if type(column) is Same:
        return Same(convert(column.value))
    if type(convert) is _Plain:
        return convert.column(column)
    return list(map(convert, column))


def _rows_of(columns: list[Column], n: int) -> Iterable[tuple]:
    return zip(*(repeat(c.value, n) if type(c) is Same else c for c in columns), strict=True)


class Written:
    """Rows just inserted, column by column, with what an audit entry needs of them."""

    def __init__(
        self,
        model: type[models.Model],
        names: list[str],
        json_columns,
        n: int,
        moment,
        stored_ids: Column | None = None,
    ) -> None:
        self.model = model
        self._stored_ids = stored_ids  # the primary keys as the driver was given them
        self.moment = moment  # the creation time given to every row
        self.names = names
        self.json_columns: list[Column] = json_columns
        self.n = n

    @property
    def ids(self) -> list[str]:
        """Each row's primary key as text (str() of it), in the order written."""
        pk = self.json_columns[self.names.index(self.model._meta.pk.attname)]
        return [pk.value] * self.n if type(pk) is Same else [str(v) for v in pk]

    @property
    def stored_ids(self) -> list:
        """Each row's primary key as the database driver was given it, in the order written."""
        ids = self._stored_ids
        return [ids.value] * self.n if type(ids) is Same else list(ids)

    def json_rows(self) -> Iterable[tuple]:
        """Each row's values as its snapshot holds them in JSON, in the order of `names`."""
        return _rows_of(self.json_columns, self.n)

    def snapshots(self) -> list[JsonText]:
        """Each row's snapshot (core.audit.snapshot) as JSON text: the same text that
        json.dumps(snapshot, cls=DjangoJSONEncoder) gives, written without a dict."""
        template = (
            "{"
            + ", ".join(f"{_encode_str(name).replace('%', '%%')}: %s" for name in self.names)
            + "}"
        )
        tokens = [
            Same(_json_token(c.value)) if type(c) is Same else list(map(_json_token, c))
            for c in self.json_columns
        ]
        return [JsonText(template % row) for row in _rows_of(tokens, self.n)]


def _snapshot_value_sql(field: models.Field, column: str) -> str | None:
    """SQL giving, from a row as stored, the JSON value its snapshot holds for `field`
    (what DjangoJSONEncoder writes for the Python value); None for a type it does not know."""
    if field.is_relation:
        return _snapshot_value_sql(field.target_field, column)
    kind = type(field)
    postgresql = connection.vendor == "postgresql"
    if kind is models.UUIDField:  # stored as 32 hex digits on SQLite, in its usual form
        if postgresql:
            return f"{column}::text"
        return (
            f"substr({column}, 1, 8) || '-' || substr({column}, 9, 4) || '-' || "
            f"substr({column}, 13, 4) || '-' || substr({column}, 17, 4) || '-' || "
            f"substr({column}, 21)"
        )
    if kind is models.BooleanField:
        if postgresql:
            return column
        return (
            f"json(CASE WHEN {column} IS NULL THEN 'null' WHEN {column} THEN 'true' "
            "ELSE 'false' END)"
        )
    # Text, whole numbers and days (an ISO date as both databases give it) as they are.
    if kind in (models.CharField, models.TextField, models.DateField) or kind in _INTEGER_FIELDS:
        return column
    return None


def id_text_sql(model: type[models.Model], column: str) -> str:
    """SQL giving a row's primary key (a UUID, in `column`) as text, as str() of it gives."""
    text = _snapshot_value_sql(model._meta.pk, column)
    if text is None:
        raise TypeError(f"{model.__name__} has no UUID primary key")
    return text


def snapshots_sql(written: Written, table_alias: str) -> tuple[str, list] | None:
    """SQL (and its parameters) giving each row's snapshot as JSON, built by the database
    from the rows `written` just inserted (joined as `table_alias`): the same value as
    Written.snapshots, without a text per row made in Python. A column every row shares
    is given once as its JSON. None when a column's type is not one it can write."""
    postgresql = connection.vendor == "postgresql"
    parts, params = [], []
    fields = {f.attname: f for f in written.model._meta.concrete_fields}
    for name, column in zip(written.names, written.json_columns, strict=True):
        if type(column) is Same:
            value = "%s::jsonb" if postgresql else "json(%s)"
            params += [name, _json_token(column.value)]
        else:
            quoted = f"{table_alias}.{connection.ops.quote_name(fields[name].column)}"
            value = _snapshot_value_sql(fields[name], quoted)
            if value is None:
                return None
            params.append(name)
        parts.append(f"{'%s::text' if postgresql else '%s'}, {value}")
    if postgresql and len(parts) > 50:  # jsonb_build_object takes at most 100 arguments
        return None
    function = "jsonb_build_object" if postgresql else "json_object"
    return f"{function}({', '.join(parts)})", params


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector held off while a file's rows are read and written.

    An import makes hundreds of thousands of small objects (rows, values, instances) that
    all stay alive until it ends; each few hundred made, the collector would walk every
    object alive, the whole process's, to find none to free. It runs again as before
    afterwards (or stays off, if the caller had turned it off); memory is still freed as
    each object's last reference goes.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _generated_pk(field: models.Field) -> bool:
    return field.primary_key and type(field) is models.UUIDField and field.default is uuid.uuid4


def insert_columns(
    model: type[models.Model], columns: dict[str, Column], n: int, *, keep_pk: bool = False
) -> Written:
    """Inserts n rows given column by column ({attname: list of n values, or Same(value)}),
    as Python values of their fields. What the ORM would set and is not given is filled
    in: a new primary key, the creation times (one moment for the whole call), constant
    defaults. Each column is converted once for the driver and once for the audit."""
    fields = model._meta.concrete_fields
    # What the ORM's pre_save gives (timezone.now()), once for all the rows.
    now = dt.datetime.now(dt.UTC) if settings.USE_TZ else dt.datetime.now()
    db_columns: list[Column] = []
    json_columns: list[Column] = []
    for f in fields:
        column = columns.get(f.attname)
        if type(column) is Prepared:
            db_columns.append(column.db)
            json_columns.append(column.json)
            continue
        if column is None and _generated_pk(f) and not keep_pk:
            hexes = new_ids(n)
            db_columns.append(hexes)  # both databases take a UUID as its hex digits
            json_columns.append(list(map(hyphenated, hexes)))
            continue
        if column is None:
            if isinstance(f, models.DateField) and (
                getattr(f, "auto_now", False) or f.auto_now_add
            ):
                column = Same(now)
            elif f.has_default():
                column = (
                    [f.get_default() for _ in range(n)] if callable(f.default) else Same(f.default)
                )
            elif f.null:
                column = Same(None)
            elif isinstance(f, (models.CharField, models.TextField)):
                column = Same("")
            else:
                raise ValueError(f"{model.__name__}.{f.attname} has no value and no default")
        db_columns.append(_each(column, _converter(f)))
        json_columns.append(_each(column, _json_ready(f)))
    _write(model, list(fields), db_columns, n)
    pk = [f.primary_key for f in fields].index(True)
    return Written(model, [f.attname for f in fields], json_columns, n, now, db_columns[pk])


class _Writer:
    """A thread of its own that sends writes to the database, one after another in the
    order given, on the connection of the thread that made it (and in its transaction).
    The writes go in while that thread prepares the next; any statement it runs itself
    first waits for the writes given before it (`wait`), so it sees them. The first
    error stops the rest and is raised by the next wait, as it would have been raised
    where the write was given."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self._raw = connection.connection  # the driver's connection, not Django's wrapper
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._pending = 0
        self._done = threading.Condition()
        self._error: BaseException | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="openics-bulk-writer")
        self._thread.start()

    def _run(self) -> None:
        while (task := self._tasks.get()) is not None:
            if self._error is None and not self._stopped:
                try:
                    task(self._raw)
                except BaseException as error:  # raised in the caller's thread by wait()
                    self._error = error
            with self._done:
                self._pending -= 1
                self._done.notify_all()

    def submit(self, task: Callable[[Any], None]) -> None:
        """Runs task(connection) after the writes given before it."""
        self._raise()
        with self._done:
            self._pending += 1
        self._tasks.put(task)

    def wait(self) -> None:
        """Waits until every write given so far is done; raises the first that failed."""
        with self._done:
            self._done.wait_for(lambda: self._pending == 0)
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def before_statement(self, execute, sql, params, many, context):
        """A Django execute wrapper: the caller's own statements wait for the writes."""
        self.wait()
        return execute(sql, params, many, context)

    def stop(self) -> None:
        """Lets the write under way finish, drops those not begun, and ends the thread."""
        self._stopped = True
        self._tasks.put(None)
        self._thread.join()


_WRITER = threading.local()


def _writer() -> _Writer | None:
    return getattr(_WRITER, "writer", None)


@contextlib.contextmanager
def writes_in_background():
    """Within the block, on PostgreSQL, the rows `insert_columns` and `write_sql` write are
    sent by a thread of their own while this one goes on: the database's work on one table
    overlaps Python's preparing the next. Nothing else changes: the writes are made in the
    order given, on the same connection and in the same transaction; every other
    statement waits for them first; the block ends only when they are done, and a write
    that fails raises its error (from the block at the latest), so the caller's
    transaction rolls back as before. On SQLite, and inside another such block, the writes
    are made where they are given."""
    if connection.vendor != "postgresql" or _writer() is not None:
        yield
        return
    writer = _Writer()
    _WRITER.writer = writer
    try:
        with connection.execute_wrapper(writer.before_statement):
            yield
            writer.wait()
    finally:
        _WRITER.writer = None
        writer.stop()


def write_sql(sql: str, params: list, check: Callable[[int], None] | None = None) -> None:
    """Executes a statement that writes (and returns no rows); `check` is given the number
    of rows it wrote. Within `writes_in_background`, it runs in the writing thread."""
    writer = _writer()
    if writer is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if check is not None:
                check(cursor.rowcount)
        return

    wrap = connection.wrap_database_errors  # Django's errors, as its cursor raises them

    def task(raw):
        with raw.cursor() as cursor:
            with wrap:
                cursor.execute(sql, params)
            if check is not None:
                check(cursor.rowcount)

    writer.submit(task)


# COPY's text format (PostgreSQL): a backslash, tab, newline or carriage return in a value
# is escaped; a null is \N; cells are separated by tabs and rows end with a newline.
_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _escape(text: str) -> str:
    for special, escaped in _COPY_ESCAPES:
        if special in text:
            text = text.replace(special, escaped)
    return str(text)


def _escape_all(texts: list[str]) -> list[str]:
    """_escape of each, found without a call per text when none needs it (the usual)."""
    whole = "".join(texts)
    if any(special in whole for special, _ in _COPY_ESCAPES):
        return list(map(_escape, texts))
    return texts


_COPY_TEXT: dict[type, Callable[[Any], str]] = {
    str: _escape,
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    int: int.__str__,
    uuid.UUID: attrgetter("hex"),
    dt.datetime: dt.datetime.isoformat,
    dt.date: dt.date.isoformat,
    Decimal: Decimal.__str__,
}


def _copy_cells(column: Column) -> list[str] | Same | None:
    """A column's cells in COPY's text format, as the database driver would write them;
    None if it holds a value of a type this does not know (the driver then writes it)."""
    if type(column) is Same:
        text = _COPY_TEXT.get(type(column.value))
        return None if text is None else Same(text(column.value))
    kinds = set(map(type, column))
    if kinds == {str}:
        return _escape_all(column)
    if len(kinds) == 1:
        text = _COPY_TEXT.get(next(iter(kinds)))
        return None if text is None else list(map(text, column))
    if not kinds.issubset(_COPY_TEXT):
        return None
    table = _COPY_TEXT
    return [table[type(value)](value) for value in column]


def _copy_data(columns: list[Column], n: int) -> bytes | None:
    """The rows in COPY's text format, written a column at a time rather than a value at a
    time; None if a column holds a value of a type it does not know."""
    cells = []
    for column in columns:
        converted = _copy_cells(column)
        if converted is None:
            return None
        cells.append(converted)
    lines = map("\t".join, _rows_of(cells, n))
    return ("\n".join(lines) + "\n").encode()


def _write(model: type[models.Model], fields: list, columns: list[Column], n: int) -> None:
    if not n:
        return
    columns_sql = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    values = _rows_of(columns, n)
    if connection.vendor == "postgresql":
        sql = f"COPY {table} ({columns_sql}) FROM STDIN"
        data = _copy_data(columns, n)

        def copy_rows(raw):
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                if data is not None:
                    copy.write(data)
                    return
                write = copy.write_row
                for value in values:
                    write(value)

        writer = _writer()
        if writer is not None:
            writer.submit(copy_rows)
            return
        with connection.cursor() as cursor:
            copy_rows(cursor.cursor.connection)
        return
    marks = ", ".join(["%s"] * len(fields))
    # Table and columns are quoted names from the model; the values are parameters.
    sql = f"INSERT INTO {table} ({columns_sql}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(values))


def insert_rows(model: type[models.Model], rows: Iterable[dict]) -> list[dict]:
    """Inserts rows given as {attname: value}; returns each row in full (a new primary key,
    creation times and defaults filled in), the same shape as core.audit.snapshot gives."""
    rows = list(rows)
    if not rows:
        return []
    given = {name for row in rows for name in row}
    columns = {name: [row.get(name) for row in rows] for name in given}
    written = insert_columns(model, columns, len(rows))
    return [dict(zip(written.names, row, strict=True)) for row in written.json_rows()]


def insert_objects(objs: list[models.Model]) -> Written | None:
    """Inserts unsaved instances of one model, as bulk_create would, in one statement: their
    creation times are set on them, and afterwards they count as saved."""
    if not objs:
        return None
    model = type(objs[0])
    fields = model._meta.concrete_fields
    stamped = [
        f
        for f in fields
        if isinstance(f, models.DateField) and (getattr(f, "auto_now", False) or f.auto_now_add)
    ]
    # The instances' own values (a pk made when each was built) stand; times are set here.
    columns = {
        f.attname: list(map(attrgetter(f.attname), objs)) for f in fields if f not in stamped
    }
    written = insert_columns(model, columns, len(objs), keep_pk=True)
    alias = connection.alias
    for obj in objs:
        for f in stamped:
            setattr(obj, f.attname, written.moment)
        obj._state.adding = False
        obj._state.db = alias
    return written


def load_instances(queryset: models.QuerySet) -> list[models.Model]:
    """The queryset's rows as saved instances, loaded with the ORM's converters (values_list)
    but built without Model.__init__: for reading thousands of rows to compare with a file."""
    model = queryset.model
    names = [f.attname for f in model._meta.concrete_fields]
    alias = queryset.db
    new, made = model.__new__, []
    for values in queryset.values_list(*names):
        obj = new(model)
        obj._state = state = ModelState()
        state.adding, state.db = False, alias
        obj.__dict__.update(zip(names, values, strict=True))
        made.append(obj)
    return made


def db_value(field: models.Field) -> Callable[[Any], Any]:
    """What the database holds (and its driver gives back) for a Python value of `field`:
    a UUID as its 32 hex digits on SQLite, a fixed decimal as its whole number, …, so a
    Python value can be compared with a row read by `raw_values`."""
    convert = _converter(field)
    return convert if convert is not None else (lambda value: value)


def raw_values(queryset: models.QuerySet) -> list[tuple]:
    """The rows of a `values_list` queryset as the database driver gives them, without the
    ORM's converters (UUIDs, fixed decimals): for comparing many rows with `db_value`."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # e.g. a filter on an empty list: no row can match
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
