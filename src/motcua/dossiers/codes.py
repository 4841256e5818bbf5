"""Dossier codes <agency code>-<YYMMDD>-<NNNN> (Circular 01/2018 art. 19): unique and gap-free per
receiving agency and day, also under concurrent intake. The counter row is incremented inside the
intake's own transaction, as its last write before the dossier's rows: on PostgreSQL the upsert holds
the row lock until commit, on SQLite the IMMEDIATE transaction holds the write lock; a rolled-back
intake rolls its number back too."""

from __future__ import annotations

from datetime import date

from django.db import connection

from .models import CodeCounter

_TABLE = CodeCounter._meta.db_table


def upsert_sql() -> str:
    """The day's next number in one statement: the counter row is created by the day's first intake,
    incremented by the next ones (PostgreSQL; SQLite 3.35 and later: see checks.py). It ends with
    RETURNING the number (numbered.py names it)."""
    quote = connection.ops.quote_name
    table, last = quote(_TABLE), quote("last")
    keys = f"{quote('agency_code')}, {quote('day')}"
    return (
        f"INSERT INTO {table} ({keys}, {last}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({keys}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}"
    )


def next_sequence(agency_code: str, day: date) -> int:
    with connection.cursor() as cursor:
        cursor.execute(upsert_sql(), [agency_code, connection.ops.adapt_datefield_value(day)])
        return cursor.fetchone()[0]


def code_prefix(agency_code: str, day: date) -> str:
    return f"{agency_code}-{day:%y%m%d}-"


def format_code(agency_code: str, day: date, sequence: int) -> str:
    return f"{code_prefix(agency_code, day)}{sequence:04d}"


def next_code(agency_code: str, day: date) -> tuple[str, int]:
    sequence = next_sequence(agency_code, day)
    return format_code(agency_code, day, sequence), sequence
