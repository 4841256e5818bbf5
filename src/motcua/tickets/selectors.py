"""Reads of the queue: the kiosk's groups, the display board, a counter's panel, and the measured
waiting and service times per unit, group and hour of the week (the staffing page's input)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from motcua.dossiers.permissions import Actor
from motcua.errors import NotFound
from motcua.network.models import SERVICE_UNIT_KINDS, Unit

from .models import Counter, ServiceGroup, Ticket, TicketCall, TicketState
from .permissions import caller_unit_ids

BOARD_CALLS = 8  # the latest announcements listed on the board


def units_with_kiosk() -> QuerySet[Unit]:
    """The active service units with at least one active service group."""
    return (
        Unit.objects.filter(kind__in=SERVICE_UNIT_KINDS, active=True, service_groups__active=True)
        .distinct()
        .order_by("kind", "code")
    )


def active_counter(counter_id: int) -> Counter:
    counter = Counter.objects.select_related("unit").filter(pk=counter_id, active=True).first()
    if counter is None:
        raise NotFound(f"quầy số hiệu {counter_id}", f"Counter {counter_id}")
    return counter


def kiosk_groups(unit: Unit, day: date) -> list[tuple[ServiceGroup, int]]:
    """The unit's active groups, each with the number of people waiting in it today."""
    waiting = dict(
        Ticket.objects.filter(unit=unit, day=day, state=TicketState.WAITING)
        .values_list("group_id")
        .annotate(n=Count("id"))
    )
    groups = ServiceGroup.objects.filter(unit=unit, active=True).order_by("order", "letter")
    return [(group, waiting.get(group.pk, 0)) for group in groups]


def waiting_ahead(ticket: Ticket) -> int:
    """People of the same group waiting before this ticket."""
    return Ticket.objects.filter(
        group_id=ticket.group_id, day=ticket.day, state=TicketState.WAITING, number__lt=ticket.number
    ).count()


def issued_ticket(unit: Unit, ticket_id: int) -> Ticket | None:
    return Ticket.objects.select_related("group", "unit").filter(unit=unit, pk=ticket_id).first()


@dataclass(frozen=True)
class BoardCall:
    id: int
    label: str
    counter: int
    at: datetime
    recall: bool


@dataclass(frozen=True)
class Board:
    counters: list[tuple[int, str | None]]  # (counter number, ticket label now served there or None)
    calls: list[BoardCall]  # newest first
    waiting: int


def board(unit: Unit, day: date) -> Board:
    counters = [
        (c.number, c.serving.label if c.serving and c.serving.day == day else None)
        for c in Counter.objects.filter(unit=unit, active=True)
        .select_related("current__group")
        .order_by("number")
    ]
    calls = [
        BoardCall(call.pk, call.ticket.label, call.counter.number, call.at, call.recall)
        for call in TicketCall.objects.filter(unit=unit, ticket__day=day)
        .select_related("ticket__group", "counter")
        .order_by("-id")[:BOARD_CALLS]
    ]
    waiting = Ticket.objects.filter(unit=unit, day=day, state=TicketState.WAITING).count()
    return Board(counters=counters, calls=calls, waiting=waiting)


def call_of(unit: Unit, call_id: int) -> TicketCall | None:
    return TicketCall.objects.select_related("ticket__group", "counter").filter(unit=unit, pk=call_id).first()


def caller_counters(actor: Actor) -> QuerySet[Counter]:
    """The counters where the actor may call tickets (counters of the units where they are officers)."""
    return (
        Counter.objects.filter(unit_id__in=caller_unit_ids(actor), active=True)
        .select_related("unit")
        .order_by("unit__code", "number")
    )


@dataclass(frozen=True)
class CounterPanel:
    counter: Counter
    current: Ticket | None
    waiting: list[tuple[ServiceGroup, int]]  # the groups the counter serves, with their queues
    served_today: int


def counter_panel(counter: Counter, day: date) -> CounterPanel:
    current = Counter.objects.select_related("current__group").get(pk=counter.pk).serving
    served = set(counter.groups.values_list("pk", flat=True))
    waiting = [(g, n) for g, n in kiosk_groups(counter.unit, day) if not served or g.pk in served]
    served_today = Ticket.objects.filter(counter=counter, day=day, state=TicketState.DONE).count()
    return CounterPanel(counter=counter, current=current, waiting=waiting, served_today=served_today)


