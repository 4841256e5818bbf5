"""Known due times and their explanations."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from motcua.worktime import Override, Pause, TimeLimit, WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar()
H = timedelta(hours=1)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def working(days: str) -> TimeLimit:
    return TimeLimit(Decimal(days), "working_days")


def calendar_days(days: str) -> TimeLimit:
    return TimeLimit(Decimal(days), "calendar_days")


@pytest.mark.parametrize(
    ("received", "limit", "expected"),
    [
        pytest.param(at(2026, 2, 13, 16, 10), working("3"), at(2026, 2, 25, 17, 0), id="tet-after-cutoff"),
        pytest.param(at(2026, 3, 3, 10, 0), working("1"), at(2026, 3, 4, 10, 0), id="within-hours"),
        pytest.param(at(2026, 3, 3, 15, 0), working("1"), at(2026, 3, 4, 15, 0), id="at-cutoff"),
        pytest.param(at(2026, 3, 3, 15, 1), working("1"), at(2026, 3, 4, 17, 0), id="after-cutoff"),
        pytest.param(at(2026, 3, 3, 6, 0), working("1"), at(2026, 3, 3, 17, 0), id="before-opening"),
        pytest.param(at(2026, 3, 3, 12, 0), working("0.5"), at(2026, 3, 4, 7, 30), id="lunch-half-day"),
        pytest.param(at(2026, 3, 3, 12, 0), working("0.4375"), at(2026, 3, 3, 17, 0), id="lunch-to-close"),
        pytest.param(at(2026, 3, 3, 7, 0), working("0.5625"), at(2026, 3, 3, 11, 30), id="ends-at-noon"),
        pytest.param(at(2026, 3, 3, 9, 0), working("0"), at(2026, 3, 3, 17, 0), id="on-the-spot"),
        pytest.param(at(2026, 3, 3, 16, 0), working("0"), at(2026, 3, 4, 17, 0), id="on-the-spot-late"),
        pytest.param(at(2026, 3, 7, 9, 0), working("0"), at(2026, 3, 9, 17, 0), id="on-the-spot-saturday"),
        pytest.param(at(2026, 4, 20, 9, 0), calendar_days("10"), at(2026, 5, 4, 17, 0), id="cal-on-holiday"),
        pytest.param(at(2026, 3, 3, 9, 0), calendar_days("7"), at(2026, 3, 10, 17, 0), id="cal-working-day"),
        pytest.param(at(2026, 3, 2, 9, 0), calendar_days("5"), at(2026, 3, 9, 17, 0), id="cal-on-saturday"),
        pytest.param(at(2026, 3, 3, 9, 0), calendar_days("0"), at(2026, 3, 3, 17, 0), id="cal-zero"),
        pytest.param(at(2026, 2, 6, 9, 0), calendar_days("10"), at(2026, 2, 23, 17, 0), id="cal-into-tet"),
    ],
)
def test_due(received: datetime, limit: TimeLimit, expected: datetime) -> None:
    due = CAL.due(received, limit)
    assert due.at == expected
    assert due.paused == timedelta(0)
    assert CAL.due_at(received, limit) == expected


def test_due_with_a_swapped_saturday_override() -> None:
    cal = WorkCalendar(
        overrides=[
            Override(date(2026, 3, 6), "off", "Nghỉ hoán đổi", "Swapped day off"),
            Override(date(2026, 3, 7), "work", "Làm bù", "Make-up day"),
        ]
    )
    due = cal.due(at(2026, 3, 5, 9, 0), working("2"))
    assert due.at == at(2026, 3, 9, 9, 0)
    assert "Ngày 06/03/2026 là ngày nghỉ (Nghỉ hoán đổi)." in due.explanation_vi
    assert "Thứ Bảy 07/03/2026 là ngày làm việc (Làm bù)." in due.explanation_vi
    assert "06/03/2026 is a day off (Nghỉ hoán đổi / Swapped day off)." in due.explanation_en
    assert "Saturday 07/03/2026 is a working day (Làm bù / Make-up day)." in due.explanation_en


# ----- pauses ---------------------------------------------------------------------------------


def test_pause_moves_the_due_by_the_working_time_paused() -> None:
    received = at(2026, 3, 2, 9, 0)
    assert CAL.due_at(received, working("3")) == at(2026, 3, 5, 9, 0)
    due = CAL.due(received, working("3"), [Pause(at(2026, 3, 3, 13, 30), at(2026, 3, 4, 13, 30))])
    assert due.paused == 8 * H
    assert due.at == at(2026, 3, 6, 9, 0)


def test_overlapping_pauses_count_once() -> None:
    pauses = [
        Pause(at(2026, 3, 3, 13, 30), at(2026, 3, 4, 13, 30)),
        Pause(at(2026, 3, 4, 7, 0), at(2026, 3, 4, 15, 0)),
    ]
    due = CAL.due(at(2026, 3, 2, 9, 0), working("3"), pauses)
    assert due.paused == 9.5 * H
    assert due.at == at(2026, 3, 6, 10, 30)


def test_pause_over_a_weekend_adds_only_working_time() -> None:
    due = CAL.due(at(2026, 3, 2, 9, 0), working("5"), [Pause(at(2026, 3, 6, 16, 0), at(2026, 3, 9, 8, 0))])
    assert due.paused == 2 * H
    assert due.at == at(2026, 3, 9, 11, 0)


def test_open_pause_leaves_the_due_unknown() -> None:
    due = CAL.due(at(2026, 3, 2, 9, 0), working("3"), [Pause(at(2026, 3, 3, 10, 0), None)])
    assert due.at is None
    assert due.clock_start == at(2026, 3, 2, 9, 0)
    assert "chưa tiếp tục" in due.explanation_vi
    assert "not yet resumed" in due.explanation_en


def test_pause_after_the_due_is_ignored() -> None:
    pauses = [Pause(at(2026, 3, 10, 9, 0), at(2026, 3, 12, 9, 0)), Pause(at(2026, 3, 11, 9, 0), None)]
    due = CAL.due(at(2026, 3, 2, 9, 0), working("3"), pauses)
    assert due.at == at(2026, 3, 5, 9, 0)
    assert due.paused == timedelta(0)
    assert "does not move it" in due.explanation_en


def test_pause_before_the_clock_start_is_clipped() -> None:
    # Received after the cut-off; a pause from 16:00 to 09:00 next day only counts 07:00-09:00.
    pauses = [Pause(at(2026, 3, 3, 16, 0), at(2026, 3, 4, 9, 0))]
    due = CAL.due(at(2026, 3, 3, 15, 30), working("1"), pauses)
    assert due.clock_start == at(2026, 3, 4, 7, 0)
    assert due.paused == 2 * H
    assert due.at == at(2026, 3, 5, 9, 0)


def test_pause_with_a_calendar_day_limit_adds_calendar_time() -> None:
    received = at(2026, 3, 2, 9, 0)
    assert CAL.due_at(received, calendar_days("7")) == at(2026, 3, 9, 17, 0)
    due = CAL.due(received, calendar_days("7"), [Pause(at(2026, 3, 4, 9, 0), at(2026, 3, 6, 9, 0))])
    assert due.paused == timedelta(days=2)
    assert due.at == at(2026, 3, 11, 17, 0)


def test_pause_on_an_on_the_spot_limit() -> None:
    due = CAL.due(at(2026, 3, 3, 9, 0), working("0"), [Pause(at(2026, 3, 3, 10, 0), at(2026, 3, 3, 11, 0))])
    assert due.at == at(2026, 3, 4, 8, 0)


# ----- explanations ---------------------------------------------------------------------------


def test_explanation_of_the_tet_example() -> None:
    due = CAL.due(at(2026, 2, 13, 16, 10), working("3"))
    assert due.explanation_en == (
        "Received Friday 13/02/2026 16:10, after the 15:00 cut-off: "
        "the clock starts Monday 23/02/2026 07:00. "
        "16-20/02/2026 are days off (Tết Nguyên Đán / Lunar New Year). Time limit 3 working days. "
        "Due Wednesday 25/02/2026 17:00."
    )
    assert due.explanation_vi == (
        "Tiếp nhận lúc 16:10 Thứ Sáu, 13/02/2026, sau giờ chốt 15:00: "
        "thời hạn bắt đầu tính từ 07:00 Thứ Hai, 23/02/2026. "
        "Các ngày 16-20/02/2026 là ngày nghỉ (Tết Nguyên Đán). Thời hạn giải quyết 3 ngày làm việc. "
        "Hạn trả kết quả: 17:00 Thứ Tư, 25/02/2026."
    )
    assert CAL.explain(at(2026, 2, 13, 16, 10), working("3")) == (due.explanation_vi, due.explanation_en)


def test_explanation_of_receipt_cases() -> None:
    at_once = CAL.due(at(2026, 3, 3, 9, 0), working("1")).explanation_en
    assert at_once.startswith("Received Tuesday 03/03/2026 09:00: the clock starts at once.")
    lunch = CAL.due(at(2026, 3, 3, 12, 0), working("1")).explanation_en
    assert "outside working hours: the clock starts Tuesday 03/03/2026 13:30." in lunch
    saturday = CAL.due(at(2026, 3, 7, 9, 0), working("1")).explanation_vi
    assert "vào ngày nghỉ: thời hạn bắt đầu tính từ 07:00 Thứ Hai, 09/03/2026." in saturday


def test_explanation_mentions_separate_days_off_and_decimal_comma() -> None:
    due = CAL.due(at(2026, 4, 24, 9, 0), working("4.5"))
    # Friday 6 h; 27/04 off; 28-29/04 16 h; 30/04-01/05 off; 04/05 8 h; 6 h on Tuesday 05/05.
    assert due.at == at(2026, 5, 5, 15, 0)
    assert "Ngày 27/04/2026 là ngày nghỉ (Giỗ Tổ Hùng Vương (nghỉ bù))." in due.explanation_vi
    assert "30/04/2026 is a day off" in due.explanation_en
    assert "01/05/2026 is a day off (Ngày Quốc tế Lao động / International Labour Day)." in due.explanation_en
    assert "26/04/2026" not in due.explanation_en  # a holiday on a Sunday removed no working day
    assert "Thời hạn giải quyết 4,5 ngày làm việc." in due.explanation_vi
    assert "Time limit 4.5 working days." in due.explanation_en


def test_explanation_of_a_pause() -> None:
    due = CAL.due(at(2026, 3, 2, 9, 0), working("3"), [Pause(at(2026, 3, 3, 13, 30), at(2026, 3, 4, 15, 0))])
    assert due.paused == 9.5 * H
    assert (
        "Paused for supplementary documents from Tuesday 03/03/2026 13:30 to Wednesday 04/03/2026 15:00: "
        "the due time moves 1 working day 1 h 30 min of working time later."
    ) in due.explanation_en
    assert (
        "hạn trả kết quả lùi thêm 1 ngày làm việc 1 giờ 30 phút (thời gian làm việc)." in due.explanation_vi
    )


def test_explanation_of_a_calendar_roll_over() -> None:
    due = CAL.due(at(2026, 4, 20, 9, 0), calendar_days("10"))
    assert "Time limit 10 calendar days." in due.explanation_en
    assert (
        "The period ends on Thursday 30/04/2026, a day off "
        "(Ngày Giải phóng miền Nam, thống nhất đất nước / Reunification Day): "
        "the due time moves to the end of the next working day."
    ) in due.explanation_en
    assert "chuyển sang cuối giờ làm việc của ngày làm việc tiếp theo" in due.explanation_vi
    assert due.explanation_en.endswith("Due Monday 04/05/2026 17:00.")


def test_explanation_of_on_the_spot() -> None:
    due = CAL.due(at(2026, 3, 3, 9, 0), working("0"))
    assert "(on the spot)" in due.explanation_en
    assert "(giải quyết ngay)" in due.explanation_vi and "trong ngày" in due.explanation_vi
