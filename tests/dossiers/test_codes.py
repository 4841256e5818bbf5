"""The day's numbers of an agency: one upsert where the database has one, increment-or-create where
it has not; both count from 1 per agency and day, interchangeably."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from motcua.dossiers import codes
from motcua.dossiers.models import CodeCounter

pytestmark = pytest.mark.django_db


def test_both_ways_count_from_one_per_agency_and_day():
    monday, tuesday = date(2026, 3, 2), date(2026, 3, 3)
    with transaction.atomic():
        assert codes._upsert_possible()  # the databases we test on have the upsert
        numbers = [
            codes.next_sequence("A", monday),
            codes._next_sequence_in_two_steps("A", monday),
            codes.next_sequence("A", monday),
            codes._next_sequence_in_two_steps("A", tuesday),
            codes.next_sequence("A", tuesday),
            codes.next_sequence("B", monday),
        ]
    assert numbers == [1, 2, 3, 1, 2, 1]
    assert CodeCounter.objects.get(agency_code="A", day=monday).last == 3
    assert codes.next_code("B", monday) == ("B-260302-0002", 2)
