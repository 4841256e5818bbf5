"""WorkCalendar: working days, working moments, working-time arithmetic and due times.

Internally a moment is split into (proleptic ordinal of its local date, microseconds
since local midnight); whole days are skipped with a sorted list of working-day
ordinals and `bisect`, so the cost of an addition does not grow with its length.
Working hours are local wall-clock times in the calendar's zone.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from motcua.worktime.explain import render_explanation
from motcua.worktime.models import (
    DayOff,
    Due,
    Explanation,
    Override,
    Pause,
    TimeLimit,
    WorkingHours,
    as_decimal,
    require_aware,
)
from motcua.worktime.national import NationalYear, national_year
from motcua.worktime.text import weekday_en, weekday_vi

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
DEFAULT_HOURS = WorkingHours()
ONE_DAY = timedelta(days=1)
ONE_US = timedelta(microseconds=1)
US_PER_CALENDAR_DAY = 86_400_000_000
NO_NATIONAL_DAYS = NationalYear(days_off={}, extra_working_days={})
DEFAULT_OFF_REASONS = (
    "Ngày nghỉ theo quyết định của cơ quan có thẩm quyền",
    "Day off set by the administrator",
)
DEFAULT_WORK_REASONS = (
    "Ngày làm việc theo quyết định của cơ quan có thẩm quyền",
    "Working day set by the administrator",
)


@dataclass(frozen=True)
class _YearCalendar:
    """One year, precomputed: every non-working day, every extra working day, working ordinals."""

    days_off: dict[date, DayOff]
    extra_working_days: dict[date, Override]
    working_ordinals: tuple[int, ...]


@dataclass(frozen=True)
class _DayIndex:
    """Working days of a contiguous span of years; replaced as a whole when the span grows."""

    first_year: int
    last_year: int
    working_ordinals: tuple[int, ...]
    working: frozenset[int]


EMPTY_INDEX = _DayIndex(first_year=10**6, last_year=-(10**6), working_ordinals=(), working=frozenset())


@dataclass(frozen=True)
class CountedPause:
    """A (merged) pause that moved the due time, clipped to the clock start."""

    start: datetime
    end: datetime
    added: timedelta


@dataclass(frozen=True)
class DueTrace:
    """Every step of a due-time computation: what the explanation is written from."""

    received: datetime
    clock_start: datetime
    limit: TimeLimit
    due_without_pauses: datetime
    counted_pauses: tuple[CountedPause, ...]
    open_pause_start: datetime | None
    ignored_pause_starts: tuple[datetime, ...]
    calendar_end: datetime | None
    at: datetime | None

    @property
    def paused(self) -> timedelta:
        return sum((pause.added for pause in self.counted_pauses), timedelta(0))


def merge_pauses(pauses: Iterable[Pause]) -> list[tuple[datetime, datetime | None]]:
    """Union of pause intervals, sorted; an open pause swallows every later one."""
    merged: list[tuple[datetime, datetime | None]] = []
    for pause in sorted(pauses, key=lambda pause: pause.start):
        if merged and (merged[-1][1] is None or pause.start <= merged[-1][1]):
            first_start, last_end = merged[-1]
            if last_end is None or pause.end is None:
                merged[-1] = (first_start, None)
            else:
                merged[-1] = (first_start, max(last_end, pause.end))
        else:
            merged.append((pause.start, pause.end))
    return merged


class WorkCalendar:
    """The legal clock of one province: national calendar + overrides + working hours."""

    def __init__(
        self,
        hours: WorkingHours = DEFAULT_HOURS,
        overrides: Iterable[Override] = (),
        tz: str = DEFAULT_TZ,
        use_national_holidays: bool = True,
    ) -> None:
        self.hours = hours
        self.tz = tz
        self.zone = _load_zone(tz)
        self.use_national_holidays = use_national_holidays
        self.overrides = _index_overrides(overrides)
        starts, ends = hours.period_bounds_us()
        self._periods = _periods_with_worked_before(starts, ends)
        self._first_start_us = starts[0]
        self._last_end_us = ends[-1]
        self._day_us = sum(ends) - sum(starts)
        self._cutoff_us = hours.cutoff_us()
        self._years: dict[int, _YearCalendar] = {}
        self._index = EMPTY_INDEX

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(hours={self.hours!r}, overrides={len(self.overrides)}, tz={self.tz!r}, "
            f"use_national_holidays={self.use_national_holidays!r})"
        )

    # ----- days -------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        day = self._as_date(day)
        return day not in self._year(day.year).days_off

    def day_off(self, day: date) -> DayOff | None:
        """Why `day` is not a working day, or None if it is one."""
        day = self._as_date(day)
        return self._year(day.year).days_off.get(day)

    def days_off(self, year: int, include_weekends: bool = False) -> list[DayOff]:
        """Days off of `year` in date order: holidays (also those on a weekend) and 'off' overrides."""
        days = self._year(year).days_off.values()
        return [day for day in days if include_weekends or day.kind != "weekend"]

    def days_off_between(self, first: date, last: date, include_weekends: bool = False) -> list[DayOff]:
        """Days off from `first` to `last` inclusive, in date order."""
        found: list[DayOff] = []
        for year in range(first.year, last.year + 1):
            found += [
                day
                for day in self.days_off(year, include_weekends=include_weekends)
                if first <= day.day <= last
            ]
        return found

    def extra_working_days(self, year: int) -> list[Override]:
        """Days that are working days although they would normally be off (swapped Saturdays...)."""
        return list(self._year(year).extra_working_days.values())

    def extra_working_days_between(self, first: date, last: date) -> list[Override]:
        found: list[Override] = []
        for year in range(first.year, last.year + 1):
            found += [day for day in self.extra_working_days(year) if first <= day.day <= last]
        return found

    def working_days_count(self, year: int) -> int:
        return len(self._year(year).working_ordinals)

    # ----- moments ----------------------------------------------------------------------------

    def is_working_moment(self, moment: datetime) -> bool:
        """True within a working period of a working day (both period ends included)."""
        local = self._local(moment)
        if not self._is_working_ordinal(local.toordinal(), local.year):
            return False
        us = _us_of_day(local)
        return any(start <= us <= end for start, end, _ in self._periods)

    def next_working_moment(self, moment: datetime) -> datetime:
        """`moment` itself if it is a working moment, else the start of the next working period."""
        local = self._local(moment)
        return self._next_working(local.toordinal(), local.year, _us_of_day(local))

    def clock_start(self, received: datetime) -> datetime:
        """When the legal clock starts for a dossier received at `received`."""
        local = self._local(received, "received")
        ordinal, us = local.toordinal(), _us_of_day(local)
        if self._is_after_cutoff(ordinal, local.year, us):
            return self._make(self._nth_working_day_after(ordinal, local.year, 1), self._first_start_us)
        return self._next_working(ordinal, local.year, us)

    def end_of_working_day(self, day: date) -> datetime:
        """End of the last working period of `day`, or of the next working day if `day` is off."""
        day = self._as_date(day)
        ordinal = day.toordinal()
        if not self._is_working_ordinal(ordinal, day.year):
            ordinal = self._nth_working_day_after(ordinal, day.year, 1)
        return self._make(ordinal, self._last_end_us)

    # ----- working-time arithmetic ------------------------------------------------------------

    def add_working(self, start: datetime, amount: timedelta) -> datetime:
        """`start` plus `amount` of working time; landing on a period end returns that end."""
        local = self._local(start, "start")
        return self._add_us(local.toordinal(), local.year, _us_of_day(local), _timedelta_us(amount))

    def add_working_days(self, start: datetime, days: Decimal | int | str) -> datetime:
        """`start` plus `days` working days of `hours.day_length` each (fractions allowed)."""
        local = self._local(start, "start")
        return self._add_us(local.toordinal(), local.year, _us_of_day(local), self._working_days_us(days))

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from `a` to `b`; zero if `b` is not after `a`."""
        first, last = self._local(a, "a"), self._local(b, "b")
        if last <= first:
            return timedelta(0)
        return timedelta(microseconds=self._working_us_between(first, last))

    def step_dues(self, start: datetime, shares: Sequence[Decimal | int | str]) -> list[datetime]:
        """Due time of each step of a chain, from each step's share in working days."""
        local = self._local(start, "start")
        ordinal, us = local.toordinal(), _us_of_day(local)
        dues: list[datetime] = []
        cumulative = Decimal(0)
        for share in shares:
            amount = as_decimal(share, "step share")
            if amount < 0:
                raise ValueError(f"step shares must be >= 0, got {amount}")
            cumulative += amount
            dues.append(self._add_us(ordinal, local.year, us, self._working_days_us(cumulative)))
        return dues

    # ----- due times --------------------------------------------------------------------------

    def due(self, received: datetime, limit: TimeLimit, pauses: Sequence[Pause] = ()) -> Due:
        """Due time of a dossier with its Vietnamese and English explanation."""
        trace = self.trace_due(received, limit, pauses)
        explanation = self._render(trace)
        return Due(
            at=trace.at,
            clock_start=trace.clock_start,
            paused=trace.paused,
            explanation_vi=explanation.vi,
            explanation_en=explanation.en,
        )

    def due_at(self, received: datetime, limit: TimeLimit, pauses: Sequence[Pause] = ()) -> datetime | None:
        """Just the due time (no explanation text): the fast path for bulk loads."""
        return self.trace_due(received, limit, pauses).at

    def explain(self, received: datetime, limit: TimeLimit, pauses: Sequence[Pause] = ()) -> Explanation:
        """The explanation of `due(...)`: (vi, en)."""
        return self._render(self.trace_due(received, limit, pauses))

    def trace_due(self, received: datetime, limit: TimeLimit, pauses: Sequence[Pause] = ()) -> DueTrace:
        """Compute a due time and keep every intermediate step."""
        if not isinstance(limit, TimeLimit):
            raise TypeError(f"limit must be a TimeLimit, got {type(limit).__name__}")
        received_local = self._local(received, "received")
        start = self.clock_start(received_local)
        if limit.unit == "working_days":
            return self._trace_working_days(received_local, start, limit, merge_pauses(pauses))
        return self._trace_calendar_days(received_local, start, limit, merge_pauses(pauses))

    def _trace_working_days(
        self,
        received: datetime,
        start: datetime,
        limit: TimeLimit,
        pauses: list[tuple[datetime, datetime | None]],
    ) -> DueTrace:
        if limit.amount == 0:
            base = self._make(start.toordinal(), self._last_end_us)
        else:
            base = self.add_working_days(start, limit.amount)
        # The clock itself is the due time; a pause adds the working time it covered.
        return self._trace_pauses(
            received,
            start,
            limit,
            pauses,
            clock=base,
            due_of=lambda due: due,
            measure=self.working_time_between,
            advance=self.add_working,
            calendar_end=False,
        )

    def _trace_calendar_days(
        self,
        received: datetime,
        start: datetime,
        limit: TimeLimit,
        pauses: list[tuple[datetime, datetime | None]],
    ) -> DueTrace:
        length = timedelta(microseconds=int(limit.amount * US_PER_CALENDAR_DAY))
        # The clock is the raw end; a pause adds its calendar time, the due is that day's end of work.
        return self._trace_pauses(
            received,
            start,
            limit,
            pauses,
            clock=start + length,
            due_of=lambda end: self.end_of_working_day(end.date()),
            measure=lambda a, b: b - a,
            advance=lambda end, added: end + added,
            calendar_end=True,
        )

    def _trace_pauses(
        self,
        received: datetime,
        start: datetime,
        limit: TimeLimit,
        pauses: list[tuple[datetime, datetime | None]],
        *,
        clock: datetime,
        due_of: Callable[[datetime], datetime],
        measure: Callable[[datetime, datetime], timedelta],
        advance: Callable[[datetime, timedelta], datetime],
        calendar_end: bool,
    ) -> DueTrace:
        """Walk the pauses in order: those starting before the current due time move it later."""
        base = due = due_of(clock)
        counted: list[CountedPause] = []
        ignored: list[datetime] = []
        open_start: datetime | None = None
        for pause_start, pause_end in pauses:
            effective_start = max(self._local(pause_start), start)
            if effective_start >= due:
                ignored.append(self._local(pause_start))
                continue
            if pause_end is None:
                open_start = effective_start
                break
            pause_end_local = self._local(pause_end)
            if pause_end_local <= effective_start:
                continue
            added = measure(effective_start, pause_end_local)
            counted.append(CountedPause(effective_start, pause_end_local, added))
            clock = advance(clock, added)
            due = due_of(clock)
        return DueTrace(
            received=received,
            clock_start=start,
            limit=limit,
            due_without_pauses=base,
            counted_pauses=tuple(counted),
            open_pause_start=open_start,
            ignored_pause_starts=tuple(ignored),
            calendar_end=clock if calendar_end else None,
            at=None if open_start is not None else due,
        )

    def _render(self, trace: DueTrace) -> Explanation:
        return render_explanation(self, trace)

    # ----- internals: years and the working-day index -----------------------------------------

    def _year(self, year: int) -> _YearCalendar:
        cached = self._years.get(year)
        if cached is None:
            cached = self._build_year(year)
            self._years[year] = cached
        return cached

    def _build_year(self, year: int) -> _YearCalendar:
        national = national_year(year) if self.use_national_holidays else NO_NATIONAL_DAYS
        days_off: dict[date, DayOff] = {}
        extra_working: dict[date, Override] = {}
        working_ordinals: list[int] = []
        day = date(year, 1, 1)
        while day.year == year:
            normally_off = _national_day_off(day, national)
            override = self.overrides.get(day)
            if override is not None and override.kind == "off":
                days_off[day] = DayOff(day, "override", override.reason_vi, override.reason_en)
            elif override is not None or normally_off is None:
                working_ordinals.append(day.toordinal())
                extra = override if normally_off is not None else _national_make_up_day(day, national)
                if extra is not None:
                    extra_working[day] = extra
            else:
                days_off[day] = normally_off
            if day == date.max:
                break
            day += ONE_DAY
        return _YearCalendar(days_off, extra_working, tuple(working_ordinals))

    def _index_covering(self, first_year: int, last_year: int) -> _DayIndex:
        index = self._index
        if index.first_year <= first_year and last_year <= index.last_year:
            return index
        first_year = min(first_year, index.first_year)
        last_year = max(last_year, index.last_year)
        ordinals: list[int] = []
        for year in range(first_year, last_year + 1):
            ordinals += self._year(year).working_ordinals
        index = _DayIndex(first_year, last_year, tuple(ordinals), frozenset(ordinals))
        self._index = index
        return index

    def _is_working_ordinal(self, ordinal: int, year: int) -> bool:
        index = self._index
        if not index.first_year <= year <= index.last_year:
            index = self._index_covering(year, year)
        return ordinal in index.working

    def _nth_working_day_after(self, ordinal: int, year: int, n: int) -> int:
        """Ordinal of the n-th working day strictly after `ordinal` (n >= 1)."""
        step_years = n // 200 + 1
        last_year = year + step_years
        while True:
            if last_year > date.max.year:
                raise OverflowError("no working day found before the end of year 9999")
            index = self._index_covering(year, last_year)
            position = bisect_right(index.working_ordinals, ordinal) + n - 1
            if position < len(index.working_ordinals):
                return index.working_ordinals[position]
            last_year = min(last_year + step_years, date.max.year)

    # ----- internals: within a day --------------------------------------------------------------

    def _worked_before(self, us: int) -> int:
        """Working time of a working day from midnight up to `us` (microseconds)."""
        for start, end, worked_before in self._periods:
            if us <= start:
                return worked_before
            if us <= end:
                return worked_before + us - start
        return self._day_us

    def _clock_at(self, worked: int) -> int:
        """Earliest time of day by which `worked` microseconds have been worked (0 < worked <= day)."""
        for start, end, worked_before in self._periods:
            if worked <= worked_before + end - start:
                return start + worked - worked_before
        return self._last_end_us

    def _next_working(self, ordinal: int, year: int, us: int) -> datetime:
        if self._is_working_ordinal(ordinal, year):
            for start, end, _ in self._periods:
                if us <= end:
                    return self._make(ordinal, max(us, start))
        return self._make(self._nth_working_day_after(ordinal, year, 1), self._first_start_us)

    def _is_after_cutoff(self, ordinal: int, year: int, us: int) -> bool:
        cutoff = self._cutoff_us
        return cutoff is not None and us > cutoff and self._is_working_ordinal(ordinal, year)

    def _add_us(self, ordinal: int, year: int, us: int, amount_us: int) -> datetime:
        if amount_us == 0:
            return self._next_working(ordinal, year, us)
        day_us = self._day_us
        worked = self._worked_before(us) if self._is_working_ordinal(ordinal, year) else day_us
        total = worked + amount_us
        if total <= day_us:
            return self._make(ordinal, self._clock_at(total))
        extra_days, worked_on_last_day = divmod(total - day_us - 1, day_us)
        last_day = self._nth_working_day_after(ordinal, year, extra_days + 1)
        return self._make(last_day, self._clock_at(worked_on_last_day + 1))

    def _working_us_between(self, first: datetime, last: datetime) -> int:
        first_ordinal, last_ordinal = first.toordinal(), last.toordinal()
        index = self._index_covering(first.year, last.year)
        first_worked = self._worked_before(_us_of_day(first)) if first_ordinal in index.working else None
        last_worked = self._worked_before(_us_of_day(last)) if last_ordinal in index.working else None
        if first_ordinal == last_ordinal:
            return 0 if first_worked is None or last_worked is None else last_worked - first_worked
        whole_days = bisect_left(index.working_ordinals, last_ordinal) - bisect_right(
            index.working_ordinals, first_ordinal
        )
        first_part = 0 if first_worked is None else self._day_us - first_worked
        last_part = 0 if last_worked is None else last_worked
        return first_part + whole_days * self._day_us + last_part

    def _working_days_us(self, days: Decimal | int | str) -> int:
        amount = as_decimal(days, "days")
        if amount < 0:
            raise ValueError(f"days must be >= 0, got {amount}")
        return int((amount * self._day_us).to_integral_value(rounding=ROUND_HALF_EVEN))

    # ----- internals: conversions -------------------------------------------------------------

    def _local(self, moment: datetime, what: str = "datetime") -> datetime:
        require_aware(moment, what)
        return moment if moment.tzinfo is self.zone else moment.astimezone(self.zone)

    def _as_date(self, day: date) -> date:
        if isinstance(day, datetime):
            return self._local(day, "day").date()
        if not isinstance(day, date):
            raise TypeError(f"expected a date, got {type(day).__name__}")
        return day

    def _make(self, ordinal: int, us: int) -> datetime:
        day = date.fromordinal(ordinal)
        seconds, microsecond = divmod(us, 1_000_000)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return datetime(day.year, day.month, day.day, hour, minute, second, microsecond, tzinfo=self.zone)