# --- measured figures ----------------------------------------------------------------------------------


@dataclass
class SlotFigures:
    """One hour of the week (ISO weekday, hour) at a unit or in a group: tickets issued in that hour per
    day the unit was open on that weekday, and the mean measured service and waiting times of those
    tickets (None: none measured)."""

    arrivals_per_hour: float
    mean_service_minutes: float | None
    mean_wait_minutes: float | None
    served: int = 0  # tickets whose service time was measured in this hour


@dataclass
class QueueFigures:
    """A unit's (or a group's) measured queue over the days the unit issued tickets."""

    days: int
    slots: dict[tuple[int, int], SlotFigures] = field(default_factory=dict)
    mean_service_minutes: float | None = None
    mean_wait_minutes: float | None = None


@dataclass
class UnitQueue:
    unit: QueueFigures
    groups: dict[str, QueueFigures]  # by group name (Vietnamese)


def measured_queues(*, until: datetime, weeks: int = 8) -> dict[int, UnitQueue]:
    """Per unit that issued tickets in the `weeks` before `until`: arrivals, service and waiting times
    per hour of the week, for the unit and for each of its groups. An hour's arrivals are divided by
    the days of that weekday on which the unit issued tickets at all: a unit that started recently, or
    was closed on a holiday, is not averaged over days it did not open."""
    since = until - timedelta(weeks=weeks)
    tickets = Ticket.objects.filter(issued_at__gte=since, issued_at__lt=until)
    open_days: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, day in tickets.values_list("unit_id", "day").distinct().order_by():
        open_days[unit_id][day.isoweekday()] += 1
    rows = (
        tickets.annotate(weekday=ExtractIsoWeekDay("issued_at"), hour=ExtractHour("issued_at"))
        .values_list("unit_id", "group__name_vi", "weekday", "hour")
        .annotate(
            n=Count("id"),
            served=Count("id", filter=Q(service_s__isnull=False)),
            service=Avg("service_s"),
            called=Count("id", filter=Q(wait_s__isnull=False)),
            wait=Avg("wait_s"),
        )
        .order_by()
    )
    # (unit, group or None) -> (weekday, hour) -> [n, served, service sum, called, wait sum]
    sums: dict[tuple[int, str | None], dict[tuple[int, int], list[float]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0.0, 0, 0.0])
    )
    for unit_id, group, weekday, hour, n, served, service, called, wait in rows:
        for key in ((unit_id, None), (unit_id, group)):
            cell = sums[key][(weekday, hour)]
            cell[0] += n
            cell[1] += served
            cell[2] += (service or 0.0) * served
            cell[3] += called
            cell[4] += (wait or 0.0) * called
    result: dict[int, UnitQueue] = {}
    for (unit_id, group), slots in sums.items():
        figures = _figures(slots, open_days[unit_id])
        queue = result.setdefault(unit_id, UnitQueue(unit=figures, groups={}))
        if group is None:
            queue.unit = figures
        else:
            queue.groups[group] = figures
    return result


def _figures(slots: dict[tuple[int, int], list[float]], open_days: dict[int, int]) -> QueueFigures:
    figures = QueueFigures(days=sum(open_days.values()))
    totals = [0.0, 0.0, 0.0, 0.0]
    for (weekday, hour), (n, served, service_sum, called, wait_sum) in sorted(slots.items()):
        figures.slots[(weekday, hour)] = SlotFigures(
            arrivals_per_hour=n / max(1, open_days.get(weekday, 0)),
            mean_service_minutes=service_sum / served / 60 if served else None,
            mean_wait_minutes=wait_sum / called / 60 if called else None,
            served=int(served),
        )
        for i, value in enumerate((served, service_sum, called, wait_sum)):
            totals[i] += value
    figures.mean_service_minutes = totals[1] / totals[0] / 60 if totals[0] else None
    figures.mean_wait_minutes = totals[3] / totals[2] / 60 if totals[2] else None
    return figures


def today() -> date:
    return timezone.localdate()
