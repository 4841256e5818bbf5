"""Deadline rules of dossiers and steps: known cases, then properties checked with hypothesis."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.worktime import (
    ClockStatus,
    StepTimes,
    TimeLimit,
    Timeliness,
    WorkCalendar,
    apology_moves,
    clock_status,
    due_soon_horizon,
    lateness_cause,
    overrun,
    replanned_dues,
    shift_for,
    step_dues,
    timeliness,
)
from motcua.worktime.models import Override

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")
CAL = WorkCalendar()
H = timedelta(hours=1)
ONE_WORKING_DAY = timedelta(hours=8)
# Build the years the properties use once, here, not inside a hypothesis example's deadline.
CAL.working_time_between(datetime(2025, 1, 1, tzinfo=VN), datetime(2028, 12, 31, tzinfo=VN))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def working(days: str) -> TimeLimit:
    return TimeLimit(Decimal(days), "working_days")


def calendar_days(days: str) -> TimeLimit:
    return TimeLimit(Decimal(days), "calendar_days")


def shares_of(*days: str) -> list[Decimal]:
    return [Decimal(share) for share in days]


def dossier_step_dues(received: datetime, limit: TimeLimit, shares: Sequence[Decimal]) -> list[datetime]:
    """The step dues fixed at reception, as the dossier services compute them."""
    trace = CAL.trace_due(received, limit)
    assert trace.at is not None
    return step_dues(CAL, start=trace.clock_start, due=trace.at, limit=limit, shares=shares)


def services_step_dues_before(
    start: datetime, due: datetime, limit: TimeLimit, shares: Sequence[Decimal]
) -> list[datetime]:
    """dossiers.services._step_dues as it was when these rules moved here (the oracle of the
    working-day branch, which must not change; its other branch had the weekend bug)."""
    if limit.unit == "working_days" and limit.amount > 0:
        total = sum((Decimal(s) for s in shares), Decimal(0))
        if not total or total == limit.amount:
            return [min(d, due) for d in CAL.step_dues(start, shares)]
        dues, running = [], Decimal(0)
        for share in shares:
            running += Decimal(share)
            dues.append(CAL.add_working_days(start, running * limit.amount / total))
        return [min(d, due) for d in dues]
    total = sum(shares) or Decimal(1)
    span = due - start
    dues, running = [], Decimal(0)
    for share in shares:
        running += share
        dues.append(start + span * float(running / total) if shares and sum(shares) else due)
    return [min(d, due) for d in dues]


# ----- step_dues: known cases -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "limit", "shares", "expected"),
    [
        pytest.param(
            at(2026, 3, 3, 9),
            working("5"),
            shares_of("1", "3", "1"),
            [at(2026, 3, 4, 9), at(2026, 3, 9, 9), at(2026, 3, 10, 9)],
            id="working-shares-sum-to-limit",
        ),
        pytest.param(
            at(2026, 3, 3, 9),
            working("3"),
            shares_of("2", "4"),
            [at(2026, 3, 4, 9), at(2026, 3, 6, 9)],
            id="working-shares-of-another-limit",
        ),
        pytest.param(
            at(2026, 3, 3, 9),
            working("2"),
            shares_of("0", "0"),
            [at(2026, 3, 3, 9), at(2026, 3, 3, 9)],
            id="working-zero-shares",
        ),
        pytest.param(
            at(2026, 3, 3, 9),
            working("0"),
            shares_of("1", "1"),
            [at(2026, 3, 3, 17), at(2026, 3, 3, 17)],
            id="on-the-spot-ends-that-day",
        ),
        pytest.param(
            at(2026, 12, 3, 16),
            calendar_days("10"),
            shares_of("1", "9"),
            [at(2026, 12, 7, 17), at(2026, 12, 14, 17)],
            id="calendar-point-on-saturday-moves-to-monday",
        ),
        pytest.param(
            at(2026, 3, 3, 9),
            calendar_days("7"),
            shares_of("1", "6"),
            [at(2026, 3, 4, 17), at(2026, 3, 10, 17)],
            id="calendar-point-on-working-day-ends-that-day",
        ),
        pytest.param(
            at(2026, 4, 20, 9),
            calendar_days("10"),
            shares_of("6", "4"),
            [at(2026, 4, 28, 17), at(2026, 5, 4, 17)],
            id="calendar-point-at-night-ends-that-days-work",
        ),
        pytest.param(
            at(2026, 4, 20, 9),
            calendar_days("10"),
            shares_of("7", "3"),
            [at(2026, 5, 4, 17), at(2026, 5, 4, 17)],
            id="calendar-point-on-holiday-moves-past-it",
        ),
        pytest.param(
            at(2026, 3, 3, 9),
            calendar_days("7"),
            shares_of("0", "0"),
            [at(2026, 3, 10, 17), at(2026, 3, 10, 17)],
            id="calendar-zero-shares-end-with-the-dossier",
        ),
        pytest.param(at(2026, 3, 3, 9), calendar_days("7"), [], [], id="no-steps"),
    ],
)
def test_step_dues(
    received: datetime, limit: TimeLimit, shares: list[Decimal], expected: list[datetime]
) -> None:
    assert dossier_step_dues(received, limit, shares) == expected


def test_calendar_day_step_no_longer_due_on_saturday_morning() -> None:
    """Received Thursday 03/12/2026 after the cut-off, 10 calendar days: the first step's tenth of the
    span ended at 08:00 on Saturday 05/12/2026; it now ends with Monday's work."""
    received, limit, shares = at(2026, 12, 3, 16), calendar_days("10"), shares_of("1", "9")
    trace = CAL.trace_due(received, limit)
    assert trace.at is not None
    before = services_step_dues_before(trace.clock_start, trace.at, limit, shares)
    assert before[0] == at(2026, 12, 5, 8)
    assert not CAL.is_working_moment(before[0])

    first = dossier_step_dues(received, limit, shares)[0]
    assert first == at(2026, 12, 7, 17)
    assert CAL.is_working_moment(first)


