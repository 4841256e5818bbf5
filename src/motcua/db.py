"""The cursor the hot statements run on (the token check, the reference generation, a dossier's rows
and the intake's one statement): one Django cursor per connection, kept (opening and closing one
costs more than a short statement). On PostgreSQL it binds values on the server and has each
statement prepared once per connection, so that it is not parsed and planned at every request;
planning the token check's four-table join cost ten times its execution.

Prepared statements live in a server session: behind pgbouncer in transaction mode turn them off
(MOTCUA_DB_PREPARE=0), or use session pooling or pgbouncer's own prepared-statement support."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections


class _PreparingCursor(psycopg.Cursor):
    """Server-side binding, each statement prepared (psycopg keeps the prepared ones per connection)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


class _LoggedCursor(psycopg.Cursor):
    """The same binding, unprepared: psycopg keeps no text of a prepared run, which Django's query
    log (tests counting statements, DEBUG) reads."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=False, binary=binary)


# psycopg prepares a statement when asked (our cursor) or after this many runs: Django's own cursors
# bind values on the client, so their statements are never the same text twice and never prepared.
_ONLY_WHEN_ASKED = 1_000_000_000


def prepares(alias: str = DEFAULT_DB_ALIAS) -> bool:
    wrapper = connections[alias]
    return (
        wrapper.vendor == "postgresql"
        and not wrapper.settings_dict["OPTIONS"].get("server_side_binding")
        and getattr(settings, "MOTCUA", {}).get("DB_PREPARE", True)
    )


def reused_cursor() -> Any:
    """The kept cursor of the current connection. A new one when the connection was opened anew or
    its query logging was switched (a debug cursor logs, as tests count queries); the execute wrappers
    are read at each statement, so they apply either way."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    wrapper.close_if_health_check_failed()  # what opening a cursor checks first
    wrapper.ensure_connection()
    raw, logged = wrapper.connection, wrapper.queries_logged
    kept = wrapper.__dict__.get("_motcua_cursor")
    if kept is None or kept[0] is not raw or kept[1] != logged:
        kept = (raw, logged, _new_cursor(wrapper))
        wrapper._motcua_cursor = kept
    return kept[2]


def run(sql: str, params: Sequence[Any]) -> Any:
    """Execute a statement on the kept cursor and return the cursor, to fetch from. Unless an execute
    wrapper or the query log must see it, the statement goes to the driver's cursor directly, under
    Django's own checks and error translation; on SQLite its `%s` placeholders are converted once per
    text instead of at every run (a regular expression over the SQL, 5 % of the demo history's time)."""
    cursor = reused_cursor()
    wrapper = cursor.db
    if wrapper.execute_wrappers or wrapper.queries_logged:
        cursor.execute(sql, params)
        return cursor
    wrapper.validate_no_broken_transaction()
    with wrapper.wrap_database_errors:
        if wrapper.vendor == "sqlite":
            sqlite3.Cursor.execute(cursor.cursor, _qmark(cursor.cursor, sql), params)
        else:
            cursor.cursor.execute(sql, params)
    return cursor


_QMARK_TEXTS: dict[str, str] = {}


def _qmark(driver_cursor: Any, sql: str) -> str:
    """The statement as Django's SQLite backend rewrites it for the driver, kept per text."""
    converted_sql = _QMARK_TEXTS.get(sql)
    if converted_sql is None:
        if len(_QMARK_TEXTS) > 10_000:  # statement texts are a fixed set; a bound all the same
            _QMARK_TEXTS.clear()
        converted_sql = _QMARK_TEXTS[sql] = driver_cursor.convert_query(sql)
    return converted_sql


def first_read(sql: str, params: Sequence[Any]) -> Any:
    """Run a read on the kept cursor (returned, to fetch from). As a request's first statement on a
    kept connection it is that connection's health check too: Django would send a `SELECT 1` first, a
    round trip per request; a connection found dead here is closed and the read runs once more on a
    new one. Only a read may be run twice so; inside a transaction the read is run as any other."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    pending = (
        wrapper.connection is not None
        and wrapper.health_check_enabled
        and not wrapper.health_check_done
        and not wrapper.in_atomic_block
    )
    if not pending:
        return run(sql, params)
    wrapper.health_check_done = True  # this read is the check: run() must not send a SELECT 1 first
    try:
        return run(sql, params)
    except DatabaseError:
        if wrapper.is_usable():
            raise
    wrapper.close()
    return run(sql, params)


def _new_cursor(wrapper) -> Any:
    if not prepares(wrapper.alias):
        return wrapper.cursor()
    raw = wrapper.connection
    if raw.prepare_threshold is None:  # Django turns preparing off for the connection; explicit asks only
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    if wrapper.queries_logged:
        return wrapper.make_debug_cursor(_LoggedCursor(raw))
    return wrapper.make_cursor(_PreparingCursor(raw))


def converted(row: Sequence[Any], converters: Sequence[tuple[int, tuple[Sequence[Any], Any]]]) -> list:
    """A row's values as the ORM gives them: the compiler's converters (`get_converters`, sorted)."""
    values = list(row)
    for index, (functions, expression) in converters:
        value = values[index]
        for function in functions:
            value = function(value, expression, connection)
        values[index] = value
    return values
