"""Dossier codes <agency code>-<YYMMDD>-<NNNN> (Circular 01/2018 art. 19): unique and gap-free per
receiving agency and day, also under concurrent intake. The counter row is incremented inside the
intake's own transaction: on PostgreSQL the UPDATE holds the row lock until commit, on SQLite the
IMMEDIATE transaction holds the write lock; a rolled-back intake rolls its number back too."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import CodeCounter


def next_sequence(agency_code: str, day: date) -> int:
    for _ in range(3):
        if CodeCounter.objects.filter(agency_code=agency_code, day=day).update(last=F("last") + 1):
            return CodeCounter.objects.values_list("last", flat=True).get(agency_code=agency_code, day=day)
        try:
            with transaction.atomic():  # savepoint: a concurrent first intake of the day may win the insert
                CodeCounter.objects.create(agency_code=agency_code, day=day, last=1)
            return 1
        except IntegrityError:
            continue
    raise RuntimeError(f"could not allocate a dossier number for {agency_code} on {day}")


def format_code(agency_code: str, day: date, sequence: int) -> str:
    return f"{agency_code}-{day:%y%m%d}-{sequence:04d}"


def next_code(agency_code: str, day: date) -> tuple[str, int]:
    sequence = next_sequence(agency_code, day)
    return format_code(agency_code, day, sequence), sequence