def test_step_dues_capped_at_the_dossiers_due() -> None:
    start, due = at(2026, 3, 3, 9), at(2026, 3, 4, 9)
    dues = step_dues(CAL, start=start, due=due, limit=working("5"), shares=shares_of("1", "4"))
    assert dues == [due, due]


def test_replanned_dues_run_each_share_again_from_the_return() -> None:
    dues = replanned_dues(CAL, at(2026, 3, 6, 16), shares_of("0.5", "2"))
    assert dues == [at(2026, 3, 9, 10), at(2026, 3, 11, 10)]


# ----- shifts, apologies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "old", "new", "moment", "expected"),
    [
        pytest.param(
            working("5"),
            at(2026, 3, 10, 17),
            at(2026, 3, 12, 17),
            at(2026, 3, 6, 10),
            at(2026, 3, 10, 10),
            id="working-moves-by-working-time-over-weekend",
        ),
        pytest.param(
            calendar_days("5"),
            at(2026, 3, 10, 17),
            at(2026, 3, 12, 17),
            at(2026, 3, 6, 10),
            at(2026, 3, 8, 10),
            id="calendar-moves-by-span",
        ),
        pytest.param(
            working("5"),
            at(2026, 3, 12, 17),
            at(2026, 3, 10, 17),
            at(2026, 3, 6, 10),
            at(2026, 3, 4, 10),
            id="working-moving-earlier-moves-by-span",
        ),
        pytest.param(
            working("5"), at(2026, 3, 10, 17), at(2026, 3, 12, 17), None, None, id="no-deadline-stays-none"
        ),
    ],
)
def test_shift(
    limit: TimeLimit, old: datetime, new: datetime, moment: datetime | None, expected: datetime | None
) -> None:
    assert shift_for(CAL, limit, old, new)(moment) == expected


