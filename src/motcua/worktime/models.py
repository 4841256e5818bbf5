"""Value types of the legal clock: working hours, overrides, limits, pauses, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal, NamedTuple

OverrideKind = Literal["off", "work"]
LimitUnit = Literal["working_days", "calendar_days"]
DayOffKind = Literal["weekend", "holiday", "override"]

DEFAULT_PERIODS: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)


def require_aware(moment: datetime, what: str = "datetime") -> None:
    """Raise ValueError unless `moment` is timezone-aware."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"{what} must be timezone-aware, got the naive datetime {moment.isoformat()}; "
            "attach a zone, e.g. datetime(..., tzinfo=ZoneInfo('Asia/Ho_Chi_Minh'))"
        )


def as_decimal(value: Decimal | int | str, what: str) -> Decimal:
    """Convert an exact number (Decimal, int or numeric string) to a finite Decimal."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise TypeError(f"{what} must be a Decimal, int or str, got {type(value).__name__}")
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise ValueError(f"{what} is not a number: {value!r}") from error
    if not number.is_finite():
        raise ValueError(f"{what} must be finite, got {value!r}")
    return number


def _microseconds_of_day(moment: time) -> int:
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000 + moment.microsecond


@dataclass(frozen=True)
class WorkingHours:
    """Daily working periods (local wall-clock times) and the intake cut-off.

    A dossier received on a working day after `cutoff` starts its clock on the
    next working morning; `cutoff=None` disables the rule.
    """

    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    cutoff: time | None = time(15, 0)

    def __post_init__(self) -> None:
        periods = tuple((start, end) for start, end in self.periods)
        object.__setattr__(self, "periods", periods)
        if not periods:
            raise ValueError("WorkingHours needs at least one working period")
        for start, end in periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("working periods are local wall-clock times: no tzinfo")
            if not start < end:
                raise ValueError(f"working period {start}-{end} must start before it ends")
        for (_, previous_end), (next_start, _) in zip(periods, periods[1:], strict=False):
            if next_start < previous_end:
                raise ValueError(
                    f"working periods must be ordered and must not overlap: {previous_end} > {next_start}"
                )
        if self.cutoff is not None and self.cutoff.tzinfo is not None:
            raise ValueError("the cut-off is a local wall-clock time: no tzinfo")

    @property
    def day_length(self) -> timedelta:
        """Working time in one full working day (this is what '1 working day' means)."""
        starts, ends = self.period_bounds_us()
        return timedelta(microseconds=sum(ends) - sum(starts))

    def period_bounds_us(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Period starts and ends as microseconds since local midnight."""
        starts = tuple(_microseconds_of_day(start) for start, _ in self.periods)
        ends = tuple(_microseconds_of_day(end) for _, end in self.periods)
        return starts, ends

    def cutoff_us(self) -> int | None:
        return None if self.cutoff is None else _microseconds_of_day(self.cutoff)


@dataclass(frozen=True)
class Override:
    """An administrator's exception to the national calendar.

    kind "off": an extra day off (e.g. a provincial holiday);
    kind "work": an extra working day (e.g. a Saturday worked to swap a bridge day).
    """

    day: date
    kind: OverrideKind
    reason_vi: str = ""
    reason_en: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise TypeError(f"Override.day must be a date, got {type(self.day).__name__}")
        if self.kind not in ("off", "work"):
            raise ValueError(f"Override.kind must be 'off' or 'work', got {self.kind!r}")


@dataclass(frozen=True)
class TimeLimit:
    """A statutory time limit. amount 0 means 'on the spot' (end of the starting working day)."""

    amount: Decimal
    unit: LimitUnit = "working_days"

    def __post_init__(self) -> None:
        amount = as_decimal(self.amount, "TimeLimit.amount")
        if amount < 0:
            raise ValueError(f"TimeLimit.amount must be >= 0, got {amount}")
        object.__setattr__(self, "amount", amount)
        if self.unit not in ("working_days", "calendar_days"):
            raise ValueError(f"TimeLimit.unit must be 'working_days' or 'calendar_days', got {self.unit!r}")


@dataclass(frozen=True)
class Pause:
    """The clock stopped (supplement requested) from `start` to `end`; end None = still paused."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        require_aware(self.start, "Pause.start")
        if self.end is not None:
            require_aware(self.end, "Pause.end")
            if self.end < self.start:
                raise ValueError(f"Pause ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class DayOff:
    """Why a date is not a working day."""

    day: date
    kind: DayOffKind
    reason_vi: str
    reason_en: str


class Explanation(NamedTuple):
    """The same explanation in Vietnamese and in English."""

    vi: str
    en: str


@dataclass(frozen=True)
class Due:
    """A computed due time with its explanation.

    `at` is None while a pause that started before the due time is still open.
    `paused` is the time the pauses added: working time for working-day limits,
    calendar time for calendar-day limits.
    """

    at: datetime | None
    clock_start: datetime
    paused: timedelta
    explanation_vi: str = field(repr=False)
    explanation_en: str = field(repr=False)
