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

import datetime as dt
import functools
import json
import uuid
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

from openics.core.fields import FixedDecimalField

_ConvertFn = Callable[[Any], Any] | None


def _plain(kind: type) -> Callable[[Any], Any]:
    def convert(value):
        return value if value is None or type(value) is kind else kind(value)

    return convert


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
    if kind in (
        models.IntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
    ):
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


def _filled(model: type[models.Model], rows: Iterable[dict]) -> tuple[list, list[dict]]:
    """Each row with every concrete field (by attname) that the ORM would have set."""
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    stamped = [
        f.attname
        for f in fields
        if isinstance(f, models.DateField) and (getattr(f, "auto_now", False) or f.auto_now_add)
    ]
    defaults: list[tuple[str, Any, bool]] = []
    for f in fields:
        if f.attname in stamped:
            continue
        if f.has_default():
            callable_default = callable(f.default)
            defaults.append(
                (f.attname, f.default if callable_default else f.get_default(), callable_default)
            )
        elif f.null:
            defaults.append((f.attname, None, False))
        elif isinstance(f, (models.CharField, models.TextField)):
            defaults.append((f.attname, "", False))
    # What the ORM's pre_save gives (timezone.now()), read once rather than per row.
    now = dt.datetime.now if not settings.USE_TZ else functools.partial(dt.datetime.now, dt.UTC)
    constant = {name: default for name, default, call in defaults if not call}
    called = [(name, default) for name, default, call in defaults if call]
    out = []
    for row in rows:
        # Per row, as the ORM's pre_save does, so rows keep their order.
        full = constant | dict.fromkeys(stamped, now()) | row if stamped else constant | row
        for name, default in called:
            if name not in full:
                full[name] = default()
        out.append({name: full[name] for name in names})
    return list(fields), out


def _write(model: type[models.Model], fields: list, rows: list[dict]) -> None:
    if not rows:
        return
    columns_sql = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    # Column by column: each converter runs over its column, and none where the driver
    # takes the Python value as it is.
    columns = []
    for f in fields:
        column = [row[f.attname] for row in rows]
        convert = _converter(f)
        columns.append(column if convert is None else list(map(convert, column)))
    values = list(zip(*columns, strict=True))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns_sql}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join(["%s"] * len(fields))
            # Table and columns are quoted names from the model; the values are parameters.
            sql = f"INSERT INTO {table} ({columns_sql}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, values)


def insert_rows(model: type[models.Model], rows: Iterable[dict]) -> list[dict]:
    """Inserts rows given as {attname: value}; returns each row in full (a new primary key,
    creation times and defaults filled in), the same shape as core.audit.snapshot gives."""
    fields, full = _filled(model, rows)
    _write(model, fields, full)
    return full


def insert_objects(objs: list[models.Model]) -> None:
    """Inserts unsaved instances of one model, as bulk_create would, in one statement: their
    creation times are set on them, and afterwards they count as saved."""
    if not objs:
        return
    model = type(objs[0])
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    rows = [{name: getattr(obj, name) for name in names} for obj in objs]
    # The instances' own defaults (a pk made when each was built) stand; times are set here.
    for row in rows:
        for f in fields:
            if isinstance(f, models.DateField) and (
                getattr(f, "auto_now", False) or f.auto_now_add
            ):
                row.pop(f.attname)
    fields, full = _filled(model, rows)
    _write(model, fields, full)
    alias = connection.alias
    for obj, row in zip(objs, full, strict=True):
        for f in fields:
            if isinstance(f, models.DateField) and (
                getattr(f, "auto_now", False) or f.auto_now_add
            ):
                setattr(obj, f.attname, row[f.attname])
        obj._state.adding = False
        obj._state.db = alias


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