@pytest.mark.parametrize(
    ("dues", "old_due", "expected"),
    [
        pytest.param(
            [at(2026, 3, 5, 9), at(2026, 3, 10, 17), None, at(2026, 3, 10, 17)],
            at(2026, 3, 10, 17),
            [at(2026, 3, 5, 9), at(2026, 3, 13, 17), None, at(2026, 3, 13, 17)],
            id="steps-ending-with-the-appointment-move",
        ),
        pytest.param(
            [at(2026, 3, 5, 9), at(2026, 3, 9, 17)],
            at(2026, 3, 10, 17),
            [at(2026, 3, 5, 9), at(2026, 3, 9, 17)],
            id="steps-ending-earlier-stay",
        ),
        pytest.param(
            [None, at(2026, 3, 9, 17)],
            None,
            [at(2026, 3, 13, 17), at(2026, 3, 9, 17)],
            id="no-old-appointment-moves-steps-without-due",
        ),
    ],
)
def test_apology_moves(
    dues: list[datetime | None], old_due: datetime | None, expected: list[datetime | None]
) -> None:
    assert apology_moves(dues, old_due, at(2026, 3, 13, 17)) == expected


# ----- lateness ---------------------------------------------------------------------------------


def step(
    order: int,
    due_at: datetime | None,
    started_at: datetime | None = None,
    completed_at: datetime | None = None,
    late: bool = True,
) -> StepTimes:
    return StepTimes(order=order, due_at=due_at, started_at=started_at, completed_at=completed_at, late=late)


NOW = at(2026, 3, 12, 10)


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        pytest.param(
            step(1, at(2026, 3, 10, 17), completed_at=at(2026, 3, 9, 9)), timedelta(0), id="in-time"
        ),
        pytest.param(step(1, at(2026, 3, 11, 17)), 3 * H, id="running-counts-to-now"),
        pytest.param(
            step(1, at(2026, 3, 10, 9), completed_at=at(2026, 3, 11, 9)), ONE_WORKING_DAY, id="completed"
        ),
        pytest.param(
            step(1, at(2026, 3, 10, 9), started_at=at(2026, 3, 11, 9)), 9 * H, id="counts-from-a-late-start"
        ),
        pytest.param(step(1, None), timedelta(0), id="no-deadline"),
    ],
)
def test_overrun(times: StepTimes, expected: timedelta) -> None:
    assert overrun(CAL, times, NOW) == expected


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        pytest.param([step(1, at(2026, 3, 11, 17), late=False)], None, id="none-late"),
        pytest.param([step(1, None)], None, id="late-without-deadline-ignored"),
        pytest.param(
            [
                step(1, at(2026, 3, 9, 9), completed_at=at(2026, 3, 9, 10)),
                step(2, at(2026, 3, 11, 9), started_at=at(2026, 3, 9, 10)),
            ],
            2,
            id="largest-overrun",
        ),
        pytest.param(
            [
                step(3, at(2026, 3, 9, 9), completed_at=at(2026, 3, 9, 10)),
                step(2, at(2026, 3, 6, 9), completed_at=at(2026, 3, 6, 10)),
            ],
            2,
            id="earliest-of-equals",
        ),
        pytest.param(
            [
                step(1, at(2026, 3, 9, 9), completed_at=at(2026, 3, 11, 9)),
                step(2, at(2026, 3, 10, 9), started_at=at(2026, 3, 11, 9)),
            ],
            1,
            id="a-step-started-late-counts-from-its-start",
        ),
    ],
)
def test_lateness_cause(steps: list[StepTimes], expected: int | None) -> None:
    assert lateness_cause(CAL, steps, NOW) == expected


# ----- timeliness -------------------------------------------------------------------------------

DUE = at(2026, 3, 10, 17)


@pytest.mark.parametrize(
    ("done", "due", "margin", "expected"),
    [
        pytest.param(DUE, None, H, Timeliness.ON_TIME, id="no-deadline"),
        pytest.param(DUE - 2 * H, DUE, H, Timeliness.EARLY, id="hours-before"),
        pytest.param(DUE - H, DUE, H, Timeliness.EARLY, id="exactly-the-margin-before"),
        pytest.param(DUE - H / 2, DUE, H, Timeliness.ON_TIME, id="within-the-margin"),
        pytest.param(DUE, DUE, H, Timeliness.ON_TIME, id="at-the-deadline"),
        pytest.param(DUE + timedelta(minutes=1), DUE, H, Timeliness.LATE, id="after-the-deadline"),
        pytest.param(DUE - H / 2, DUE, H / 4, Timeliness.EARLY, id="custom-margin"),
    ],
)
def test_timeliness(done: datetime, due: datetime | None, margin: timedelta, expected: Timeliness) -> None:
    assert timeliness(done, due, margin) == expected


