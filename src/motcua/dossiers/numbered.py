"""PostgreSQL: a new dossier written and numbered by one statement.

The day's number of a receiving unit is the one point its intakes pass one at a time (codes are
gap-free: the counter row stays locked from its increment until commit). Here the increment, the
dossier with its code, its papers, steps and other first rows and its first event are a single
`WITH ... INSERT` statement; run on its own (autocommit), the lock lasts for that statement and its
commit only, and the whole write is one round trip. What depends on the code is made by the database
from it: the code (`<agency>-<YYMMDD>-<NNNN>`, as codes.format_code writes it), and the event's hash,
the SHA-256 of the event's canonical text with the code set between the two parts Python made
(events.hashed_text_around_code); events.verify_chain recomputes it in Python (tested).

Elsewhere (SQLite, or PostgreSQL with server-side binding, which takes no multi-part statement
params this way) the intake numbers the dossier itself (codes.next_code) and inserts its rows
(services._insert_intake)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import orjson
from django.db import connection
from django.db.models import Field, Model
from psycopg.types.json import Jsonb

from motcua.db import run

from . import rows
from .codes import code_prefix, upsert_sql
from .models import Dossier, DossierEvent

_PLAIN_AGENCY_CODE = re.compile(r"[A-Za-z0-9.]+")


def available(agency_code: str) -> bool:
    """Whether this database and agency code take the one-statement write."""
    return (
        connection.vendor == "postgresql"
        and not connection.settings_dict["OPTIONS"].get("server_side_binding")
        and _PLAIN_AGENCY_CODE.fullmatch(agency_code) is not None
    )


@dataclass(frozen=True)
class HashedText:
    """The event's canonical text before and after the code (events.hashed_text_around_code)."""

    before: str
    after: str


def write(
    dossier: Dossier,
    *,
    agency_code: str,
    day: date,
    groups: Sequence[Sequence[Model]],
    event: DossierEvent,
    hashed: HashedText,
) -> None:
    """Number and insert the dossier, then the rows of each group (one model per group) and the event;
    the instances get the ids, code and hashes."""
    shape = tuple(type(group[0]) for group in groups)
    params: list[Any] = [agency_code, day, code_prefix(agency_code, day), hashed.before, hashed.after]
    params.append(_document([dossier], _dossier_fields(), several=False))
    params += [_document(group, _child_fields(model)) for model, group in zip(shape, groups, strict=True)]
    params.append(_document([event], _event_fields(), several=False))
    cursor = run(_statement(shape), params)
    dossier.pk, dossier.code, dossier.log_book_number, dossier.last_event_hash = cursor.fetchone()
    dossier._state.adding, dossier._state.db = False, connection.alias
    event.hash = dossier.last_event_hash
    for row in [event, *(row for group in groups for row in group)]:
        row.dossier_id = dossier.pk


# --- values: one JSON document per row or group ----------------------------------------------------
#
# Each row travels as a JSON object keyed by column (jsonb_populate_record(set) turns it into a row
# of its table, every value through its column type's input function): a dozen parameters and a
# statement text short enough for psycopg to keep its parsed form, instead of one parameter per
# column, re-parsed at every intake.


# Keys as the stdlib writes them (a JSON payload may have integer keys); moments as ISO 8601 text
# with their offset, which the column types read back exactly.
_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS


def _document(instances: Sequence[Model], fields: Sequence[Field], *, several: bool = True) -> str:
    """The rows as one JSON text (an array, or one object), written by orjson: the stdlib encoder,
    calling back for every moment, took a sixth of an intake's Python time."""
    prepare = rows.preparers(type(instances[0]), fields)
    columns = [field.column for field in fields]
    made = [dict(zip(columns, [p(instance) for p in prepare], strict=True)) for instance in instances]
    return orjson.dumps(made if several else made[0], default=_json_value, option=_JSON_OPTIONS).decode()


def _json_value(value: Any) -> Any:
    """A prepared value orjson does not write by itself, as its column type reads it back."""
    if isinstance(value, Jsonb):  # a JSON column's value as the backend adapts it
        return value.obj
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"no JSON text for {type(value).__name__} in the one-statement intake")


# --- the statement, built once per shape ---------------------------------------------------------

_BY_DATABASE = ("code", "log_book_number", "last_event_hash")
_STATEMENTS: dict[tuple, str] = {}


@cache
def _dossier_fields() -> tuple[Field, ...]:
    return tuple(f for f in rows.insertable_fields(Dossier) if f.attname not in _BY_DATABASE)


@cache
def _child_fields(model: type[Model]) -> tuple[Field, ...]:
    return tuple(f for f in rows.insertable_fields(model) if f.attname != "dossier_id")


@cache
def _event_fields() -> tuple[Field, ...]:
    return tuple(f for f in _child_fields(DossierEvent) if f.attname != "hash")


def _statement(shape: tuple) -> str:
    if shape not in _STATEMENTS:
        _STATEMENTS[shape] = _build(shape)
    return _STATEMENTS[shape]


def _build(shape: tuple) -> str:
    quote = connection.ops.quote_name
    dossier_fields = _dossier_fields()
    by_database = _names(Dossier._meta.get_field(n) for n in _BY_DATABASE)
    parts = [
        f"counter AS ({upsert_sql()} AS n)",  # the day's number, as codes.next_sequence takes it
        # The number keeps at least 4 digits (lpad alone would cut a longer one).
        "numbered AS (SELECT %s || lpad(n::text, greatest(4, length(n::text)), '0') AS new_code, n "
        "FROM counter)",
        "hashed AS (SELECT new_code, n, encode(sha256(convert_to(%s || new_code || %s, 'UTF8')), 'hex') "
        "AS new_hash FROM numbered)",
        f"new_dossier AS (INSERT INTO {quote(Dossier._meta.db_table)} ({_names(dossier_fields)}, "
        f"{by_database}) SELECT {_names(dossier_fields, 'r')}, new_code, n, new_hash "
        f"FROM hashed, {_from_json(Dossier)} RETURNING id, {by_database})",
    ]
    for index, model in enumerate(shape):
        fields = _child_fields(model)
        parts.append(
            f"rows_{index} AS (INSERT INTO {quote(model._meta.db_table)} (dossier_id, {_names(fields)}) "
            f"SELECT new_dossier.id, {_names(fields, 'r')} FROM new_dossier, {_from_json(model, several=True)})"
        )
    event_fields = _event_fields()
    parts.append(
        f"new_event AS (INSERT INTO {quote(DossierEvent._meta.db_table)} "
        f"(dossier_id, {_names(event_fields)}, hash) "
        f"SELECT new_dossier.id, {_names(event_fields, 'r')}, new_dossier.last_event_hash "
        f"FROM new_dossier, {_from_json(DossierEvent)})"
    )
    return "WITH " + ", ".join(parts) + f" SELECT id, {by_database} FROM new_dossier"


def _from_json(model: type[Model], *, several: bool = False) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    function = "jsonb_populate_recordset" if several else "jsonb_populate_record"
    return f"{function}(NULL::{table}, %s::jsonb) AS r"


def _names(fields: Iterable[Field], table: str = "") -> str:
    prefix = f"{table}." if table else ""
    return ", ".join(prefix + connection.ops.quote_name(f.column) for f in fields)
