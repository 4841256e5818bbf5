"""Explanations of due times, Vietnamese first, English second, written from a DueTrace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from motcua.worktime.models import DayOff, Explanation
from motcua.worktime.text import (
    format_calendar_duration,
    format_date,
    format_day_range,
    format_number,
    format_working_duration,
    moment_en,
    moment_vi,
    weekday_en,
    weekday_vi,
)

if TYPE_CHECKING:
    from motcua.worktime.calendar import DueTrace, WorkCalendar


@dataclass
class _Text:
    """Sentences collected in both languages at once."""

    vi: list[str]
    en: list[str]

    def add(self, vi: str, en: str) -> None:
        self.vi.append(vi)
        self.en.append(en)


@dataclass(frozen=True)
class DayOffRange:
    """Consecutive weekday days off with the same reason."""

    first: date
    last: date
    count: int
    reason_vi: str
    reason_en: str


def render_explanation(calendar: WorkCalendar, trace: DueTrace) -> Explanation:
    text = _Text([], [])
    _explain_clock_start(calendar, trace, text)
    last_day = (trace.at or trace.due_without_pauses).date()
    _explain_days_off(calendar, trace.received.date(), last_day, text)
    _explain_extra_working_days(calendar, trace.received.date(), last_day, text)
    _explain_limit(trace, text)
    _explain_pauses(calendar, trace, text)
    _explain_calendar_end(calendar, trace, text)
    if trace.at is not None:
        text.add(f"Hạn trả kết quả: {moment_vi(trace.at)}.", f"Due {moment_en(trace.at)}.")
    return Explanation(vi=" ".join(text.vi), en=" ".join(text.en))


def _explain_clock_start(calendar: WorkCalendar, trace: DueTrace, text: _Text) -> None:
    received, start = trace.received, trace.clock_start
    if received == start:
        text.add(
            f"Tiếp nhận lúc {moment_vi(received)}: thời hạn bắt đầu tính ngay.",
            f"Received {moment_en(received)}: the clock starts at once.",
        )
        return
    cutoff = calendar.hours.cutoff
    if calendar.is_working_day(received.date()) and cutoff is not None and received.time() > cutoff:
        cutoff_text = cutoff.strftime("%H:%M")
        why_vi, why_en = f"sau giờ chốt {cutoff_text}", f"after the {cutoff_text} cut-off"
    elif not calendar.is_working_day(received.date()):
        why_vi, why_en = "vào ngày nghỉ", "on a day off"
    else:
        why_vi, why_en = "ngoài giờ làm việc", "outside working hours"
    text.add(
        f"Tiếp nhận lúc {moment_vi(received)}, {why_vi}: thời hạn bắt đầu tính từ {moment_vi(start)}.",
        f"Received {moment_en(received)}, {why_en}: the clock starts {moment_en(start)}.",
    )


def group_days_off(days_off: list[DayOff]) -> list[DayOffRange]:
    """Group weekday days off into ranges of consecutive working-week days with one reason."""
    ranges: list[DayOffRange] = []
    for day_off in days_off:
        if day_off.day.weekday() >= 5:
            continue
        if ranges and _continues(ranges[-1], day_off):
            last = ranges[-1]
            ranges[-1] = DayOffRange(last.first, day_off.day, last.count + 1, last.reason_vi, last.reason_en)
        else:
            ranges.append(DayOffRange(day_off.day, day_off.day, 1, day_off.reason_vi, day_off.reason_en))
    return ranges


def _continues(current: DayOffRange, day_off: DayOff) -> bool:
    gap = (day_off.day - current.last).days
    next_weekday = 3 if current.last.weekday() == 4 else 1
    return gap == next_weekday and day_off.reason_vi == current.reason_vi


def _reason_en(reason_vi: str, reason_en: str) -> str:
    return reason_en if reason_vi == reason_en else f"{reason_vi} / {reason_en}"


def _explain_days_off(calendar: WorkCalendar, first: date, last: date, text: _Text) -> None:
    for days in group_days_off(calendar.days_off_between(first, last)):
        span = format_day_range(days.first, days.last)
        reason_en = _reason_en(days.reason_vi, days.reason_en)
        if days.count == 1:
            text.add(f"Ngày {span} là ngày nghỉ ({days.reason_vi}).", f"{span} is a day off ({reason_en}).")
        else:
            text.add(
                f"Các ngày {span} là ngày nghỉ ({days.reason_vi}).", f"{span} are days off ({reason_en})."
            )


def _explain_extra_working_days(calendar: WorkCalendar, first: date, last: date, text: _Text) -> None:
    for extra in calendar.extra_working_days_between(first, last):
        day = format_date(extra.day)
        reason_en = _reason_en(extra.reason_vi, extra.reason_en)
        text.add(
            f"{weekday_vi(extra.day)} {day} là ngày làm việc ({extra.reason_vi}).",
            f"{weekday_en(extra.day)} {day} is a working day ({reason_en}).",
        )


def _explain_limit(trace: DueTrace, text: _Text) -> None:
    amount = trace.limit.amount
    number_vi, number_en = format_number(amount, "vi"), format_number(amount, "en")
    plural = "" if amount == 1 else "s"
    if trace.limit.unit == "calendar_days":
        text.add(
            f"Thời hạn giải quyết {number_vi} ngày (tính theo ngày dương lịch).",
            f"Time limit {number_en} calendar day{plural}.",
        )
    elif amount == 0:
        text.add(
            "Thời hạn giải quyết: trong ngày (giải quyết ngay): "
            "hạn là cuối ngày làm việc bắt đầu tính thời hạn.",
            "Time limit: the same day (on the spot): "
            "due at the end of the working day on which the clock starts.",
        )
    else:
        text.add(
            f"Thời hạn giải quyết {number_vi} ngày làm việc.",
            f"Time limit {number_en} working day{plural}.",
        )


def _explain_pauses(calendar: WorkCalendar, trace: DueTrace, text: _Text) -> None:
    working = trace.limit.unit == "working_days"
    day_length = calendar.hours.day_length
    for pause in trace.counted_pauses:
        if working:
            added_vi = f"{format_working_duration(pause.added, day_length, 'vi')} (thời gian làm việc)"
            added_en = f"{format_working_duration(pause.added, day_length, 'en')} of working time"
        else:
            added_vi = f"{format_calendar_duration(pause.added, 'vi')} (theo lịch)"
            added_en = f"{format_calendar_duration(pause.added, 'en')} of calendar time"
        text.add(
            f"Tạm dừng để bổ sung hồ sơ từ {moment_vi(pause.start)} đến {moment_vi(pause.end)}: "
            f"hạn trả kết quả lùi thêm {added_vi}.",
            f"Paused for supplementary documents from {moment_en(pause.start)} to {moment_en(pause.end)}: "
            f"the due time moves {added_en} later.",
        )
    for ignored_start in trace.ignored_pause_starts:
        text.add(
            f"Lần tạm dừng từ {moment_vi(ignored_start)} bắt đầu sau hạn trả kết quả "
            "nên không làm thay đổi hạn.",
            f"The pause from {moment_en(ignored_start)} starts after the due time and does not move it.",
        )
    if trace.open_pause_start is not None:
        text.add(
            f"Đang tạm dừng từ {moment_vi(trace.open_pause_start)} (chưa tiếp tục): "
            "hạn trả kết quả sẽ được xác định khi thời hạn được tính tiếp.",
            f"Paused since {moment_en(trace.open_pause_start)} and not yet resumed: "
            "the due time will be set when the clock resumes.",
        )


def _explain_calendar_end(calendar: WorkCalendar, trace: DueTrace, text: _Text) -> None:
    end: datetime | None = trace.calendar_end
    if end is None or trace.at is None:
        return
    day = end.date()
    when_vi, when_en = f"{weekday_vi(day)} {format_date(day)}", f"{weekday_en(day)} {format_date(day)}"
    day_off = calendar.day_off(day)
    if day_off is None:
        text.add(
            f"Thời hạn kết thúc vào {when_vi}: hạn trả kết quả là cuối giờ làm việc ngày đó.",
            f"The period ends on {when_en}: due at the end of that working day.",
        )
        return
    text.add(
        f"Thời hạn kết thúc vào {when_vi}, là ngày nghỉ ({day_off.reason_vi}): "
        "hạn trả kết quả chuyển sang cuối giờ làm việc của ngày làm việc tiếp theo.",
        f"The period ends on {when_en}, a day off ({_reason_en(day_off.reason_vi, day_off.reason_en)}): "
        "the due time moves to the end of the next working day.",
    )