def test_timeliness_default_margin_and_values() -> None:
    assert timeliness(DUE - H, DUE) == Timeliness.EARLY
    assert [t.value for t in Timeliness] == ["early", "on_time", "late"]


# ----- late or due soon -------------------------------------------------------------------------

FRIDAY_4PM = at(2026, 3, 6, 16)


@pytest.mark.parametrize(
    ("due_at", "running", "expected"),
    [
        pytest.param(at(2026, 3, 6, 15), False, ClockStatus(late=False, due_soon=False), id="paused-past"),
        pytest.param(None, True, ClockStatus(late=False, due_soon=False), id="no-due"),
        pytest.param(at(2026, 3, 6, 15), True, ClockStatus(late=True, due_soon=False), id="past"),
        pytest.param(FRIDAY_4PM, True, ClockStatus(late=False, due_soon=True), id="due-now"),
        pytest.param(at(2026, 3, 9, 10), True, ClockStatus(late=False, due_soon=True), id="monday-morning"),
        pytest.param(at(2026, 3, 9, 16), True, ClockStatus(late=False, due_soon=False), id="at-horizon"),
        pytest.param(at(2026, 3, 9, 10), False, ClockStatus(late=False, due_soon=False), id="paused-soon"),
    ],
)
def test_clock_status(due_at: datetime | None, running: bool, expected: ClockStatus) -> None:
    status = clock_status(
        CAL, due_at=due_at, now=FRIDAY_4PM, running=running, due_soon_within=ONE_WORKING_DAY
    )
    assert status == expected


def test_due_soon_horizon_counts_working_time() -> None:
    assert due_soon_horizon(CAL, FRIDAY_4PM, ONE_WORKING_DAY) == at(2026, 3, 9, 16)


# ----- properties -------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2025, 12, 1),
    max_value=datetime(2027, 6, 1),
    timezones=st.sampled_from([VN, UTC]),
).map(lambda moment: moment.replace(second=0, microsecond=0))
shares_lists = st.lists(st.decimals(min_value=0, max_value=10, places=1), max_size=6)
limits = st.builds(
    TimeLimit,
    amount=st.decimals(min_value=0, max_value=30, places=1),
    unit=st.sampled_from(["working_days", "calendar_days"]),
)
calendar_day_limits = st.builds(
    TimeLimit, amount=st.decimals(min_value=0, max_value=30, places=1), unit=st.just("calendar_days")
)
spans = st.integers(min_value=0, max_value=20 * 24 * 60).map(lambda minutes: timedelta(minutes=minutes))


def clock_of(received: datetime, limit: TimeLimit) -> tuple[datetime, datetime]:
    trace = CAL.trace_due(received, limit)
    assert trace.at is not None
    return trace.clock_start, trace.at


@given(received=moments, limit=limits, shares=shares_lists)
def test_step_dues_never_decrease_nor_pass_the_dossiers_due(
    received: datetime, limit: TimeLimit, shares: list[Decimal]
) -> None:
    start, due = clock_of(received, limit)
    dues = step_dues(CAL, start=start, due=due, limit=limit, shares=shares)
    assert len(dues) == len(shares)
    assert all(earlier <= later for earlier, later in zip(dues, dues[1:], strict=False))
    assert all(step_due <= due for step_due in dues)


