"""The day's numbers of an agency, from one upsert: from 1 per agency and day; and the start-up check
that the database can run it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction

from motcua.dossiers import codes
from motcua.dossiers.checks import sqlite_version
from motcua.dossiers.models import CodeCounter

pytestmark = pytest.mark.django_db


def test_numbers_count_from_one_per_agency_and_day():
    monday, tuesday = date(2026, 3, 2), date(2026, 3, 3)
    with transaction.atomic():
        numbers = [
            codes.next_sequence("A", monday),
            codes.next_sequence("A", monday),
            codes.next_sequence("A", tuesday),
            codes.next_sequence("A", monday),
            codes.next_sequence("B", monday),
        ]
    assert numbers == [1, 2, 1, 3, 1]
    assert CodeCounter.objects.get(agency_code="A", day=monday).last == 3
    assert codes.next_code("B", monday) == ("B-260302-0002", 2)


def test_a_rolled_back_intake_gives_its_number_back():
    day = date(2026, 3, 2)
    codes.next_sequence("A", day)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert codes.next_sequence("A", day) == 2
        raise RuntimeError("the intake failed")
    assert codes.next_sequence("A", day) == 2


def test_the_sqlite_we_run_on_passes_the_start_up_check():
    assert sqlite_version() == []


def test_an_old_sqlite_is_refused_at_start_up():
    if connection.vendor != "sqlite":
        pytest.skip("the check concerns SQLite databases only")
    [error] = sqlite_version(version=(3, 34, 1))
    assert error.id == "motcua.E001" and "3.35" in error.msg and "3.34.1" in error.msg


def test_the_sqlite_version_does_not_matter_on_other_databases():
    if connection.vendor == "sqlite":
        pytest.skip("the database is SQLite")
    assert sqlite_version(version=(3, 31, 1)) == []
