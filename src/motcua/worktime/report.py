"""Plain-text year report of a working calendar (for `motcua calendar 2026`)."""

from __future__ import annotations

from datetime import date

from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.models import DayOff, Override
from motcua.worktime.text import format_date, format_working_duration, weekday_en, weekday_vi

LABELS = {
    "vi": {
        "title": "LỊCH LÀM VIỆC NĂM {year}",
        "zone": "Múi giờ: {zone}",
        "hours": "Giờ làm việc: {periods} ({day} = 1 ngày làm việc)",
        "cutoff": (
            "Giờ chốt tiếp nhận: {cutoff} (hồ sơ nhận sau giờ này được tính từ sáng ngày làm việc tiếp theo)"
        ),
        "no_cutoff": "Giờ chốt tiếp nhận: không áp dụng",
        "count": "Số ngày làm việc: {count}",
        "days_off": "NGÀY NGHỈ LỄ, TẾT VÀ NGÀY NGHỈ KHÁC ({count} {days})",
        "extra": "NGÀY LÀM VIỆC BỔ SUNG, LÀM BÙ ({count} {days})",
        "none": "  (không có)",
        "weekend_note": " (trùng ngày nghỉ cuối tuần)",
        "override_note": " [theo quyết định của quản trị viên]",
    },
    "en": {
        "title": "WORKING CALENDAR {year}",
        "zone": "Time zone: {zone}",
        "hours": "Working hours: {periods} ({day} = 1 working day)",
        "cutoff": "Intake cut-off: {cutoff} (dossiers received later start the next working morning)",
        "no_cutoff": "Intake cut-off: none",
        "count": "Working days: {count}",
        "days_off": "PUBLIC HOLIDAYS AND OTHER DAYS OFF ({count} {days})",
        "extra": "EXTRA WORKING DAYS ({count} {days})",
        "none": "  (none)",
        "weekend_note": " (falls on a weekend)",
        "override_note": " [set by the administrator]",
    },
}


def year_report(cal: WorkCalendar, year: int, lang: str = "vi") -> str:
    """Working-day count, every day off and every extra working day of `year`, as text."""
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {sorted(LABELS)}, got {lang!r}")
    labels = LABELS[lang]
    days_off = cal.days_off(year)
    extra_days = cal.extra_working_days(year)
    lines = [labels["title"].format(year=year), *_header_lines(cal, year, lang), ""]
    lines.append(labels["days_off"].format(count=len(days_off), days=_days_word(len(days_off), lang)))
    lines += [_day_off_line(day_off, lang) for day_off in days_off] or [labels["none"]]
    lines += ["", labels["extra"].format(count=len(extra_days), days=_days_word(len(extra_days), lang))]
    lines += [_extra_day_line(extra, lang) for extra in extra_days] or [labels["none"]]
    return "\n".join(lines) + "\n"


def _header_lines(cal: WorkCalendar, year: int, lang: str) -> list[str]:
    labels = LABELS[lang]
    periods = ", ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in cal.hours.periods)
    day = format_working_duration(cal.hours.day_length, cal.hours.day_length * 1000, lang)
    cutoff = cal.hours.cutoff
    return [
        labels["zone"].format(zone=cal.tz),
        labels["hours"].format(periods=periods, day=day),
        labels["no_cutoff"] if cutoff is None else labels["cutoff"].format(cutoff=f"{cutoff:%H:%M}"),
        labels["count"].format(count=cal.working_days_count(year)),
    ]


def _days_word(count: int, lang: str) -> str:
    if lang == "vi":
        return "ngày"
    return "day" if count == 1 else "days"


def _weekday(day: date, lang: str) -> str:
    return weekday_vi(day) if lang == "vi" else weekday_en(day)


def _day_off_line(day_off: DayOff, lang: str) -> str:
    labels = LABELS[lang]
    reason = day_off.reason_vi if lang == "vi" else day_off.reason_en
    note = labels["override_note"] if day_off.kind == "override" else ""
    if day_off.day.weekday() >= 5:
        note += labels["weekend_note"]
    return f"  {_weekday(day_off.day, lang):<9} {format_date(day_off.day)}  {reason}{note}"


def _extra_day_line(extra: Override, lang: str) -> str:
    reason = extra.reason_vi if lang == "vi" else extra.reason_en
    return f"  {_weekday(extra.day, lang):<9} {format_date(extra.day)}  {reason}"