@given(received=moments, limit=calendar_day_limits, shares=shares_lists)
def test_calendar_day_step_dues_are_working_moments_ending_their_points_day(
    received: datetime, limit: TimeLimit, shares: list[Decimal]
) -> None:
    start, due = clock_of(received, limit)
    dues = step_dues(CAL, start=start, due=due, limit=limit, shares=shares)
    assert all(CAL.is_working_moment(step_due) for step_due in dues)
    total = sum(shares, Decimal(0))
    if total:
        span_us = Fraction((due - start) // timedelta(microseconds=1))
        cumulative = Fraction(0)
        for share, step_due in zip(shares, dues, strict=True):
            cumulative += Fraction(share)
            point = start + timedelta(microseconds=round(span_us * cumulative / Fraction(total)))
            assert step_due == min(CAL.end_of_working_day(point.astimezone(VN).date()), due)


@given(received=moments, amount=st.decimals(min_value="0.1", max_value=30, places=1), shares=shares_lists)
def test_working_day_step_dues_are_unchanged(
    received: datetime, amount: Decimal, shares: list[Decimal]
) -> None:
    limit = working(str(amount))
    start, due = clock_of(received, limit)
    dues = step_dues(CAL, start=start, due=due, limit=limit, shares=shares)
    assert dues == services_step_dues_before(start, due, limit, shares)


@given(received=moments, shares=shares_lists.filter(lambda shares: sum(shares, Decimal(0)) > 0))
def test_working_day_shares_summing_to_the_limit_are_the_calendars_step_dues(
    received: datetime, shares: list[Decimal]
) -> None:
    limit = TimeLimit(sum(shares, Decimal(0)), "working_days")
    start, due = clock_of(received, limit)
    dues = step_dues(CAL, start=start, due=due, limit=limit, shares=shares)
    assert dues == CAL.step_dues(start, shares)
    assert dues[-1] == due


@given(
    limit=st.sampled_from([working("5"), calendar_days("5")]),
    old=moments,
    moved=spans,
    first=moments,
    gap=spans,
)
def test_shift_keeps_order_and_never_moves_earlier(
    limit: TimeLimit, old: datetime, moved: timedelta, first: datetime, gap: timedelta
) -> None:
    shift = shift_for(CAL, limit, old, old + moved)
    second = first + gap
    assert shift(first) <= shift(second)
    assert shift(first) >= first
    if limit.unit == "working_days":
        assert CAL.working_time_between(first, shift(first)) == CAL.working_time_between(old, old + moved)


@given(due=moments, first=moments, gap=spans, margin=spans)
def test_timeliness_is_monotonic_in_the_time_done(
    due: datetime, first: datetime, gap: timedelta, margin: timedelta
) -> None:
    rank = [Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE].index
    assert rank(timeliness(first, due, margin)) <= rank(timeliness(first + gap, due, margin))


step_times = st.builds(
    StepTimes,
    order=st.integers(min_value=1, max_value=9),
    due_at=st.one_of(st.none(), moments),
    started_at=st.one_of(st.none(), moments),
    completed_at=st.one_of(st.none(), moments),
    late=st.booleans(),
)


@given(steps=st.lists(step_times, max_size=6), now=moments)
def test_lateness_cause_is_the_late_step_with_the_largest_overrun(
    steps: list[StepTimes], now: datetime
) -> None:
    cause = lateness_cause(CAL, steps, now)
    late = [s for s in steps if s.late and s.due_at is not None]
    if not late:
        assert cause is None
    else:
        largest = max(overrun(CAL, s, now) for s in late)
        blamed = [s for s in late if s.order == cause]
        assert any(overrun(CAL, s, now) == largest for s in blamed)
        assert all(s.order >= cause for s in late if overrun(CAL, s, now) == largest)


@given(due_at=st.one_of(st.none(), moments), now=moments, running=st.booleans(), within=spans)
def test_clock_status_is_the_database_filters(
    due_at: datetime | None, now: datetime, running: bool, within: timedelta
) -> None:
    status = clock_status(CAL, due_at=due_at, now=now, running=running, due_soon_within=within)
    assert not (status.late and status.due_soon)
    if not running or due_at is None:
        assert status == ClockStatus(late=False, due_soon=False)
    else:
        horizon = due_soon_horizon(CAL, now, within)
        assert horizon >= now
        assert status.late == (due_at < now)
        assert status.due_soon == (now <= due_at < horizon)


def test_calendar_day_dues_use_the_calendars_days_off() -> None:
    """A province's extra day off counts like a holiday for a step's calendar-day due."""
    province = WorkCalendar(overrides=[Override(date(2026, 12, 7), "off")])
    trace = province.trace_due(at(2026, 12, 3, 16), calendar_days("10"))
    assert trace.at is not None
    dues = step_dues(
        province, start=trace.clock_start, due=trace.at, limit=calendar_days("10"), shares=shares_of("1", "9")
    )
    assert dues == [at(2026, 12, 8, 17), at(2026, 12, 14, 17)]
