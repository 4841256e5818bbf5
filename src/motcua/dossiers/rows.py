"""The fixed-shape statements of the busiest path (every lifecycle action reads its dossier and steps,
updates a few fields, inserts an event and perhaps a hand-over): their SQL is compiled by the ORM once
per database and shape, then run directly, values prepared and converted by the fields themselves.

Building each statement anew through the ORM was most of an action's time. What is skipped is only
that work: the dossier models have no save signals and no `save()` logic of their own but
DossierEvent's append-only check, which `insert` keeps (it only ever inserts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import Model, QuerySet
from django.db.models.sql import InsertQuery

from motcua.db import converted, run

M = TypeVar("M", bound=Model)

_SQL: dict[tuple, Any] = {}


def _cached(key: tuple, build: Callable[[], Any]) -> Any:
    key = (connection.vendor, *key)
    if key not in _SQL:
        _SQL[key] = build()
    return _SQL[key]


def fetch(name: str, queryset: Callable[[], QuerySet[M]], params: Sequence[Any]) -> list[M]:
    """The instances of a queryset with one parameter, named `name`, selecting all concrete fields
    (the queryset is built with a placeholder value and compiled once per database)."""
    sql, model, converters = _cached(("fetch", name), lambda: _compile_fetch(queryset()))
    rows = run(sql, params).fetchall()
    names = [field.attname for field in model._meta.concrete_fields]
    return [model.from_db(connection.alias, names, converted(row, converters)) for row in rows]


# --- related rows kept on an instance, as a prefetch keeps them ------------------------------------


def prefetched(instance: Model, relation: str) -> list | None:
    """The related rows a prefetch (or a service call, keeping them the same way) left on the instance,
    else None; no query."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return list(cache[relation]) if relation in cache else None


def keep_prefetched(instance: Model, relation: str, related: list) -> None:
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = related


def forget_prefetched(instance: Model, relation: str) -> None:
    """The related rows changed in the database: the next read goes there again."""
    getattr(instance, "_prefetched_objects_cache", {}).pop(relation, None)


def _compile_fetch(queryset: QuerySet) -> tuple[str, type[Model], list]:
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    assert len(params) == 1, sql
    fields = queryset.model._meta.concrete_fields
    selected = [column for column, _, _ in compiler.select]
    assert [getattr(c, "target", None) for c in selected] == list(fields), "select every concrete field"
    converters = sorted(compiler.get_converters(selected).items())
    return sql, queryset.model, converters


# --- values as the ORM prepares them, without its per-value call chain where the result is known ----


def _preparer(field: models.Field, adding: bool) -> Callable[[Model], Any]:
    """The function giving the field's database value of an instance: `get_db_prep_save(pre_save())`,
    short-cut where the result is known without the ORM's call chain: a None; a plain value of the
    field's own type (text or a text choice, boolean; an integer or an id through the backend's
    adapter; a dict or list through the backend's JSON adapter); an aware datetime (as is on
    PostgreSQL, its UTC text on SQLite, as Django's adapters give it)."""

    def full(instance: Model) -> Any:
        return field.get_db_prep_save(field.pre_save(instance, adding), connection=connection)

    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return full
    convert = _converter(field.target_field if isinstance(field, models.ForeignKey) else field)
    if convert is None:
        return full
    attname = field.attname

    def short_cut(instance: Model) -> Any:
        value = instance.__dict__.get(attname, _UNKNOWN)  # a deferred field: the full path loads it
        if value is None:
            return None
        done = _UNKNOWN if value is _UNKNOWN else convert(value)
        return full(instance) if done is _UNKNOWN else done

    return short_cut


