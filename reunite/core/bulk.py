"""Inserting many rows fast: what bulk_create does, without its per-value compilation.

Django's bulk_create spends ~15 µs preparing each value of each row; a 100,000-row import writes
about 3 million values. Here each value is prepared once by its model field (so it is stored
exactly as the ORM stores it) and the rows go out as multi-row INSERTs, with RETURNING for the
new ids where the caller needs them (SQLite 3.35+ and PostgreSQL both return them in order).
No signals are sent and no save() runs: use it only for plain rows written inside a domain
function that does its own auditing.

Most values need no preparing at all: a str for a text column, an int for an integer column or a
foreign key, a bool for a boolean are stored as they are (the field's own preparation would return
the same value). Those go straight through; any other value (a date, JSON, a UUID, None on a
foreign key, an expression…) goes through its field as the ORM would send it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import JSONField
from django.db.models import fields as model_fields
from django.db.models.base import ModelState
from django.utils import timezone

MAX_PARAMETERS = 30_000  # per statement: under SQLite's 32,766 and PostgreSQL's 65,535

TEXT_FIELDS = (model_fields.CharField, model_fields.TextField, model_fields.SlugField,
               model_fields.EmailField)
INTEGER_FIELDS = (model_fields.IntegerField, model_fields.BigIntegerField,
                  model_fields.SmallIntegerField, model_fields.PositiveIntegerField,
                  model_fields.PositiveBigIntegerField, model_fields.PositiveSmallIntegerField,
                  model_fields.AutoField, model_fields.BigAutoField, model_fields.SmallAutoField)


def _integer_adapter(field, conn) -> Callable[[int], object]:
    """What the field's get_db_prep_value does to an int: an auto field (a primary key, or what a
    foreign key points to) only checks it, other integer fields adapt it (PostgreSQL: Int4…)."""
    if isinstance(field, model_fields.AutoFieldMixin):
        return conn.ops.validate_autopk_value
    adapt, internal = conn.ops.adapt_integerfield_value, field.get_internal_type()
    return lambda value: adapt(value, internal)


def _preparer(field, conn) -> Callable:
    """obj → the value stored for `field`, exactly as field.get_db_prep_save(field.pre_save(obj,
    True), conn) gives it, without the field's round trips for the common plain values."""
    attname = field.attname

    def generic(obj):
        return field.get_db_prep_save(field.pre_save(obj, True), conn)

    kind = type(field)
    target = field.target_field if field.is_relation and field.many_to_one else field
    if field.is_relation and not field.many_to_one:
        return generic
    if field.is_relation and type(target) in INTEGER_FIELDS:
        adapt = _integer_adapter(target, conn)

        def foreign_key(obj):
            value = getattr(obj, attname)
            if value is None:
                return None
            return adapt(value) if type(value) is int else generic(obj)
        return foreign_key
    if kind is model_fields.DateField and not (field.auto_now or field.auto_now_add):
        adapt_date = conn.ops.adapt_datefield_value

        def date(obj):
            value = getattr(obj, attname)
            return adapt_date(value) if value is None or type(value) is dt.date else generic(obj)
        return date
    if kind in TEXT_FIELDS:
        def text(obj):  # a str (or a choices member, a str too) is stored as it is
            value = getattr(obj, attname)
            return value if value is None or isinstance(value, str) else generic(obj)
        return text
    if type(target) in INTEGER_FIELDS:
        adapt = _integer_adapter(target, conn)

        def integer(obj):
            value = getattr(obj, attname)
            if value is None:
                return None
            return adapt(value) if type(value) is int else generic(obj)
        return integer
    if kind is model_fields.BooleanField:
        def boolean(obj):
            value = getattr(obj, attname)
            return value if value is None or type(value) is bool else generic(obj)
        return boolean
    if kind is model_fields.FloatField:
        def floating(obj):
            value = getattr(obj, attname)
            return value if value is None or type(value) is float else generic(obj)
        return floating
    if kind is model_fields.DateTimeField and (field.auto_now or field.auto_now_add):
        # "Now" once per call, as a database default would be for one statement.
        now = timezone.now()
        prepared = field.get_db_prep_save(now, conn)

        def inserted_at(obj):
            setattr(obj, attname, now)
            return prepared
        return inserted_at
    if kind is model_fields.UUIDField:
        native = conn.features.has_native_uuid_field

        def uuid_value(obj):  # what UUIDField.get_db_prep_value does to a UUID
            value = getattr(obj, attname)
            if type(value) is uuid.UUID:
                return value if native else value.hex
            return generic(obj)
        return uuid_value
    if kind is model_fields.GenericIPAddressField:
        def ip_value(obj):  # most rows written in bulk have none
            value = getattr(obj, attname)
            return None if value is None else generic(obj)
        return ip_value
    if kind is JSONField:
        adapt_json, encoder = conn.ops.adapt_json_value, field.encoder

        def json_value(obj):  # a dict or list as the field sends it, without its layers
            value = getattr(obj, attname)
            return adapt_json(value, encoder) if type(value) in (dict, list) else generic(obj)
        return json_value
    if kind is model_fields.DateTimeField:
        last = [None, None]  # rows written together often share one moment: prepare it once

        def moment(obj):
            value = getattr(obj, attname)
            if value is None:
                return None
            if value is not last[0]:
                last[:] = [value, generic(obj)]
            return last[1]
        return moment
    return generic


