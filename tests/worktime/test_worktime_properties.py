"""Properties of the legal clock, checked with hypothesis on several calendars."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.worktime import Override, Pause, TimeLimit, WorkCalendar, WorkingHours

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")
MINUTE = timedelta(minutes=1)

CALENDARS = [
    WorkCalendar(),
    WorkCalendar(
        overrides=[
            Override(date(2026, 3, 6), "off"),
            Override(date(2026, 3, 7), "work"),
            Override(date(2026, 2, 17), "work"),
            Override(date(2027, 1, 4), "off"),
        ]
    ),
    WorkCalendar(hours=WorkingHours(periods=((time(8, 0), time(16, 0)),), cutoff=None)),
    WorkCalendar(
        hours=WorkingHours(
            periods=((time(7, 30), time(9, 0)), (time(9, 0), time(11, 0)), (time(14, 0), time(17, 30))),
            cutoff=time(16, 0),
        ),
        use_national_holidays=False,
    ),
]

PROPERTY_SETTINGS = settings(max_examples=120, deadline=None)

calendars = st.sampled_from(CALENDARS)
moments = st.datetimes(
    min_value=datetime(2025, 12, 1),
    max_value=datetime(2027, 2, 1),
    timezones=st.sampled_from([VN, UTC]),
)
minute_moments = st.builds(lambda m: m.replace(second=0, microsecond=0), moments)
amounts = st.integers(min_value=0, max_value=60 * 8 * 60 * 60).map(lambda s: timedelta(seconds=s))
day_amounts = st.decimals(min_value=0, max_value=60, places=3)
limits = st.builds(
    TimeLimit,
    amount=st.decimals(min_value=0, max_value=30, places=2),
    unit=st.sampled_from(["working_days", "calendar_days"]),
)


@st.composite
def closed_pauses(draw: st.DrawFn) -> list[Pause]:
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(moments)
        length = draw(st.integers(0, 10 * 24 * 60)) * MINUTE
        pauses.append(Pause(start, start + length))
    return pauses


@PROPERTY_SETTINGS
@given(calendars, moments, amounts)
def test_add_working_lands_on_working_time_and_gives_the_amount_back(
    cal: WorkCalendar, start: datetime, amount: timedelta
) -> None:
    result = cal.add_working(start, amount)
    assert cal.is_working_moment(result)
    assert result >= start
    assert result.tzinfo is cal.zone
    assert cal.working_time_between(start, result) == amount


@PROPERTY_SETTINGS
@given(calendars, moments, amounts.filter(lambda a: a > timedelta(0)))
def test_positive_additions_never_land_on_a_period_start(
    cal: WorkCalendar, start: datetime, amount: timedelta
) -> None:
    result = cal.add_working(start, amount)
    assert result.time() not in {period_start for period_start, _ in cal.hours.periods}


@PROPERTY_SETTINGS
@given(calendars, moments, day_amounts)
def test_add_working_days_is_days_times_the_day_length(
    cal: WorkCalendar, start: datetime, days: Decimal
) -> None:
    result = cal.add_working_days(start, days)
    assert cal.is_working_moment(result)
    day_us = cal.hours.day_length // timedelta(microseconds=1)
    expected_us = int((days * day_us).to_integral_value())
    assert cal.working_time_between(start, result) == timedelta(microseconds=expected_us)


@PROPERTY_SETTINGS
@given(calendars, moments, moments, moments)
def test_working_time_between_is_additive(cal: WorkCalendar, a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted([a, b, c])
    assert cal.working_time_between(a, c) == cal.working_time_between(a, b) + cal.working_time_between(b, c)
    assert cal.working_time_between(c, a) == timedelta(0)


@settings(max_examples=40, deadline=None)
@given(calendars, minute_moments, st.integers(0, 3 * 24 * 60))
def test_working_time_between_matches_counting_minute_by_minute(
    cal: WorkCalendar, start: datetime, minutes: int
) -> None:
    start = start.astimezone(cal.zone)
    end = start + minutes * MINUTE
    counted = 0
    moment = start
    while moment < end:
        clock = moment.time()
        within = any(begin <= clock < finish for begin, finish in cal.hours.periods)
        counted += within and cal.is_working_day(moment.date())
        moment += MINUTE
    assert cal.working_time_between(start, end) == counted * MINUTE


@PROPERTY_SETTINGS
@given(calendars, moments)
def test_next_working_moment_and_clock_start(cal: WorkCalendar, moment: datetime) -> None:
    following = cal.next_working_moment(moment)
    assert following >= moment
    assert cal.is_working_moment(following)
    assert cal.next_working_moment(following) == following
    assert cal.working_time_between(moment, following) == timedelta(0)
    start = cal.clock_start(moment)
    assert start >= following
    assert cal.is_working_moment(start)


@PROPERTY_SETTINGS
@given(calendars, moments, limits, closed_pauses())
def test_due_is_a_working_moment_after_the_clock_start(
    cal: WorkCalendar, received: datetime, limit: TimeLimit, pauses: list[Pause]
) -> None:
    due = cal.due(received, limit, pauses)
    assert due.at is not None
    assert due.at >= due.clock_start >= received
    assert cal.is_working_moment(due.at)
    assert due.paused >= timedelta(0)
    assert due.explanation_vi and due.explanation_en


@PROPERTY_SETTINGS
@given(calendars, moments, limits, closed_pauses(), closed_pauses())
def test_pauses_only_move_the_due_later(
    cal: WorkCalendar, received: datetime, limit: TimeLimit, pauses: list[Pause], more: list[Pause]
) -> None:
    without = cal.due_at(received, limit)
    with_pauses = cal.due_at(received, limit, pauses)
    with_more = cal.due_at(received, limit, pauses + more)
    assert without is not None and with_pauses is not None and with_more is not None
    assert without <= with_pauses <= with_more


@PROPERTY_SETTINGS
@given(calendars, moments, limits, moments)
def test_an_open_pause_before_the_due_leaves_it_unknown(
    cal: WorkCalendar, received: datetime, limit: TimeLimit, pause_start: datetime
) -> None:
    closed_due = cal.due_at(received, limit)
    assert closed_due is not None
    open_due = cal.due_at(received, limit, [Pause(pause_start, None)])
    if pause_start < closed_due:
        assert open_due is None
    else:
        assert open_due == closed_due


@PROPERTY_SETTINGS
@given(calendars, moments, moments, limits, closed_pauses())
def test_due_is_monotone_in_the_received_time(
    cal: WorkCalendar, first: datetime, second: datetime, limit: TimeLimit, pauses: list[Pause]
) -> None:
    earlier, later = sorted([first, second])
    earlier_due = cal.due_at(earlier, limit, pauses)
    later_due = cal.due_at(later, limit, pauses)
    assert earlier_due is not None and later_due is not None
    assert earlier_due <= later_due


@PROPERTY_SETTINGS
@given(calendars, moments, st.lists(st.decimals(min_value=0, max_value=10, places=2), max_size=8))
def test_step_dues_are_non_decreasing_and_end_at_the_sum(
    cal: WorkCalendar, start: datetime, shares: list[Decimal]
) -> None:
    dues = cal.step_dues(start, shares)
    assert len(dues) == len(shares)
    assert dues == sorted(dues)
    if shares:
        assert dues[-1] == cal.add_working_days(start, sum(shares, Decimal(0)))
