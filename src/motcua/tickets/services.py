"""Every write of the queue: issue a ticket at the kiosk; call the next one, recall, mark served or
absent at a counter; set up a unit's groups and counters. One transaction per call.

Two counters never get the same ticket: the next waiting ticket is read with SELECT ... FOR UPDATE SKIP
LOCKED (PostgreSQL), so concurrent callers each take a different row without waiting for one another;
SQLite's IMMEDIATE transactions run one writer at a time. The counter's own row is locked first, so a
double click at one counter cannot leave it with two tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Exists, Q
from django.utils import timezone

from motcua.catalog.models import Sector
from motcua.dossiers.permissions import Actor
from motcua.errors import NotFound, Problem, ValidationFailed
from motcua.network.models import SERVICE_UNIT_KINDS, Unit

from .models import Counter, ServiceGroup, Ticket, TicketCall, TicketSequence, TicketState
from .permissions import ensure_may_call


def service_unit(unit_code: str) -> Unit:
    """An active service unit (center, branch, reception point) by its code, or NotFound."""
    unit = Unit.objects.filter(code=unit_code, kind__in=SERVICE_UNIT_KINDS, active=True).first()
    if unit is None:
        shown = unit_code[:40]
        raise NotFound(f"điểm phục vụ mã '{shown}'", f"Service unit '{shown}'")
    return unit


# --- the kiosk ----------------------------------------------------------------------------------------


def issue_ticket(*, unit_code: str, group_id: int | str, now: datetime | None = None) -> Ticket:
    """The next number of the group today (local day), gap-free and unique under concurrency."""
    now = now or timezone.now()
    unit = service_unit(unit_code)
    group = _group(unit, group_id)
    day = timezone.localdate(now)
    with transaction.atomic():
        sequence, _ = TicketSequence.objects.select_for_update().get_or_create(group=group, day=day)
        sequence.last += 1
        sequence.save(update_fields=["last"])
        ticket = Ticket.objects.create(unit=unit, group=group, day=day, number=sequence.last, issued_at=now)
    ticket.group = group
    return ticket


def _group(unit: Unit, group_id: int | str) -> ServiceGroup:
    text = str(group_id).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise ValidationFailed(
            message_vi="Nhóm dịch vụ không hợp lệ.",
            message_en="The service group is not valid.",
            problems=[Problem("group", "phải là mã số của một nhóm dịch vụ", "must be a service group's id")],
        )
    group = ServiceGroup.objects.filter(unit=unit, pk=int(text), active=True).first()
    if group is None:
        raise ValidationFailed(
            message_vi="Nhóm dịch vụ không có tại điểm phục vụ này.",
            message_en="This service unit has no such service group.",
            problems=[
                Problem(
                    "group",
                    f"không có nhóm dịch vụ số {text} đang hoạt động tại {unit.code}",
                    f"no active service group {text} at {unit.code}",
                )
            ],
        )
    return group


# --- the counter ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallResult:
    counter: Counter
    ticket: Ticket | None  # the ticket now at the counter (None: nobody is waiting)
    finished: Ticket | None  # the ticket the call closed as served


def _locked_counter(actor: Actor, counter_id: int) -> Counter:
    """The counter row, locked for the transaction, after the permission check."""
    counter = (
        Counter.objects.select_for_update(of=("self",))
        .select_related("current__group")  # the current ticket comes with the lock: one query
        .filter(pk=counter_id, active=True)
        .first()
    )
    if counter is None:
        raise NotFound(f"quầy số hiệu {counter_id}", f"Counter {counter_id}")
    ensure_may_call(actor, counter.unit_id)
    return counter


def _current(counter: Counter) -> Ticket | None:
    """The ticket the counter serves now (read with the counter's lock); only this counter's
    services change it, so it cannot move while the lock is held."""
    return counter.serving


def _close(ticket: Ticket, state: str, now: datetime) -> None:
    """Close a called ticket. One still open from an earlier day (the counter never pressed again that
    evening) gets no service time: its length is unknown and would skew the staffing figures."""
    ticket.state = state
    ticket.finished_at = now
    ticket.service_s = None
    same_day = ticket.day == timezone.localdate(now)
    if state == TicketState.DONE and ticket.called_at is not None and same_day:
        ticket.service_s = max(0, int((now - ticket.called_at).total_seconds()))
    ticket.save(update_fields=["state", "finished_at", "service_s"])


def call_next(*, actor: Actor, counter_id: int, now: datetime | None = None) -> CallResult:
    """Close the counter's current ticket as served and call the oldest waiting ticket of today in the
    groups the counter serves (every group when none is chosen)."""
    now = now or timezone.now()
    with transaction.atomic():
        counter = _locked_counter(actor, counter_id)
        finished = _current(counter)
        if finished is not None:
            _close(finished, TicketState.DONE, now)
        ticket = _take_next(counter, now)
        if ticket is not None:
            ticket.state = TicketState.CALLED
            ticket.called_at = now
            ticket.counter = counter
            ticket.called_by = actor.user
            ticket.wait_s = max(0, int((now - ticket.issued_at).total_seconds()))
            ticket.save(update_fields=["state", "called_at", "counter", "called_by", "wait_s"])
            TicketCall.objects.create(ticket=ticket, unit_id=counter.unit_id, counter=counter, at=now)
        counter.current = ticket
        counter.save(update_fields=["current"])
    return CallResult(counter=counter, ticket=ticket, finished=finished)


def _take_next(counter: Counter, now: datetime) -> Ticket | None:
    waiting = Ticket.objects.filter(
        unit_id=counter.unit_id, day=timezone.localdate(now), state=TicketState.WAITING
    )
    # the counter's groups, or every group when it has none chosen (in the same query)
    served = Counter.groups.through.objects.filter(counter_id=counter.pk)
    waiting = waiting.filter(~Exists(served) | Q(group_id__in=served.values("servicegroup_id")))
    if connection.features.has_select_for_update_skip_locked:
        waiting = waiting.select_for_update(skip_locked=True, of=("self",))
    return waiting.select_related("group").order_by("issued_at", "id").first()


def recall(*, actor: Actor, counter_id: int, now: datetime | None = None) -> Ticket:
    """Announce the counter's current ticket again (the person has not come yet)."""
    now = now or timezone.now()
    with transaction.atomic():
        counter = _locked_counter(actor, counter_id)
        ticket = _current(counter)
        if ticket is None:
            raise _nothing_called(counter)
        TicketCall.objects.create(
            ticket=ticket, unit_id=counter.unit_id, counter=counter, at=now, recall=True
        )
    return ticket


def finish(*, actor: Actor, counter_id: int, served: bool = True, now: datetime | None = None) -> Ticket:
    """Close the counter's current ticket: served, or absent (the person did not come); the counter is
    then free until its next call."""
    now = now or timezone.now()
    with transaction.atomic():
        counter = _locked_counter(actor, counter_id)
        ticket = _current(counter)
        if ticket is None:
            raise _nothing_called(counter)
        _close(ticket, TicketState.DONE if served else TicketState.NO_SHOW, now)
        counter.current = None
        counter.save(update_fields=["current"])
    return ticket


def _nothing_called(counter: Counter) -> ValidationFailed:
    return ValidationFailed(
        message_vi=f"Quầy {counter.number} chưa gọi số nào.",
        message_en=f"Counter {counter.number} has no ticket called.",
        problems=[Problem("counter", "quầy chưa gọi số nào", "the counter has no ticket called")],
        code="nothing_called",
        http_status=409,
    )


# --- set-up ----------------------------------------------------------------------------------------------

LETTERS = "ABCDEFGHKLMNPQRSTUVXY"  # no I, J, O, W, Z: read aloud without confusion


def set_up_unit(
    *, unit: Unit, sectors: list[Sector] | None = None, counters: int | None = None
) -> dict[str, int]:
    """A unit's kiosk groups (one per catalog sector, unless it has groups already) and its counters
    (unit.counters of them, at least one, unless it has counters already). Running it twice changes
    nothing."""
    made = {"groups": 0, "counters": 0}
    with transaction.atomic():
        if not ServiceGroup.objects.filter(unit=unit).exists():
            for order, sector in enumerate(
                (sectors if sectors is not None else Sector.objects.all())[: len(LETTERS)]
            ):
                group = ServiceGroup.objects.create(
                    unit=unit,
                    letter=LETTERS[order],
                    name_vi=sector.name_vi,
                    name_en=sector.name_en,
                    order=order,
                )
                group.sectors.add(sector)
                made["groups"] += 1
        if not Counter.objects.filter(unit=unit).exists():
            wanted = max(1, counters if counters is not None else unit.counters)
            Counter.objects.bulk_create(Counter(unit=unit, number=n) for n in range(1, wanted + 1))
            made["counters"] = wanted
    return made
