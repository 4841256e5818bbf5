"""Under concurrency: tickets taken at once at one kiosk get unique, gap-free numbers; counters
calling at once never get the same ticket, and every waiting ticket is called exactly once. Several
threads, each with its own database connection (run it on PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import threading

from django.db import connections

from motcua.network.models import Unit
from motcua.tickets import services
from motcua.tickets.models import Counter, ServiceGroup, Ticket, TicketCall, TicketState
from tests.factories import POINT_DAU_TIENG, at, run_concurrently

THREADS = 8
PER_THREAD = 6
NOW = at(2026, 3, 2, 9, 0)


def test_tickets_taken_at_once_are_numbered_without_gaps(flushable_events, world):
    unit = Unit.objects.get(code=POINT_DAU_TIENG)
    services.set_up_unit(unit=unit, counters=1)
    group = ServiceGroup.objects.get(unit=unit, letter="A")
    run_concurrently(
        THREADS, PER_THREAD, lambda: services.issue_ticket(unit_code=unit.code, group_id=group.pk, now=NOW)
    )
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))


def test_counters_calling_at_once_never_share_a_ticket(flushable_events, world):
    unit = Unit.objects.get(code=POINT_DAU_TIENG)
    services.set_up_unit(unit=unit, counters=THREADS)
    group = ServiceGroup.objects.get(unit=unit, letter="A")
    total = THREADS * PER_THREAD
    for _ in range(total):
        services.issue_ticket(unit_code=unit.code, group_id=group.pk, now=NOW)
    counter_ids = list(Counter.objects.filter(unit=unit).values_list("pk", flat=True))
    assigned = iter(counter_ids)
    lock = threading.Lock()
    mine = threading.local()
    called: list[int] = []

    def call() -> None:
        if not hasattr(mine, "counter"):
            with lock:
                mine.counter = next(assigned)
        result = services.call_next(actor=world["counter_dt"], counter_id=mine.counter, now=NOW)
        with lock:
            called.append(result.ticket.pk)

    try:
        run_concurrently(THREADS, PER_THREAD, call)
    finally:
        connections.close_all()
    assert len(called) == total and len(set(called)) == total  # each ticket once, none twice
    assert TicketCall.objects.count() == total
    states = Ticket.objects.values_list("state", flat=True)
    # every counter's last ticket is still at its counter; the others were served on the next call
    assert sorted(states).count(TicketState.CALLED) == THREADS
    assert sorted(states).count(TicketState.DONE) == total - THREADS
