"""The overdue watch: a periodic pass (`motcua tick`, or a loop inside a process) that marks steps and
dossiers due soon or late, through the transition table's MARK_DUE_SOON and MARK_LATE actions, so
each mark is an event recording which unit and step caused the lateness. What late and due soon mean
is clock.clock_status's rule (one setting, MOTCUA["DUE_SOON_WORKING_HOURS"])."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.errors import MotcuaError

from . import clock
from .engine import act
from .lifecycle import Action
from .models import Dossier, StepState
from .permissions import Actor


def late_candidates(now: datetime) -> QuerySet[Dossier]:
    """Dossiers late (clock.late_q) not yet marked, or with an active step past its own due time.
    Both use indexes: dossiers by (status, due_at), steps through their (dossier, order) key."""
    overdue = Dossier.objects.filter(clock.late_q(now), late=False).values("pk")
    step_overdue = Dossier.objects.filter(
        clock.running_q(), steps__state=StepState.ACTIVE, steps__due_at__lt=now, steps__late=False
    ).values("pk")
    return Dossier.objects.filter(Q(pk__in=overdue) | Q(pk__in=step_overdue)).order_by("due_at", "pk")


def due_soon_candidates(now: datetime) -> QuerySet[Dossier]:
    """Dossiers due soon (clock.due_soon_q) not yet marked."""
    return Dossier.objects.filter(clock.due_soon_q(now), due_soon=False, late=False).order_by("due_at", "pk")


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
