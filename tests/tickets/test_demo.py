"""`motcua load-demo` sets up the queues: a kiosk group per sector and the counters at every service
unit, and two weeks of served tickets where the demo has a counter officer (measured staffing figures)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from motcua.catalog.models import Sector
from motcua.demo.loader import demo_accounts
from motcua.monitoring.selectors import staffing_table
from motcua.network.models import SERVICE_UNIT_KINDS, Role, Unit
from motcua.tickets.models import Counter, ServiceGroup, Ticket, TicketSequence
from tests.factories import at


@pytest.mark.django_db
def test_load_demo_sets_up_queues_and_past_tickets():
    out = StringIO()
    call_command("load_demo", "--no-history", "--until", "2026-03-05", stdout=out)
    assert "/tickets/" in out.getvalue()
    units = Unit.objects.filter(kind__in=SERVICE_UNIT_KINDS, active=True)
    sectors = Sector.objects.count()
    assert ServiceGroup.objects.count() == units.count() * min(sectors, 21)
    assert Counter.objects.count() == sum(max(1, u.counters) for u in units)
    officers = {a.unit_code for a in demo_accounts() if a.role == Role.COUNTER}
    assert set(Ticket.objects.values_list("unit__code", flat=True).distinct()) == officers
    assert Ticket.objects.filter(issued_at__gte=at(2026, 3, 5, 0, 0)).count() == 0  # today starts empty
    # numbering stays consistent: each day's sequence is the count of that group's tickets
    for sequence in TicketSequence.objects.all()[:20]:
        assert Ticket.objects.filter(group=sequence.group, day=sequence.day).count() == sequence.last
    rows = {r.unit_code: r for r in staffing_table(until=at(2026, 3, 5, 7, 0))}
    assert {code for code, r in rows.items() if r.source == "tickets"} == officers
    before = Ticket.objects.count()
    call_command("load_demo", "--no-history", "--until", "2026-03-05", stdout=out)  # twice: nothing new
    assert Ticket.objects.count() == before
