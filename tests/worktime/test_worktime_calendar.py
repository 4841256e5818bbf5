"""Days, holidays, overrides, translations and input validation of the legal clock."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest

from motcua.worktime import (
    DayOff,
    Override,
    Pause,
    TimeLimit,
    WorkCalendar,
    WorkingHours,
    translate_holiday,
    year_report,
)
from motcua.worktime.national import HOLIDAY_NAMES, SUBSTITUTED_PATTERN

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


# ----- the national calendar ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # Tết Dương lịch
        (date(2026, 1, 2), True),
        (date(2026, 2, 13), True),  # Friday before Tết
        (date(2026, 2, 16), False),  # Tết 16-20/02/2026
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),
        (date(2026, 4, 27), False),  # Hung Kings on Sunday 26/04 -> compensatory Monday
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 8, 22), True),  # Saturday worked to swap Monday 31/08/2026
        (date(2026, 8, 31), False),
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2026, 11, 24), False),  # Vietnam Cultural Day, from 2026
        (date(2025, 11, 24), True),  # not yet in 2025
        (date(2025, 4, 26), True),  # Saturday worked to swap Friday 02/05/2025
        (date(2025, 5, 2), False),
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 3, 8), False),  # an ordinary Sunday
    ],
)
def test_national_working_days(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize("year", range(2020, 2031))
def test_working_days_agree_with_the_holidays_package(year: int) -> None:
    package = holidays.country_holidays("VN", years=year, language="en_US")
    make_up = {extra.day for extra in CAL.extra_working_days(year)}
    day = date(year, 1, 1)
    while day.year == year:
        expected = (day.weekday() < 5 and day not in package) or day in make_up
        assert CAL.is_working_day(day) is expected, day
        day += timedelta(days=1)


def test_make_up_days_are_weekends_found_from_substituted_names() -> None:
    assert [extra.day for extra in CAL.extra_working_days(2025)] == [date(2025, 4, 26)]
    assert [extra.day for extra in CAL.extra_working_days(2026)] == [date(2026, 8, 22)]
    # 27/12/2014 was worked to swap Friday 02/01/2015: the make-up day lies in the year before.
    assert date(2014, 12, 27) in {extra.day for extra in CAL.extra_working_days(2014)}


def test_working_day_counts() -> None:
    assert CAL.working_days_count(2025) == 250
    assert CAL.working_days_count(2026) == 249


def test_day_off_reasons_are_vietnamese_and_english() -> None:
    assert CAL.day_off(date(2026, 2, 17)) == DayOff(
        date(2026, 2, 17), "holiday", "Tết Nguyên Đán", "Lunar New Year"
    )
    assert CAL.day_off(date(2026, 4, 30)) == DayOff(
        date(2026, 4, 30),
        "holiday",
        "Ngày Giải phóng miền Nam, thống nhất đất nước",
        "Reunification Day",
    )
    observed = CAL.day_off(date(2026, 4, 27))
    assert observed is not None
    assert observed.reason_vi == "Giỗ Tổ Hùng Vương (nghỉ bù)"
    weekend = CAL.day_off(date(2026, 3, 8))
    assert weekend is not None and weekend.kind == "weekend" and "Chủ Nhật" in weekend.reason_vi
    assert CAL.day_off(date(2026, 3, 9)) is None


def test_days_off_lists_holidays_also_on_weekends_but_not_plain_weekends() -> None:
    days = CAL.days_off(2026)
    assert [d.day for d in days][:2] == [date(2026, 1, 1), date(2026, 2, 16)]
    assert date(2026, 4, 26) in {d.day for d in days}  # Hung Kings on a Sunday
    assert all(d.kind == "holiday" for d in days)
    # 104 weekend days, less Sunday 26/04 (listed as a holiday) and Saturday 22/08 (worked)
    assert len(CAL.days_off(2026, include_weekends=True)) == len(days) + 104 - 2


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("New Year's Day", ("Tết Dương lịch", "New Year's Day")),
        ("Lunar New Year's Eve", ("Tết Nguyên Đán", "Lunar New Year")),
        ("Hung Kings' Commemoration Day", ("Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day")),
        ("International Labor Day", ("Ngày Quốc tế Lao động", "International Labour Day")),
        ("National Day", ("Quốc khánh", "National Day")),
        ("Vietnam Cultural Day", ("Ngày Văn hóa Việt Nam", "Vietnam Cultural Day")),
        (
            "National Day (observed)",
            ("Quốc khánh (nghỉ bù)", "National Day (compensatory day off)"),
        ),
        (
            "Day off (substituted from 04/26/2025)",
            (
                "Ngày nghỉ hoán đổi (làm bù vào Thứ Bảy 26/04/2025)",
                "Swapped day off (worked instead on Saturday 26/04/2025)",
            ),
        ),
        ("Lunar New Year; National Day", ("Tết Nguyên Đán; Quốc khánh", "Lunar New Year; National Day")),
        ("Unknown Day", ("Ngày lạ", "Unknown Day")),  # falls back to the package's Vietnamese name
    ],
)
def test_translate_holiday(english: str, expected: tuple[str, str]) -> None:
    assert translate_holiday(english, "Ngày lạ") == expected


def test_every_package_holiday_name_has_an_official_vietnamese_name() -> None:
    for year in range(2000, 2041):
        for name in holidays.country_holidays("VN", years=year, language="en_US").values():
            for part in name.split("; "):
                base = part.removesuffix(" (observed)")
                assert base in HOLIDAY_NAMES or SUBSTITUTED_PATTERN.match(base), part


# ----- overrides ------------------------------------------------------------------------------


def test_overrides_make_days_off_and_extra_working_days() -> None:
    cal = WorkCalendar(
        overrides=[
            Override(date(2026, 3, 6), "off", "Ngày nghỉ của tỉnh", "Provincial day off"),
            Override(date(2026, 3, 7), "work"),
            Override(date(2026, 2, 17), "work", "Trực Tết", "Tết duty"),
        ]
    )
    assert not cal.is_working_day(date(2026, 3, 6))
    assert cal.day_off(date(2026, 3, 6)) == DayOff(
        date(2026, 3, 6), "override", "Ngày nghỉ của tỉnh", "Provincial day off"
    )
    assert cal.is_working_day(date(2026, 3, 7))
    assert cal.is_working_day(date(2026, 2, 17))
    extra = cal.extra_working_days(2026)
    assert [e.day for e in extra] == [date(2026, 2, 17), date(2026, 3, 7), date(2026, 8, 22)]
    assert extra[1].reason_en == "Working day set by the administrator"


def test_override_off_on_a_national_make_up_day_wins() -> None:
    cal = WorkCalendar(overrides=[Override(date(2026, 8, 22), "off")])
    assert not cal.is_working_day(date(2026, 8, 22))
    assert cal.extra_working_days(2026) == []


def test_calendar_without_national_holidays() -> None:
    cal = WorkCalendar(use_national_holidays=False)
    assert cal.is_working_day(date(2026, 2, 17))
    assert not cal.is_working_day(date(2026, 8, 22))
    assert cal.working_days_count(2026) == 261


def test_conflicting_overrides_are_rejected() -> None:
    with pytest.raises(ValueError, match="conflicting overrides"):
        WorkCalendar(overrides=[Override(date(2026, 3, 6), "off"), Override(date(2026, 3, 6), "work")])


# ----- validation -----------------------------------------------------------------------------


def test_naive_datetimes_are_rejected_with_a_clear_message() -> None:
    naive = datetime(2026, 3, 3, 9, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_working(naive, timedelta(hours=1))
    with pytest.raises(ValueError, match="received must be timezone-aware"):
        CAL.due(naive, TimeLimit(Decimal(1)))
    with pytest.raises(ValueError, match="timezone-aware"):
        Pause(naive, None)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.is_working_moment(naive)


def test_other_zones_are_converted_and_results_are_in_the_calendar_zone() -> None:
    utc_moment = datetime(2026, 3, 3, 2, 0, tzinfo=ZoneInfo("UTC"))  # 09:00 in Hà Nội
    result = CAL.add_working(utc_moment, timedelta(hours=1))
    assert result == at(2026, 3, 3, 10, 0)
    assert result.tzinfo is VN


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((time(11, 0), time(7, 0)),),
        ((time(7, 0), time(12, 0)), (time(11, 0), time(17, 0))),
        ((time(13, 0), time(17, 0)), (time(7, 0), time(11, 0))),
    ],
)
def test_working_hours_must_be_ordered_and_not_overlap(periods: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError):
        WorkingHours(periods=periods)


def test_working_hours_day_length() -> None:
    assert WorkingHours().day_length == timedelta(hours=8)
    assert WorkingHours(periods=((time(8, 0), time(16, 30)),), cutoff=None).day_length == timedelta(hours=8.5)


@pytest.mark.parametrize("amount", [Decimal(-1), Decimal("NaN"), "abc"])
def test_time_limit_rejects_bad_amounts(amount: object) -> None:
    with pytest.raises(ValueError):
        TimeLimit(amount, "working_days")  # type: ignore[arg-type]


def test_time_limit_rejects_bad_unit_and_floats() -> None:
    with pytest.raises(ValueError):
        TimeLimit(Decimal(1), "hours")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        TimeLimit(1.5, "working_days")  # type: ignore[arg-type]
    assert TimeLimit(3, "working_days").amount == Decimal(3)  # type: ignore[arg-type]


def test_pause_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Pause(at(2026, 3, 3, 10), at(2026, 3, 3, 9))


def test_negative_amounts_and_unknown_zone_are_rejected() -> None:
    with pytest.raises(ValueError):
        CAL.add_working(at(2026, 3, 3, 9), timedelta(hours=-1))
    with pytest.raises(ValueError):
        CAL.add_working_days(at(2026, 3, 3, 9), Decimal("-0.5"))
    with pytest.raises(ValueError):
        CAL.step_dues(at(2026, 3, 3, 9), [Decimal(1), Decimal(-1)])
    with pytest.raises(ValueError, match="unknown time zone"):
        WorkCalendar(tz="Asia/Nowhere")


# ----- the year report ------------------------------------------------------------------------


def test_year_report_vietnamese() -> None:
    cal = WorkCalendar(overrides=[Override(date(2026, 12, 31), "off", "Nghỉ cuối năm", "Year-end day off")])
    report = year_report(cal, 2026)
    assert report.startswith("LỊCH LÀM VIỆC NĂM 2026\n")
    assert "Số ngày làm việc: 248" in report
    assert "Thứ Hai   16/02/2026  Tết Nguyên Đán" in report
    assert "Chủ Nhật  26/04/2026  Giỗ Tổ Hùng Vương (trùng ngày nghỉ cuối tuần)" in report
    assert "Thứ Ba    24/11/2026  Ngày Văn hóa Việt Nam" in report
    assert "Thứ Năm   31/12/2026  Nghỉ cuối năm [theo quyết định của quản trị viên]" in report
    assert "NGÀY LÀM VIỆC BỔ SUNG, LÀM BÙ (1 ngày)" in report
    assert "Thứ Bảy   22/08/2026  Ngày làm bù cho ngày nghỉ Thứ Hai 31/08/2026" in report


def test_year_report_english() -> None:
    report = year_report(CAL, 2025, lang="en")
    assert report.startswith("WORKING CALENDAR 2025\n")
    assert "Working days: 250" in report
    assert "EXTRA WORKING DAYS (1 day)" in report
    assert "Saturday  26/04/2025  Make-up working day for the day off Friday 02/05/2025" in report
    assert "Friday    02/05/2025  Swapped day off (worked instead on Saturday 26/04/2025)" in report
    with pytest.raises(ValueError):
        year_report(CAL, 2025, lang="fr")