def insert_rows(model, objects: list, *, with_ids: bool = False) -> None:
    """INSERT `objects` (unsaved instances of `model`). A preset primary key is written as
    given; otherwise the database assigns it, and with `with_ids` it is set on each object."""
    if not objects:
        return
    connection = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the proxy
    meta = model._meta
    preset = objects[0].pk is not None
    fields = [f for f in meta.concrete_fields if preset or not f.primary_key]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row_sql = f"({', '.join(['%s'] * len(fields))})"
    per_statement = max(1, MAX_PARAMETERS // len(fields))
    returning = with_ids and not preset
    preparers = [_preparer(f, connection) for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objects), per_statement):
            chunk = objects[start:start + per_statement]
            params = [prepare(obj) for obj in chunk for prepare in preparers]
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))}"
            if returning:
                pk = connection.ops.quote_name(meta.pk.column)
                cursor.execute(f"{sql} RETURNING {pk}", params)
                for obj, (new_id,) in zip(chunk, cursor.fetchall(), strict=True):
                    obj.pk = new_id
                    obj._state.adding, obj._state.db = False, connection.alias
            else:
                cursor.execute(sql, params)


def instances(model, rows: Iterable[dict]) -> list:
    """Unsaved instances of `model` for insert_rows, from {attname: value} (a foreign key by its
    id, `child_id`); a field not given takes its default, as Model() gives it. Spares
    Model.__init__'s per-field work (a third of a large import's time): the instances are for
    inserting, not for saving, and no init signals are sent."""
    build = builder(model)
    return [build(row) for row in rows]


def builder(model) -> Callable[[dict], object]:
    """The function `instances` builds each instance with (for one instance at a time)."""
    constant, computed = {}, []
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            computed.append((field.attname, field.get_default))
        else:
            constant[field.attname] = field.get_default()
    new = model.__new__

    def build(row: dict):
        obj = new(model)
        values = dict(constant)
        for attname, default in computed:
            if attname not in row:
                values[attname] = default()
        values.update(row)
        obj.__dict__.update(values)
        obj._state = ModelState()
        return obj
    return build


def insert_values(model, attnames: list[str], rows: Iterable[tuple]) -> int:
    """INSERT rows given as tuples of values for `attnames`, each already what the column stores
    (an int, a str, None): no model instances at all, for derived rows written by the million
    (blocking keys). Returns how many were written."""
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column)
                        for name in attnames)
    sql_start = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES "
    row_sql = f"({', '.join(['%s'] * len(attnames))})"
    per_statement = max(1, MAX_PARAMETERS // len(attnames))
    written = 0
    chunk: list = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.extend(row)
            if len(chunk) >= per_statement * len(attnames):
                cursor.execute(sql_start + ", ".join([row_sql] * per_statement), chunk)
                written, chunk = written + per_statement, []
        if chunk:
            count = len(chunk) // len(attnames)
            cursor.execute(sql_start + ", ".join([row_sql] * count), chunk)
            written += count
    return written