_UNKNOWN = object()  # a value the short cut does not know: the ORM's own path prepares it
_PLAIN_TYPES = ((models.BooleanField, bool), (models.CharField, str), (models.TextField, str))
_INTEGER_PREP = models.IntegerField.get_db_prep_value
_AUTO_PREP = models.AutoField.get_db_prep_value  # AutoFieldMixin's, as for BigAutoField


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """What the field's preparation does to a value of a type known here (else _UNKNOWN), when the
    field does not override it; None for a field without a short cut."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        on_sqlite = connection.vendor == "sqlite"

        def moment(value: Any) -> Any:
            if type(value) is not datetime or value.tzinfo is None:
                return _UNKNOWN
            return str(value.astimezone(UTC).replace(tzinfo=None)) if on_sqlite else value

        return moment
    if isinstance(field, models.IntegerField):
        adapt = _integer_adapter(field, ops)
        return None if adapt is None else (lambda value: adapt(value) if type(value) is int else _UNKNOWN)
    if _plain_json(field):
        encoder = field.encoder
        return lambda value: ops.adapt_json_value(value, encoder) if type(value) in (dict, list) else _UNKNOWN
    plain = next((kind for base, kind in _PLAIN_TYPES if isinstance(field, base)), None)
    if plain is None or type(field).get_db_prep_value is not models.Field.get_db_prep_value:
        return None
    # A text choice (a str subclass) is kept as it is by CharField.to_python.
    return lambda value: (
        value if type(value) is plain or (plain is str and isinstance(value, str)) else _UNKNOWN
    )


def _integer_adapter(field: models.IntegerField, ops: Any) -> Callable[[int], Any] | None:
    """What the field's own `get_db_prep_value` does to a plain int (an id, for a foreign key to an
    auto field), when the field does not override it; else None."""
    prep = type(field).get_db_prep_value
    if prep is _INTEGER_PREP:
        internal_type = field.get_internal_type()
        return lambda value: ops.adapt_integerfield_value(value, internal_type)
    return ops.validate_autopk_value if prep is _AUTO_PREP else None


def _plain_json(field: models.Field) -> bool:
    return (
        isinstance(field, models.JSONField)
        and type(field).get_db_prep_value is models.JSONField.get_db_prep_value
        and type(field).get_prep_value is models.Field.get_prep_value
    )


def _preparers(fields: Sequence[models.Field], adding: bool) -> list[Callable[[Model], Any]]:
    return [_preparer(field, adding) for field in fields]


def preparers(model: type[Model], fields: Sequence[models.Field]) -> list[Callable[[Model], Any]]:
    """The value functions of the fields of a new row of the model, made once per database."""
    key = ("preparers", model, tuple(f.attname for f in fields))
    return _cached(key, lambda: _preparers(fields, adding=True))


def update(instance: Model, fields: Sequence[str]) -> None:
    """UPDATE the named fields of the instance's row."""
    model = type(instance)
    sql, targets = _cached(("update", model, tuple(fields)), lambda: _compile_update(model, fields))
    values = [prepare(instance) for prepare in targets]
    run(sql, [*values, instance.pk])


def _compile_update(model: type[Model], names: Sequence[str]) -> tuple[str, list]:
    quote = connection.ops.quote_name
    targets = [model._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in targets)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    return sql, _preparers(targets, adding=False)


def insert_statement(rows: Sequence[Model], *, returning_id: bool = False) -> tuple[str, list]:
    """The INSERT of new rows of one model (their ids not read back, unless returning_id: then one row
    and its id comes back): the SQL compiled by the ORM once per model, number of rows and database,
    the values prepared as the ORM prepares them (`pre_save` on adding, then `get_db_prep_save`; plain
    values, no expressions)."""
    model = type(rows[0])
    key = (connection.vendor, "insert", model, len(rows), returning_id)
    if key not in _SQL:
        _SQL[key] = _compile_insert(model, len(rows), returning_id)
    sql, preparers, by_column = _SQL[key]
    values = [[prepare(row) for prepare in preparers] for row in rows]
    if by_column:  # PostgreSQL's multi-row form: INSERT ... SELECT * FROM UNNEST(one array per column)
        return sql, [list(column) for column in zip(*values, strict=True)]
    return sql, [value for row in values for value in row]


def insertable_fields(model: type[Model]) -> list[models.Field]:
    return [f for f in model._meta.local_concrete_fields if not f.primary_key]


def _compile_insert(model: type[Model], count: int, returning_id: bool) -> tuple[str, list, bool]:
    fields = insertable_fields(model)
    query = InsertQuery(model)
    query.insert_values(fields, [model() for _ in range(count)])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [model._meta.pk] if returning_id else None
    [(sql, params)] = compiler.as_sql()
    by_column = count > 1 and len(params) == len(fields)
    assert by_column or len(params) == len(fields) * count, sql
    return sql, _preparers(fields, adding=True), by_column


def insert(rows: Sequence[Model]) -> None:
    """INSERT new rows of one model (ids not read back: for rows nothing refers to afterwards)."""
    if rows:
        run(*insert_statement(rows))
