"""The overdue watch: a periodic pass (`motcua tick`, or a loop inside a process) that marks steps and
dossiers due soon or late, through the transition table's MARK_DUE_SOON and MARK_LATE actions, so
each mark is an event recording which unit and step caused the lateness."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.errors import MotcuaError
from motcua.network.clock import work_calendar

from .lifecycle import TRANSITIONS, Action
from .models import Dossier, StepState
from .permissions import Actor
from .services import act

DEFAULT_DUE_SOON_WORKING_HOURS = 8  # one working day


def watched_statuses(action: Action) -> tuple[int, ...]:
    """The statuses from which the transition table allows the watch's action."""
    return tuple(sorted(source for source, name in TRANSITIONS if name == action and source > 0))


def due_soon_hours() -> float:
    return float(
        getattr(settings, "MOTCUA", {}).get("DUE_SOON_WORKING_HOURS", DEFAULT_DUE_SOON_WORKING_HOURS)
    )


def due_soon_horizon(now: datetime) -> datetime:
    """`now` plus the configured working time (default: one working day)."""
    return work_calendar().add_working(now, timedelta(hours=due_soon_hours()))


def _running(action: Action) -> QuerySet[Dossier]:
    return Dossier.objects.filter(status__in=watched_statuses(action))


def late_candidates(now: datetime) -> QuerySet[Dossier]:
    """Dossiers past their due time not yet marked late, or with an active step past its own due time.
    Both use indexes: dossiers by (status, due_at), steps through their (dossier, order) key."""
    running = _running(Action.MARK_LATE)
    overdue = running.filter(due_at__lt=now, late=False).values("pk")
    step_overdue = running.filter(
        steps__state=StepState.ACTIVE, steps__due_at__lt=now, steps__late=False
    ).values("pk")
    return Dossier.objects.filter(Q(pk__in=overdue) | Q(pk__in=step_overdue)).order_by("due_at", "pk")


def due_soon_candidates(now: datetime, horizon: datetime | None = None) -> QuerySet[Dossier]:
    horizon = horizon or due_soon_horizon(now)
    return (
        _running(Action.MARK_DUE_SOON)
        .filter(due_at__gte=now, due_at__lt=horizon, due_soon=False, late=False)
        .order_by("due_at", "pk")
    )


@dataclass
class TickResult:
    now: datetime
    late: int = 0  # dossiers newly marked late
    late_steps: int = 0  # steps newly marked late
    due_soon: int = 0
    marks: int = 0  # events appended
    failed: list[str] = field(default_factory=list)  # codes whose mark was refused (changed meanwhile)

    def summary(self) -> str:
        failed = f"; lỗi / failed {len(self.failed)}" if self.failed else ""
        return (
            f"{timezone.localtime(self.now):%H:%M %d/%m/%Y}: quá hạn / late {self.late}, "
            f"bước quá hạn / late steps {self.late_steps}, sắp đến hạn / due soon {self.due_soon}{failed}"
        )


def _mark(result: TickResult, code: str, action: Action, now: datetime) -> None:
    try:
        dossier = act(actor=Actor.of_system(), code=code, action=action, now=now)
    except MotcuaError:
        result.failed.append(code)
        return
    result.marks += 1
    if action == Action.MARK_DUE_SOON:
        result.due_soon += 1
        return
    event = dossier.events.order_by("-seq").values_list("payload", "changes").first()
    payload, changes = event or ({}, {})
    result.late_steps += len(payload.get("late_steps", []))
    result.late += int(bool(changes.get("late")))


def tick(*, now: datetime | None = None) -> TickResult:
    """One pass of the watch at `now` (default: the wall clock). Running it twice at the same time
    changes nothing the second time."""
    now = now or timezone.now()
    result = TickResult(now=now)
    for code in list(late_candidates(now).values_list("code", flat=True)):
        _mark(result, code, Action.MARK_LATE, now)
    for code in list(due_soon_candidates(now).values_list("code", flat=True)):
        _mark(result, code, Action.MARK_DUE_SOON, now)
    return result


def run_every(
    seconds: float,
    *,
    stop: threading.Event,
    clock: Callable[[], datetime] = timezone.now,
    on_pass: Callable[[TickResult], None] | None = None,
) -> int:
    """Run a pass every `seconds` until `stop` is set; returns the number of passes."""
    passes = 0
    while not stop.is_set():
        result = tick(now=clock())
        passes += 1
        if on_pass:
            on_pass(result)
        stop.wait(seconds)
    return passes


def start_in_background(seconds: float, **options) -> tuple[threading.Thread, threading.Event]:
    """Schedule the watch inside this process (a daemon thread); set the returned event to stop it."""
    stop = threading.Event()

    def target() -> None:
        try:
            run_every(seconds, stop=stop, **options)
        finally:
            connection.close()  # this thread's own database connection

    thread = threading.Thread(target=target, daemon=True, name="motcua-watch")
    thread.start()
    return thread, stop
