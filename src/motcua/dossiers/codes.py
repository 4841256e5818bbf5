"""Dossier codes <agency code>-<YYMMDD>-<NNNN> (Circular 01/2018 art. 19): unique and gap-free per
receiving agency and day, also under concurrent intake. The counter row is incremented inside the
intake's own transaction, as its last write before the dossier's rows: on PostgreSQL the upsert holds
the row lock until commit, on SQLite the IMMEDIATE transaction holds the write lock; a rolled-back
intake rolls its number back too."""

from __future__ import annotations

import sqlite3
from datetime import date

from django.db import IntegrityError, connection, transaction

from .models import CodeCounter

_TABLE = CodeCounter._meta.db_table


def _upsert_sql() -> str:
    """The day's next number in one statement: the counter row is created by the day's first intake,
    incremented by the next ones (PostgreSQL; SQLite 3.35 and later)."""
    quote = connection.ops.quote_name
    table, last = quote(_TABLE), quote("last")
    keys = f"{quote('agency_code')}, {quote('day')}"
    return (
        f"INSERT INTO {table} ({keys}, {last}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({keys}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}"
    )


def _upsert_possible() -> bool:
    return connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)
    )


def next_sequence(agency_code: str, day: date) -> int:
    if not _upsert_possible():
        return _next_sequence_in_two_steps(agency_code, day)
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [agency_code, connection.ops.adapt_datefield_value(day)])
        return cursor.fetchone()[0]


def _increment_sql() -> str:
    quote = connection.ops.quote_name
    last = quote("last")
    return (
        f"UPDATE {quote(_TABLE)} SET {last} = {last} + 1 "
        f"WHERE {quote('agency_code')} = %s AND {quote('day')} = %s RETURNING {last}"
    )


def _increment(agency_code: str, day: date) -> int | None:
    """One statement: the day's next number, or None when the day has no counter yet."""
    with connection.cursor() as cursor:
        cursor.execute(_increment_sql(), [agency_code, connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return row[0] if row else None


def _next_sequence_in_two_steps(agency_code: str, day: date) -> int:
    """Where the database has no upsert: increment, else create the day's counter."""
    for _ in range(3):
        sequence = _increment(agency_code, day)
        if sequence is not None:
            return sequence
        try:
            with transaction.atomic():  # savepoint: a concurrent first intake of the day may win the insert
                CodeCounter.objects.create(agency_code=agency_code, day=day, last=1)
            return 1
        except IntegrityError:
            continue
    raise RuntimeError(f"could not allocate a dossier number for {agency_code} on {day}")


def code_prefix(agency_code: str, day: date) -> str:
    return f"{agency_code}-{day:%y%m%d}-"


def format_code(agency_code: str, day: date, sequence: int) -> str:
    return f"{code_prefix(agency_code, day)}{sequence:04d}"


def next_code(agency_code: str, day: date) -> tuple[str, int]:
    sequence = next_sequence(agency_code, day)
    return format_code(agency_code, day, sequence), sequence
