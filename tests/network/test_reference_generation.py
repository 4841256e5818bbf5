"""The reference-data generation lives in its own one-row table: bumped by one UPDATE in the writer's
transaction (a failed bump fails the write), read with one query, untouched by cache traffic."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from motcua.network import reference
from motcua.network.models import ReferenceGeneration, Unit

POINT = "002.31.00.H57"


def test_a_save_bumps_the_counter_with_one_update(small_network):
    before = ReferenceGeneration.objects.get(pk=reference.GENERATION_PK).n
    unit = Unit.objects.get(code=POINT)
    with CaptureQueriesContext(connection) as queries:
        reference.changed()
    assert len(queries) == 1 and queries[0]["sql"].startswith("UPDATE")
    unit.save()
    assert ReferenceGeneration.objects.get(pk=reference.GENERATION_PK).n == before + 2
    with CaptureQueriesContext(connection) as queries:
        reference.generation()
    assert len(queries) == 1 and "network_referencegeneration" in queries[0]["sql"]


def test_cache_traffic_never_touches_the_generation(small_network):
    before = reference.generation()
    for n in range(400):  # past the database cache's cull threshold
        cache.set(f"flood:{n:04d}", n)
    cache.clear()
    assert reference.generation() == before


def test_a_number_seen_in_a_rolled_back_transaction_never_names_another_state(small_network):
    with transaction.atomic():
        Unit.objects.get(code=POINT).save()
        inside = reference.generation()
        transaction.set_rollback(True)
    Unit.objects.get(code=POINT).save()  # committed: the same number, another token
    after = reference.generation()
    assert after.split("-")[0] == inside.split("-")[0] and after != inside


def test_a_failed_bump_fails_the_write(small_network):
    def failing_bump(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "network_referencegeneration" in sql:
            raise DatabaseError("the bump failed")
        return execute(sql, params, many, context)

    unit = Unit.objects.get(code=POINT)
    unit.name_vi = "Đổi tên"
    with connection.execute_wrapper(failing_bump), pytest.raises(DatabaseError), transaction.atomic():
        unit.save()
    assert Unit.objects.get(code=POINT).name_vi != "Đổi tên"


def test_a_missing_row_is_made_again(small_network):
    ReferenceGeneration.objects.all().delete()  # e.g. a flushed database
    first = reference.generation()
    assert reference.generation() == first
    reference.changed()
    assert reference.generation() != first
    ReferenceGeneration.objects.all().delete()
    reference.changed()  # the bump creates it too
    assert ReferenceGeneration.objects.filter(pk=reference.GENERATION_PK).exists()
