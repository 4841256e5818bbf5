"""The legal clock as the dossiers see it: this module only adapts. The rules (step dues, moving
deadlines on a pause or an apology, the lateness cause, early / on time / late, late and due soon) are
in motcua.worktime.deadlines, which takes dates, limits and shares, never a dossier."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.db.models import Q

from motcua.catalog.models import LimitUnit, ProcedureVersion
from motcua.worktime import Due, Pause, TimeLimit, WorkCalendar, deadlines
from motcua.worktime import models as worktime

from . import memo
from .context import ActionContext
from .models import Channel, Dossier, DossierStep, Status, StepState, SupplementRequest

DEFAULT_DUE_SOON_WORKING_HOURS = 8  # one working day
# The statuses in which the legal clock runs: received and not paused for a supplement nor finished
# (a finished dossier was judged on time or late when its result was ready).
CLOCK_RUNNING = (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT)


def due_soon_within() -> timedelta:
    """The one setting of what "due soon" means: MOTCUA["DUE_SOON_WORKING_HOURS"] of working time."""
    hours = getattr(settings, "MOTCUA", {}).get("DUE_SOON_WORKING_HOURS", DEFAULT_DUE_SOON_WORKING_HOURS)
    return timedelta(hours=float(hours))


def clock_running(dossier: Dossier) -> bool:
    return dossier.status in CLOCK_RUNNING and dossier.paused_since is None


def clock_status(
    dossier: Dossier, now: datetime, calendar: WorkCalendar | None = None
) -> deadlines.ClockStatus:
    """Late? Due soon? The one answer the API, the queues, the desk and the watch give (a page of
    dossiers passes the calendar it read once)."""
    return deadlines.clock_status(
        calendar or memo.calendar(),
        due_at=dossier.due_at,
        now=now,
        running=clock_running(dossier),
        due_soon_within=due_soon_within(),
    )


def calendar() -> WorkCalendar:
    return memo.calendar()


def running_q() -> Q:
    """clock_running as a filter."""
    return Q(status__in=CLOCK_RUNNING, paused_since__isnull=True)


def late_q(now: datetime) -> Q:
    """clock_status(...).late as a filter."""
    return running_q() & Q(due_at__lt=now)


def due_soon_q(now: datetime) -> Q:
    """clock_status(...).due_soon as a filter."""
    horizon = deadlines.due_soon_horizon(memo.calendar(), now, due_soon_within())
    return running_q() & Q(due_at__gte=now, due_at__lt=horizon)


def limit_of(dossier: Dossier, version: ProcedureVersion) -> TimeLimit:
    """The time limit that applies: the online one for an online dossier, where the version has one."""
    return limit_for(dossier.channel, version)


def limit_for(channel: int, version: ProcedureVersion) -> TimeLimit:
    """limit_of, for a dossier of that channel not made yet."""
    if channel == Channel.ONLINE and version.online_limit_amount is not None:
        return _time_limit(version.online_limit_amount, version.online_limit_unit or LimitUnit.WORKING_DAYS)
    return _time_limit(version.limit_amount, version.limit_unit)


def expected_due(version: ProcedureVersion, channel: int, received: datetime) -> Due:
    """The appointment a dossier would get if received at that moment, explained: what an applicant
    filing online is told before sending (the clock starts when the counter receives it)."""
    return memo.calendar().due(received, limit_for(channel, version))


def handling_due(received: datetime, working_days: Decimal | int | str) -> datetime:
    """When something received then must be answered, a number of working days later (e.g. the
    applicants' feedback and complaints)."""
    due = memo.calendar().due_at(received, _time_limit(Decimal(str(working_days)), LimitUnit.WORKING_DAYS))
    assert due is not None  # no pause: always a time
    return due


def _time_limit(amount: Decimal, unit: str) -> TimeLimit:
    # The catalog's units (LimitUnit) are worktime's two names; TimeLimit refuses any other.
    return TimeLimit(amount, cast(worktime.LimitUnit, unit))


def start_clock(ctx: ActionContext) -> dict[str, Any]:
    """Reception: the appointment and every step's deadline are fixed from the receipt time; the
    first step begins."""
    calendar, now = memo.calendar(), ctx.now
    limit = limit_of(ctx.dossier, ctx.version)
    due = calendar.trace_due(now, limit)  # the time and the clock's start: no explanation text
    step_dues = deadlines.step_dues(
        calendar, start=due.clock_start, due=due.at, limit=limit, shares=[s.days for s in ctx.steps]
    )
    first = ctx.steps[0] if ctx.steps else None
    for step, step_due in zip(ctx.steps, step_dues, strict=True):
        step.due_at = step_due
        if step is first:
            step.state, step.started_at = StepState.ACTIVE, now
        ctx.save(step, ["due_at", "state", "started_at"])
    changes: dict[str, Any] = {
        "received_at": now,
        "clock_start": due.clock_start,
        "due_at": due.at,
        "legal_due_at": due.at,
        "current_step_order": first.order if first else None,
        "resume_status": None,
    }
    if first is not None:  # the first step's unit holds it (the receiving unit, in most templates)
        changes["current_unit_id"] = first.unit_id
    return changes


def supplement_pauses(dossier: Dossier, supplements: list[SupplementRequest]) -> list[Pause]:
    """The pauses of the legal clock: the supplement requests made during processing (the one
    source of truth for the stored legal due time and its explanation)."""
    return [
        Pause(s.requested_at, s.completed_at)
        for s in supplements
        if not s.at_intake and dossier.received_at is not None and s.requested_at >= dossier.received_at
    ]


def legal_due(dossier: Dossier, version: ProcedureVersion, supplements: list[SupplementRequest]):
    """The legal due time from reception, the limit and the supplement pauses, as explained."""
    return memo.calendar().due_at(
        dossier.received_at, limit_of(dossier, version), supplement_pauses(dossier, supplements)
    )


def resume_clock(ctx: ActionContext) -> dict[str, Any]:
    """The supplement came in: the legal due time is computed again with every pause (a pause that
    began after the due time moves nothing), and the appointment, the unfinished steps and the open
    paper movements move by as much. The due-soon and late marks are cleared when the due time is
    ahead again, so the watch decides afresh."""
    dossier, calendar, now = ctx.dossier, memo.calendar(), ctx.now
    limit = limit_of(dossier, ctx.version)
    changes: dict[str, Any] = {}
    old, new = dossier.legal_due_at, legal_due(dossier, ctx.version, ctx.supplements)
    if old is not None and new is not None and new != old:
        changes["legal_due_at"] = new
        shift = deadlines.shift_for(calendar, limit, old, new)
        changes["due_at"] = new if dossier.due_at == old else shift(dossier.due_at)
        for step in ctx.steps:
            if step.state != StepState.DONE and step.due_at is not None:
                step.due_at = shift(step.due_at)
                ctx.save(step, ["due_at"])
        for movement in ctx.movements:
            if movement.received_at is None:
                movement.due_at = shift(movement.due_at)
                ctx.save(movement, ["due_at"])
    elif _paused_within_extension(dossier, old):
        assert dossier.paused_since is not None  # a pause within the extension has begun
        changes["due_at"] = deadlines.shift_for(calendar, limit, dossier.paused_since, now)(dossier.due_at)
    due = changes.get("due_at", dossier.due_at)
    if dossier.due_soon:
        changes["due_soon"] = False
    if dossier.late and due is not None and due > now:
        changes.update(late=False, late_unit_id=None, late_step_order=None)
    return changes


def _paused_within_extension(dossier: Dossier, legal_due_at: datetime | None) -> bool:
    """Whether the pause ending now began after the legal due time but before the appointment an
    apology set later: it moved no legal time, but it was the applicant's time within the extension."""
    started, due = dossier.paused_since, dossier.due_at
    return (
        started is not None and due is not None and legal_due_at is not None and legal_due_at <= started < due
    )


def move_steps_to_new_appointment(ctx: ActionContext, new_due: datetime) -> None:
    """An apology: the unfinished steps that ended with the old appointment end with the new one."""
    unfinished = [s for s in ctx.steps if s.state in (StepState.PENDING, StepState.ACTIVE)]
    moved = deadlines.apology_moves([s.due_at for s in unfinished], ctx.dossier.due_at, new_due)
    for step, due in zip(unfinished, moved, strict=True):
        if due != step.due_at:
            step.due_at, step.late = due, False
            ctx.save(step, ["due_at", "late"])


def plan_again_from(ctx: ActionContext, first: int) -> None:
    """A step sent back runs again for its share from now, and the steps after it follow in turn (the
    old deadlines have passed or soon will: the re-opened step would be late at once). The dossier's
    own due time does not move. The re-opened step's earlier lateness stays on the control slip."""
    following = [s for s in ctx.steps if s.order >= first]
    dues = deadlines.replanned_dues(memo.calendar(), ctx.now, [s.days for s in following])
    for step, due in zip(following, dues, strict=True):
        step.due_at = due
        if step.order == first:
            step.late = False
        ctx.save(step, ["due_at", "late"])


def timeliness(at: datetime, due: datetime | None) -> str:
    return deadlines.timeliness(at, due).value


def lateness_cause(ctx: ActionContext) -> DossierStep | None:
    """The step that made the dossier late (see deadlines.lateness_cause); the current step when no
    step overran its own deadline."""
    times = [deadlines.StepTimes(s.order, s.due_at, s.started_at, s.completed_at, s.late) for s in ctx.steps]
    order = deadlines.lateness_cause(memo.calendar(), times, ctx.now)
    if order is None:
        return ctx.current_step
    return next(s for s in ctx.steps if s.order == order)