def _load_zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {tz!r}") from error


def _index_overrides(overrides: Iterable[Override]) -> dict[date, Override]:
    by_day: dict[date, Override] = {}
    for override in overrides:
        if not isinstance(override, Override):
            raise TypeError(f"overrides must be Override objects, got {type(override).__name__}")
        previous = by_day.get(override.day)
        if previous is not None and previous.kind != override.kind:
            raise ValueError(f"conflicting overrides for {override.day}: {previous.kind} and {override.kind}")
        by_day[override.day] = _with_default_reasons(override)
    return by_day


def _with_default_reasons(override: Override) -> Override:
    default_vi, default_en = DEFAULT_OFF_REASONS if override.kind == "off" else DEFAULT_WORK_REASONS
    return Override(
        day=override.day,
        kind=override.kind,
        reason_vi=override.reason_vi or default_vi,
        reason_en=override.reason_en or default_en,
    )


def _periods_with_worked_before(
    starts: tuple[int, ...], ends: tuple[int, ...]
) -> tuple[tuple[int, int, int], ...]:
    periods = []
    worked_before = 0
    for start, end in zip(starts, ends, strict=True):
        periods.append((start, end, worked_before))
        worked_before += end - start
    return tuple(periods)


def _national_day_off(day: date, national: NationalYear) -> DayOff | None:
    """Why `day` is off by the national calendar alone (no overrides), or None."""
    reasons = national.days_off.get(day)
    if reasons is not None:
        return DayOff(day, "holiday", reasons[0], reasons[1])
    if day.weekday() >= 5 and day not in national.extra_working_days:
        return DayOff(day, "weekend", f"Nghỉ cuối tuần ({weekday_vi(day)})", f"Weekend ({weekday_en(day)})")
    return None


def _national_make_up_day(day: date, national: NationalYear) -> Override | None:
    reasons = national.extra_working_days.get(day)
    return None if reasons is None else Override(day, "work", reasons[0], reasons[1])


def _us_of_day(moment: datetime) -> int:
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000 + moment.microsecond


def _timedelta_us(amount: timedelta) -> int:
    if not isinstance(amount, timedelta):
        raise TypeError(f"amount must be a timedelta, got {type(amount).__name__}")
    if amount < timedelta(0):
        raise ValueError(f"amount must be >= 0, got {amount}")
    return amount // ONE_US
