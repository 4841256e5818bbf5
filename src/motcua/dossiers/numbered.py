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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
from django.db import connection
from django.db.models import Field, JSONField, Model

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
    """Number and insert the dossier, then the rows of each group (one model per group, several rows
    only for models without JSON fields) and the event; the instances get the ids, code and hashes."""
    shape = tuple((type(group[0]), len(group) > 1) for group in groups)
    sql = _statement(shape)
    params: list[Any] = [agency_code, day, code_prefix(agency_code, day), hashed.before, hashed.after]
    params += _values(dossier, _dossier_fields())
    for (model, several), group in zip(shape, groups, strict=True):
        params += _columns(group) if several else _values(group[0], _child_fields(model))
    params += _values(event, _event_fields())
    with _prepared_cursor() as cursor:
        cursor.execute(sql, params)
        dossier.pk, dossier.code, dossier.log_book_number, dossier.last_event_hash = cursor.fetchone()
    dossier._state.adding, dossier._state.db = False, connection.alias
    event.hash = dossier.last_event_hash
    for row in [event, *(row for group in groups for row in group)]:
        row.dossier_id = dossier.pk


class _PreparingCursor(psycopg.Cursor):
    """Binds parameters on the server and has PostgreSQL prepare the statement (once per connection
    and shape), so it is not parsed and planned at every intake."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


def _prepared_cursor():
    """A preparing cursor wrapped by Django (its errors, query logging and execute wrappers)."""
    connection.ensure_connection()
    cursor = _PreparingCursor(connection.connection)
    return (
        connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)
    )


# --- values --------------------------------------------------------------------------------------


def _values(instance: Model, fields: Sequence[Field]) -> list[Any]:
    return [prepare(instance) for prepare in rows.preparers(type(instance), fields)]


def _columns(group: Sequence[Model]) -> list[list[Any]]:
    """One array per column (UNNEST), as Django's own multi-row insert on PostgreSQL sends them."""
    fields = _child_fields(type(group[0]))
    assert not any(isinstance(f, JSONField) for f in fields), "JSON columns go one row at a time"
    return [list(column) for column in zip(*(_values(row, fields) for row in group), strict=True)]


# --- the statement, built once per shape ---------------------------------------------------------

_BY_DATABASE = ("code", "log_book_number", "last_event_hash")
_STATEMENTS: dict[tuple, str] = {}


def _dossier_fields() -> list[Field]:
    return [f for f in rows.insertable_fields(Dossier) if f.attname not in _BY_DATABASE]


def _child_fields(model: type[Model]) -> list[Field]:
    return [f for f in rows.insertable_fields(model) if f.attname != "dossier_id"]


def _event_fields() -> list[Field]:
    return [f for f in _child_fields(DossierEvent) if f.attname != "hash"]


def _statement(shape: tuple) -> str:
    if shape not in _STATEMENTS:
        _STATEMENTS[shape] = _build(shape)
    return _STATEMENTS[shape]


def _build(shape: tuple) -> str:
    quote = connection.ops.quote_name
    dossier_fields = _dossier_fields()
    parts = [
        f"counter AS ({upsert_sql()} AS n)",  # the day's number, as codes.next_sequence takes it
        # The number keeps at least 4 digits (lpad alone would cut a longer one).
        "numbered AS (SELECT %s || lpad(n::text, greatest(4, length(n::text)), '0') AS code, n FROM counter)",
        "hashed AS (SELECT code, n, encode(sha256(convert_to(%s || code || %s, 'UTF8')), 'hex') AS hash "
        "FROM numbered)",
        f"new_dossier AS (INSERT INTO {quote(Dossier._meta.db_table)} "
        f"({_names([*dossier_fields, *(Dossier._meta.get_field(n) for n in _BY_DATABASE)])}) "
        f"SELECT {_casts(dossier_fields)}, code, n, hash FROM hashed "
        "RETURNING id, code, log_book_number, last_event_hash)",
    ]
    for index, (model, several) in enumerate(shape):
        fields = _child_fields(model)
        values = (
            f"unnested.* FROM new_dossier, UNNEST({_casts(fields, array=True)}) AS unnested"
            if several
            else f"{_casts(fields)} FROM new_dossier"
        )
        parts.append(
            f"rows_{index} AS (INSERT INTO {quote(model._meta.db_table)} (dossier_id, {_names(fields)}) "
            f"SELECT new_dossier.id, {values})"
        )
    event_fields = _event_fields()
    parts.append(
        f"new_event AS (INSERT INTO {quote(DossierEvent._meta.db_table)} "
        f"(dossier_id, {_names(event_fields)}, hash) "
        f"SELECT new_dossier.id, {_casts(event_fields)}, new_dossier.last_event_hash FROM new_dossier)"
    )
    return "WITH " + ", ".join(parts) + " SELECT id, code, log_book_number, last_event_hash FROM new_dossier"


def _names(fields: Sequence[Field]) -> str:
    return ", ".join(connection.ops.quote_name(f.column) for f in fields)


def _casts(fields: Sequence[Field], *, array: bool = False) -> str:
    suffix = "[]" if array else ""
    return ", ".join(f"(%s)::{f.db_type(connection)}{suffix}" for f in fields)
