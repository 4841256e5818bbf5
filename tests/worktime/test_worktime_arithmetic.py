"""Known answers for working moments, clock starts and working-time arithmetic."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from motcua.worktime import Override, WorkCalendar, WorkingHours

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar()
H = timedelta(hours=1)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (at(2026, 3, 3, 7, 0), True),  # period start is working
        (at(2026, 3, 3, 6, 59), False),
        (at(2026, 3, 3, 11, 30), True),  # period end is working
        (at(2026, 3, 3, 11, 31), False),  # lunch break
        (at(2026, 3, 3, 13, 30), True),
        (at(2026, 3, 3, 17, 0), True),
        (at(2026, 3, 3, 17, 1), False),
        (at(2026, 2, 17, 9, 0), False),  # Tết
        (at(2026, 3, 7, 9, 0), False),  # Saturday
    ],
)
def test_is_working_moment(moment: datetime, working: bool) -> None:
    assert CAL.is_working_moment(moment) is working


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 3, 9, 15), at(2026, 3, 3, 9, 15)),
        (at(2026, 3, 3, 5, 0), at(2026, 3, 3, 7, 0)),
        (at(2026, 3, 3, 12, 0), at(2026, 3, 3, 13, 30)),
        (at(2026, 3, 3, 11, 30), at(2026, 3, 3, 11, 30)),
        (at(2026, 3, 3, 18, 0), at(2026, 3, 4, 7, 0)),
        (at(2026, 3, 6, 18, 0), at(2026, 3, 9, 7, 0)),  # Friday evening -> Monday
        (at(2026, 2, 13, 17, 30), at(2026, 2, 23, 7, 0)),  # over Tết
    ],
)
def test_next_working_moment(moment: datetime, expected: datetime) -> None:
    assert CAL.next_working_moment(moment) == expected


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (at(2026, 3, 3, 9, 0), at(2026, 3, 3, 9, 0)),  # within hours: at once
        (at(2026, 3, 3, 6, 30), at(2026, 3, 3, 7, 0)),  # before opening
        (at(2026, 3, 3, 12, 10), at(2026, 3, 3, 13, 30)),  # lunch break
        (at(2026, 3, 3, 15, 0), at(2026, 3, 3, 15, 0)),  # exactly the cut-off: still today
        (at(2026, 3, 3, 15, 1), at(2026, 3, 4, 7, 0)),  # after the cut-off
        (at(2026, 3, 3, 20, 0), at(2026, 3, 4, 7, 0)),
        (at(2026, 3, 7, 10, 0), at(2026, 3, 9, 7, 0)),  # Saturday
        (at(2026, 2, 13, 16, 10), at(2026, 2, 23, 7, 0)),  # Friday before Tết, after the cut-off
        (at(2025, 4, 25, 16, 0), at(2025, 4, 26, 7, 0)),  # next day is the worked Saturday 26/04/2025
    ],
)
def test_clock_start(received: datetime, expected: datetime) -> None:
    assert CAL.clock_start(received) == expected


def test_clock_start_without_cutoff() -> None:
    cal = WorkCalendar(hours=WorkingHours(cutoff=None))
    assert cal.clock_start(at(2026, 3, 3, 16, 0)) == at(2026, 3, 3, 16, 0)


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        (at(2026, 3, 3, 7, 0), 4 * H, at(2026, 3, 3, 11, 0)),
        (at(2026, 3, 3, 7, 0), 4.5 * H, at(2026, 3, 3, 11, 30)),  # lands on a period end: stays there
        (at(2026, 3, 3, 7, 0), 5 * H, at(2026, 3, 3, 14, 0)),  # over the lunch break
        (at(2026, 3, 3, 7, 0), 8 * H, at(2026, 3, 3, 17, 0)),  # one full day ends 17:00, not 07:00 next day
        (at(2026, 3, 3, 7, 0), 8 * H + timedelta(minutes=1), at(2026, 3, 4, 7, 1)),
        (at(2026, 3, 3, 12, 0), 1 * H, at(2026, 3, 3, 14, 30)),  # starts in the lunch break
        (at(2026, 3, 3, 12, 0), timedelta(0), at(2026, 3, 3, 13, 30)),  # zero: the next working moment
        (at(2026, 3, 3, 11, 30), timedelta(0), at(2026, 3, 3, 11, 30)),
        (at(2026, 3, 6, 16, 0), 2 * H, at(2026, 3, 9, 8, 0)),  # over a weekend
        (at(2026, 3, 7, 9, 0), 1 * H, at(2026, 3, 9, 8, 0)),  # starts on a Saturday
        (at(2026, 2, 13, 16, 0), 2 * H, at(2026, 2, 23, 8, 0)),  # over Tết 2026
        (at(2025, 12, 31, 16, 0), 2 * H, at(2026, 1, 2, 8, 0)),  # over the year end and 1 January
        (at(2026, 3, 3, 9, 0), 8 * 60 * H, at(2026, 5, 29, 9, 0)),  # 60 working days
    ],
)
def test_add_working(start: datetime, amount: timedelta, expected: datetime) -> None:
    assert CAL.add_working(start, amount) == expected


def test_sixty_working_days_counted_by_hand() -> None:
    # 03/03/2026 -> 29/05/2026: 64 weekdays after 03/03 up to 29/05, minus 27/04, 30/04, 01/05.
    start = at(2026, 3, 3, 9, 0)
    assert CAL.add_working_days(start, Decimal(60)) == at(2026, 5, 29, 9, 0)
    assert CAL.working_time_between(start, at(2026, 5, 29, 9, 0)) == 60 * 8 * H


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (at(2026, 3, 3, 7, 0), Decimal("0.5"), at(2026, 3, 3, 11, 0)),
        (at(2026, 3, 3, 13, 30), Decimal("0.5"), at(2026, 3, 4, 7, 30)),  # the afternoon is only 3.5 h
        (at(2026, 3, 3, 13, 30), Decimal("0.4375"), at(2026, 3, 3, 17, 0)),
        (at(2026, 3, 3, 13, 30), Decimal("0.25"), at(2026, 3, 3, 15, 30)),
        (at(2026, 3, 3, 9, 0), Decimal(1), at(2026, 3, 4, 9, 0)),
        (at(2026, 3, 3, 9, 0), Decimal("1.5"), at(2026, 3, 4, 15, 0)),
        (at(2026, 3, 3, 9, 0), 0, at(2026, 3, 3, 9, 0)),
        (at(2026, 2, 13, 16, 10), "3", at(2026, 2, 25, 16, 10)),  # raw start, no cut-off rule
    ],
)
def test_add_working_days(start: datetime, days: Decimal | int | str, expected: datetime) -> None:
    assert CAL.add_working_days(start, days) == expected


def test_working_time_between() -> None:
    assert CAL.working_time_between(at(2026, 2, 13, 10, 0), at(2026, 2, 23, 10, 0)) == 8 * H
    assert CAL.working_time_between(at(2026, 3, 3, 11, 0), at(2026, 3, 3, 14, 0)) == 1 * H
    assert CAL.working_time_between(at(2026, 3, 3, 12, 0), at(2026, 3, 3, 13, 0)) == timedelta(0)
    assert CAL.working_time_between(at(2026, 3, 7, 8, 0), at(2026, 3, 8, 16, 0)) == timedelta(0)
    assert CAL.working_time_between(at(2026, 3, 4, 9, 0), at(2026, 3, 3, 9, 0)) == timedelta(0)
    assert CAL.working_time_between(at(2026, 3, 3, 0, 0), at(2026, 3, 5, 0, 0)) == 16 * H


def test_swapped_saturday_override() -> None:
    cal = WorkCalendar(
        overrides=[
            Override(date(2026, 3, 6), "off", "Nghỉ hoán đổi", "Swapped day off"),
            Override(date(2026, 3, 7), "work", "Làm bù", "Make-up day"),
        ]
    )
    # Thursday 09:00 + 2 days: 6 h on Thursday, Friday off, 8 h on Saturday, 2 h on Monday.
    assert cal.add_working_days(at(2026, 3, 5, 9, 0), Decimal(2)) == at(2026, 3, 9, 9, 0)
    assert cal.clock_start(at(2026, 3, 5, 16, 0)) == at(2026, 3, 7, 7, 0)


def test_national_make_up_saturday_2026() -> None:
    assert CAL.add_working_days(at(2026, 8, 21, 9, 0), Decimal(1)) == at(2026, 8, 22, 9, 0)
    # Friday 28/08: 6 h; 31/08, 01/09, 02/09 off; 03/09 and 04/09 full; 2 h on Monday 07/09.
    assert CAL.add_working_days(at(2026, 8, 28, 9, 0), Decimal(3)) == at(2026, 9, 7, 9, 0)


def test_tet_2025() -> None:
    # Friday 24/01/2025: 6 h; Tết 27-31/01; then four full days and 2 h on Friday 07/02/2025.
    assert CAL.add_working_days(at(2025, 1, 24, 9, 0), Decimal(5)) == at(2025, 2, 7, 9, 0)


def test_custom_hours_single_period() -> None:
    cal = WorkCalendar(hours=WorkingHours(periods=((time(8, 0), time(16, 0)),), cutoff=None))
    assert cal.add_working_days(at(2026, 3, 3, 12, 0), Decimal("0.5")) == at(2026, 3, 3, 16, 0)
    assert cal.add_working_days(at(2026, 3, 3, 12, 0), Decimal(1)) == at(2026, 3, 4, 12, 0)


def test_step_dues_are_cumulative() -> None:
    start = at(2026, 3, 3, 7, 0)
    dues = CAL.step_dues(start, [Decimal("0.5"), Decimal(1), Decimal("1.5")])
    assert dues == [at(2026, 3, 3, 11, 0), at(2026, 3, 4, 11, 0), at(2026, 3, 5, 17, 0)]
    assert CAL.step_dues(start, []) == []


def test_far_years_and_long_spans() -> None:
    start = at(2026, 3, 3, 9, 0)
    far = CAL.add_working_days(start, Decimal(2000))
    assert CAL.working_time_between(start, far) == 2000 * 8 * H
    assert CAL.is_working_moment(far)
