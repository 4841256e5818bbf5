"""Deadline rules of a dossier and its steps, on plain dates, limits and shares (no Django).

The dossier services and the overdue watch apply these rules; they decide which steps are
unfinished, whether a dossier is running and what to store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import overload

from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.models import TimeLimit

ONE_HOUR = timedelta(hours=1)
NO_TIME = timedelta(0)


# ----- step deadlines ---------------------------------------------------------------------------


def step_dues(
    calendar: WorkCalendar,
    *,
    start: datetime,
    due: datetime,
    limit: TimeLimit,
    shares: Sequence[Decimal],
) -> list[datetime]:
    """Each step's due time from its share, the chain starting at `start` (the clock start); every one
    is capped at the dossier's `due`.

    Working-day limits count the shares in working days. Calendar-day and on-the-spot limits give each
    step its fraction of the span from `start` to `due`, ending, like the dossier's own calendar-day due,
    at the end of that day's work (or the next working day's when that day is off).
    """
    if limit.unit == "working_days" and limit.amount > 0:
        dues = _working_day_step_dues(calendar, start, limit.amount, shares)
    else:
        dues = _span_step_dues(calendar, start, due, shares)
    return [min(step_due, due) for step_due in dues]


def _working_day_step_dues(
    calendar: WorkCalendar, start: datetime, amount: Decimal, shares: Sequence[Decimal]
) -> list[datetime]:
    total = sum(shares, Decimal(0))
    if not total or total == amount:
        return calendar.step_dues(start, shares)
    # The shares add up to another limit (the in-person one for a shorter online limit): each step
    # keeps its fraction of the applicable limit; the last share ends exactly at the limit.
    dues: list[datetime] = []
    cumulative = Decimal(0)
    for share in shares:
        cumulative += share
        dues.append(calendar.add_working_days(start, cumulative * amount / total))
    return dues


def _span_step_dues(
    calendar: WorkCalendar, start: datetime, due: datetime, shares: Sequence[Decimal]
) -> list[datetime]:
    total = sum(shares, Decimal(0))
    if not total:
        return [due for _ in shares]
    span_us = Decimal((due - start) // timedelta(microseconds=1))
    dues: list[datetime] = []
    cumulative = Decimal(0)
    for share in shares:
        cumulative += share
        offset_us = (span_us * cumulative / total).to_integral_value(rounding=ROUND_HALF_EVEN)
        point = start + timedelta(microseconds=int(offset_us))
        dues.append(calendar.end_of_working_day(point.astimezone(calendar.zone).date()))
    return dues


def replanned_dues(calendar: WorkCalendar, start: datetime, shares: Sequence[Decimal]) -> list[datetime]:
    """A step sent back runs again for its share (working days) from `start`, the steps after it in
    turn; the dossier's own due time does not move, so these are not capped."""
    return calendar.step_dues(start, shares)


def apology_moves(
    step_dues: Sequence[datetime | None], old_due: datetime | None, new_due: datetime
) -> list[datetime | None]:
    """After an apology, the steps that ended with the old appointment end with the new one; the
    others keep their due. The caller passes only the unfinished steps."""
    return [new_due if step_due == old_due else step_due for step_due in step_dues]


# ----- moving deadlines when the legal due time moves -------------------------------------------


@dataclass(frozen=True)
class Shift:
    """Moves a deadline as the legal due time moved: by `working_time` of work when that is set, else
    by the calendar `span`."""

    calendar: WorkCalendar = field(repr=False)
    working_time: timedelta | None
    span: timedelta

    @overload
    def __call__(self, moment: datetime) -> datetime: ...

    @overload
    def __call__(self, moment: None) -> None: ...

    def __call__(self, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        if self.working_time is not None:
            return self.calendar.add_working(moment, self.working_time)
        return moment + self.span


def shift_for(calendar: WorkCalendar, limit: TimeLimit, old: datetime, new: datetime) -> Shift:
    """The shift of the legal due time from `old` to `new` (a supplement pause ended): a working-day
    limit moving later moves deadlines by the same working time, anything else by the same span."""
    if limit.unit == "working_days" and new > old:
        return Shift(calendar, working_time=calendar.working_time_between(old, new), span=new - old)
    return Shift(calendar, working_time=None, span=new - old)


# ----- who made the dossier late --------------------------------------------------------------


@dataclass(frozen=True)
class StepTimes:
    """The times of one step that the lateness rules need."""

    order: int
    due_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    late: bool


def overrun(calendar: WorkCalendar, step: StepTimes, now: datetime) -> timedelta:
    """Working time a step spent past its own deadline, until it completed (or until `now`). A step
    that started after its deadline counts from its start: the steps before it took that time."""
    if step.due_at is None:
        return NO_TIME
    counted_from = max(step.due_at, step.started_at or step.due_at)
    return calendar.working_time_between(counted_from, step.completed_at or now)


def lateness_cause(calendar: WorkCalendar, steps: Sequence[StepTimes], now: datetime) -> int | None:
    """Order of the late step that overran its own deadline by the most working time, the earliest
    step of equals; None when no step is late (the caller then blames the current step)."""
    late = sorted((step for step in steps if step.late and step.due_at is not None), key=_order)
    if not late:
        return None
    return max(late, key=lambda step: overrun(calendar, step, now)).order  # max keeps the first


def _order(step: StepTimes) -> int:
    return step.order


# ----- timeliness of a handover -----------------------------------------------------------------


class Timeliness(StrEnum):
    """The same values as the dossiers' Timeliness choices."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


def timeliness(at: datetime, due: datetime | None, early_margin: timedelta = ONE_HOUR) -> Timeliness:
    """Early when done at least `early_margin` before the deadline, late after it, on time otherwise
    (and always without a deadline)."""
    if due is None:
        return Timeliness.ON_TIME
    if at <= due - early_margin:
        return Timeliness.EARLY
    return Timeliness.ON_TIME if at <= due else Timeliness.LATE


# ----- late or due soon -------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockStatus:
    late: bool
    due_soon: bool


NOT_WATCHED = ClockStatus(late=False, due_soon=False)


def clock_status(
    calendar: WorkCalendar,
    *,
    due_at: datetime | None,
    now: datetime,
    running: bool,
    due_soon_within: timedelta,
) -> ClockStatus:
    """Late once `now` is past `due_at`; due soon when not late and `due_at` comes within
    `due_soon_within` of working time from `now`. Neither when not `running` (paused, finished or
    closed: the caller decides) or without a due time.

    For a running dossier this is the same answer as the database filters
    late: `due_at__lt=now`; due soon: `due_at__gte=now, due_at__lt=due_soon_horizon(...)`.
    """
    if not running or due_at is None:
        return NOT_WATCHED
    late = now > due_at
    due_soon = not late and due_at < due_soon_horizon(calendar, now, due_soon_within)
    return ClockStatus(late=late, due_soon=due_soon)


def due_soon_horizon(calendar: WorkCalendar, now: datetime, due_soon_within: timedelta) -> datetime:
    """`now` plus `due_soon_within` of working time: a due time before it (and not before `now`) is
    due soon. Never before `now`."""
    return calendar.add_working(now, due_soon_within)
