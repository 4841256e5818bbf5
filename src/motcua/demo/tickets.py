"""The demo's queues: every service unit gets one kiosk group per catalog sector and its counters (as
many as the network file gives it); the units with a demo counter account also get the queue tickets
of their last DEMO_WEEKS working weeks, so that the staffing page has measured figures to show.

Those past tickets come from a small simulation (random arrivals through the working day with a morning
peak, first come first served at the counters that are open, service times per group) and are written
in bulk: they are finished days, and the services only ever write today's tickets. Loading twice
changes nothing."""

from __future__ import annotations

import heapq
import math
import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Sector
from motcua.network.models import SERVICE_UNIT_KINDS, Unit, UnitKind
from motcua.tickets.models import Counter, ServiceGroup, Ticket, TicketCall, TicketSequence, TicketState
from motcua.tickets.services import set_up_unit

DEMO_WEEKS = 2
# (hour, first minute, open minutes) and the share of the peak arrival rate in that hour
WINDOWS = [(7, 0, 60, 0.6), (8, 0, 60, 1.0), (9, 0, 60, 1.2), (10, 0, 60, 1.0), (11, 0, 30, 0.5)]
WINDOWS += [(13, 30, 30, 0.5), (14, 0, 60, 0.9), (15, 0, 60, 0.9), (16, 0, 60, 0.5)]
PEAK_PER_HOUR = {UnitKind.CENTER: 36.0, UnitKind.BRANCH: 16.0, UnitKind.RECEPTION_POINT: 5.0}


def set_up_demo_queues() -> dict[str, int]:
    """Groups and counters at every active service unit that has none yet."""
    sectors = list(Sector.objects.order_by("code"))
    made = {"units": 0, "groups": 0, "counters": 0}
    for unit in Unit.objects.filter(kind__in=SERVICE_UNIT_KINDS, active=True).order_by("code"):
        done = set_up_unit(unit=unit, sectors=sectors)
        made["units"] += 1
        made["groups"] += done["groups"]
        made["counters"] += done["counters"]
    return made


def load_ticket_history(*, unit_codes: list[tuple[str, str]], until: date, seed: int = 766) -> int:
    """The tickets of the DEMO_WEEKS working weeks before `until` at each (unit code, officer's user
    name); units that already have tickets are skipped. Returns the number of tickets written."""
    rng = random.Random(seed)
    users = get_user_model().objects.in_bulk([name for _, name in unit_codes], field_name="username")
    written = 0
    for code, username in unit_codes:
        unit = Unit.objects.filter(code=code).first()
        if unit is None or Ticket.objects.filter(unit=unit).exists():
            continue
        groups = list(ServiceGroup.objects.filter(unit=unit, active=True).order_by("order", "letter"))
        counters = list(Counter.objects.filter(unit=unit, active=True).order_by("number"))
        if not groups or not counters:
            continue
        with transaction.atomic():
            for day in _working_days(until):
                written += _one_day(unit, groups, counters, users.get(username), day, rng)
    return written


def _working_days(until: date) -> list[date]:
    days = [until - timedelta(days=n) for n in range(1, 7 * DEMO_WEEKS + 1)]
    return sorted(d for d in days if d.weekday() < 5)


def _service_minutes(group_index: int) -> float:
    return 6.0 + (group_index % 4) * 2.5  # 6 to 13.5 minutes on average, by group


def _one_day(unit: Unit, groups, counters, officer, day: date, rng: random.Random) -> int:
    peak = PEAK_PER_HOUR.get(unit.kind, 5.0)
    weights = [1.0 / (i + 1) for i in range(len(groups))]
    mean_service = sum(w * _service_minutes(i) for i, w in enumerate(weights)) / sum(weights)
    open_counters = counters[: max(1, min(len(counters), math.ceil(peak * mean_service / 60 * 1.05)))]
    zone = timezone.get_current_timezone()
    arrivals = []
    for hour, minute, length, share in WINDOWS:
        start = datetime.combine(day, time(hour, minute), tzinfo=zone)
        for _ in range(_poisson(rng, peak * share * length / 60)):
            index = rng.choices(range(len(groups)), weights)[0]
            arrivals.append((start + timedelta(seconds=rng.uniform(0, length * 60)), index))
    arrivals.sort()
    free = [(datetime.combine(day, time(7, 0), tzinfo=zone), c.number, c) for c in open_counters]
    heapq.heapify(free)
    numbers = [0] * len(groups)
    tickets, counters_of = [], []
    for issued_at, index in arrivals:
        free_at, number, counter = heapq.heappop(free)
        called_at = max(issued_at, free_at)
        mean = _service_minutes(index)
        finished_at = called_at + timedelta(minutes=max(1.0, rng.gammavariate(3.0, mean / 3.0)))
        heapq.heappush(free, (finished_at, number, counter))
        numbers[index] += 1
        tickets.append(
            Ticket(
                unit=unit,
                group=groups[index],
                day=day,
                number=numbers[index],
                state=TicketState.DONE,
                issued_at=issued_at,
                called_at=called_at,
                finished_at=finished_at,
                counter=counter,
                called_by=officer,
                wait_s=int((called_at - issued_at).total_seconds()),
                service_s=int((finished_at - called_at).total_seconds()),
            )
        )
        counters_of.append(counter)
    created = Ticket.objects.bulk_create(tickets)
    TicketCall.objects.bulk_create(
        TicketCall(ticket=t, unit=unit, counter=c, at=t.called_at)
        for t, c in zip(created, counters_of, strict=True)
    )
    TicketSequence.objects.bulk_create(
        TicketSequence(group=group, day=day, last=numbers[i]) for i, group in enumerate(groups) if numbers[i]
    )
    return len(created)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: the means here are small (under 60)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
