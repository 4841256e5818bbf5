"""The demo history played by several processes gives the very dossiers one process makes: same codes,
statuses, deadlines and event chains; on SQLite all of it arrives in one transaction."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from motcua.demo import parallel
from motcua.demo.history import load_history
from motcua.demo.loader import load_network_and_catalog
from motcua.dossiers.events import drop_append_only_triggers, install_append_only_triggers
from motcua.dossiers.management.commands.verify_log import verify_all
from motcua.dossiers.models import CodeCounter, Dossier, DossierEvent, DossierStep, Handover

COUNT, SEED, UNTIL, DAYS = 120, 11, date(2026, 11, 20), 30


@given(st.lists(st.integers(min_value=1, max_value=30), max_size=300), st.integers(min_value=1, max_value=8))
def test_every_unit_goes_to_exactly_one_worker(units, workers):
    shares = parallel.share_out(units, workers)
    assigned = [unit for unit_ids, _ in shares for unit in unit_ids]
    assert sorted(assigned) == sorted(set(units))
    assert sum(total for _, total in shares) == len(units)
    assert len(shares) <= workers and all(total > 0 for _, total in shares)
    if shares:  # greedy, busiest first: no worker exceeds the lightest by more than the busiest unit
        busiest = max(Counter(units).values())
        totals = [total for _, total in shares]
        assert max(totals) - min(totals) <= busiest or len(shares) < workers


def history_facts() -> dict[str, tuple]:
    """Per dossier code: what it is and how it got there, but row ids, which differ (a paper movement's
    id is in its events' payload, hence in their hashes)."""
    steps = Counter(DossierStep.objects.values_list("dossier__code", "state"))
    handovers = Counter(Handover.objects.values_list("dossier__code", "timeliness"))
    events: dict[str, list] = {}
    for event in DossierEvent.objects.select_related("dossier").order_by("dossier__code", "seq"):
        payload = {k: v for k, v in event.payload.items() if k != "movement"}
        events.setdefault(event.dossier.code, []).append(
            (event.seq, event.at, event.actor_id, event.unit_id, event.action, event.changes, payload)
        )
    return {
        code: (
            status,
            due_at,
            late,
            tuple(map(str, events[code])),
            keyed(steps, code),
            keyed(handovers, code),
        )
        for code, status, due_at, late in Dossier.objects.values_list("code", "status", "due_at", "late")
    }


def keyed(counter: Counter, code: str) -> tuple:
    return tuple(sorted((kind, n) for (owner, kind), n in counter.items() if owner == code))


def wipe_history() -> None:
    drop_append_only_triggers()
    for model in (DossierEvent, Handover, DossierStep):
        model.objects.all().delete()
    from motcua.dossiers.models import DossierPaper, PaperMovement, SupplementRequest

    for model in (DossierPaper, PaperMovement, SupplementRequest):
        model.objects.all().delete()
    Dossier.objects.all().delete()
    CodeCounter.objects.all().delete()
    install_append_only_triggers()


@pytest.mark.slow
def test_two_processes_make_the_same_history_as_one(flushable_events):
    load_network_and_catalog()
    assert parallel.parallel_possible()
    two = load_history(count=COUNT, seed=SEED, until=UNTIL, days=DAYS, workers=2)
    in_parallel = history_facts()
    assert two.dossiers == COUNT and len(in_parallel) == COUNT
    assert verify_all().problems == []

    wipe_history()
    one = load_history(count=COUNT, seed=SEED, until=UNTIL, days=DAYS, workers=1)
    assert history_facts() == in_parallel
    assert (one.dossiers, one.actions) == (two.dossiers, two.actions)
    assert one.statuses == two.statuses


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_worker_writing_elsewhere_stops_the_merge(flushable_events, tmp_path):
    load_network_and_catalog()
    worker = parallel.Worker(index=0, unit_ids=[], stories=0, database=str(tmp_path / "copy.sqlite3"))
    parallel._copy_sqlite(worker, offset=parallel.ID_STRIDE)
    assert worker.first_ids["dossiers_dossier"] == parallel.ID_STRIDE
    parallel._refuse_other_writes(worker)  # untouched: fine
    copy = sqlite3.connect(worker.database)
    copy.execute("DELETE FROM network_calendaroverride")
    copy.execute("INSERT INTO network_referencegeneration (id, n, token) VALUES (99, 1, 'x')")
    copy.commit()
    copy.close()
    with pytest.raises(RuntimeError, match="network_referencegeneration"):
        parallel._refuse_other_writes(worker)
    assert not Dossier.objects.exists()


def test_no_parallel_load_inside_a_transaction(db):
    assert connection.in_atomic_block
    assert not parallel.parallel_possible()
