"""Dossier codes stay unique and gap-free per agency and day under concurrent intake: several
threads, each with its own database connection, receive dossiers at the same unit on the same day."""

from __future__ import annotations

from motcua.dossiers.models import CodeCounter, Dossier
from motcua.dossiers.services import intake
from tests.factories import POINT_DAU_TIENG, at, judicial_request, run_concurrently

THREADS = 8
PER_THREAD = 10


def test_concurrent_intakes_get_gap_free_codes(flushable_events, world):
    now = at(2026, 3, 2, 9, 0)
    run_concurrently(
        THREADS, PER_THREAD, lambda: intake(actor=world["counter_dt"], request=judicial_request(), now=now)
    )
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    total = THREADS * PER_THREAD
    assert codes == [f"{POINT_DAU_TIENG}-260302-{n:04d}" for n in range(1, total + 1)]
    assert sorted(Dossier.objects.values_list("log_book_number", flat=True)) == list(range(1, total + 1))
    assert CodeCounter.objects.get(agency_code=POINT_DAU_TIENG).last == total
