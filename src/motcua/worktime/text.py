"""Formatting of dates, moments, numbers and durations in Vietnamese and English."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MINUTE_US = 60_000_000
HOUR_US = 60 * MINUTE_US


def weekday_vi(day: date) -> str:
    return WEEKDAYS_VI[day.weekday()]


def weekday_en(day: date) -> str:
    return WEEKDAYS_EN[day.weekday()]


def format_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_clock(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def moment_vi(moment: datetime) -> str:
    """'16:10 Thứ Sáu, 13/02/2026'."""
    return f"{format_clock(moment)} {weekday_vi(moment)}, {format_date(moment)}"


def moment_en(moment: datetime) -> str:
    """'Friday 13/02/2026 16:10'."""
    return f"{weekday_en(moment)} {format_date(moment)} {format_clock(moment)}"


def format_day_range(first: date, last: date) -> str:
    """'16/02/2026', '16-20/02/2026', '30/04-01/05/2026' or '31/12/2026-01/01/2027'."""
    if first == last:
        return format_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day:02d}-{format_date(last)}"
    if first.year == last.year:
        return f"{first.day:02d}/{first.month:02d}-{format_date(last)}"
    return f"{format_date(first)}-{format_date(last)}"


def format_number(number: Decimal, lang: str) -> str:
    """Plain decimal notation without trailing zeros; decimal comma in Vietnamese."""
    text = f"{number.normalize():f}"
    return text.replace(".", ",") if lang == "vi" else text


def _hours_minutes(microseconds: int, lang: str) -> list[str]:
    minutes_total = microseconds // MINUTE_US
    hours, minutes = divmod(minutes_total, 60)
    hour_unit, minute_unit = ("giờ", "phút") if lang == "vi" else ("h", "min")
    parts = []
    if hours:
        parts.append(f"{hours} {hour_unit}")
    if minutes:
        parts.append(f"{minutes} {minute_unit}")
    return parts


def format_working_duration(duration: timedelta, day_length: timedelta, lang: str) -> str:
    """'1 working day 3 h 30 min' / '1 ngày làm việc 3 giờ 30 phút'."""
    days, remainder = divmod(duration, day_length)
    parts = []
    if days:
        if lang == "vi":
            parts.append(f"{days} ngày làm việc")
        else:
            parts.append(f"{days} working day{'s' if days != 1 else ''}")
    parts += _hours_minutes(remainder // timedelta(microseconds=1), lang)
    if not parts:
        return "0 phút" if lang == "vi" else "0 min"
    return " ".join(parts)


def format_calendar_duration(duration: timedelta, lang: str) -> str:
    """'2 days 3 h' / '2 ngày 3 giờ'."""
    parts = []
    if duration.days:
        if lang == "vi":
            parts.append(f"{duration.days} ngày")
        else:
            parts.append(f"{duration.days} day{'s' if duration.days != 1 else ''}")
    parts += _hours_minutes(duration.seconds * 1_000_000 + duration.microseconds, lang)
    if not parts:
        return "0 phút" if lang == "vi" else "0 min"
    return " ".join(parts)


def time_limit_text(amount: Decimal, unit: str, lang: str) -> str:
    """A procedure's time limit in words: 'Trong ngày' / 'Same day' for 0, '1 working day',
    '10 calendar days', '0,5 ngày làm việc'. `unit` is 'working_days' or 'calendar_days'."""
    if amount == 0:
        return "Trong ngày" if lang == "vi" else "Same day"
    number = format_number(amount, lang)
    if lang == "vi":
        return f"{number} ngày làm việc" if unit == "working_days" else f"{number} ngày"
    kind = "working" if unit == "working_days" else "calendar"
    return f"{number} {kind} day{'' if amount == 1 else 's'}"


def money_text(amount_vnd: int, lang: str) -> str:
    """An amount of dong: '200.000 đồng' in Vietnamese, '200,000 VND' in English."""
    grouped = f"{int(amount_vnd):,}"
    return f"{grouped.replace(',', '.')} đồng" if lang == "vi" else f"{grouped} VND"


_DAYS = {"Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6}


def opening_hours_text(spec: str, lang: str) -> str:
    """Opening hours as stored ('Mon-Fri 07:00-11:30,13:30-17:00; Sat 07:00-11:30') in words:
    'Thứ Hai - Thứ Sáu: 07:00-11:30, 13:30-17:00'. Text of another shape is returned as it is."""
    names = WEEKDAYS_VI if lang == "vi" else WEEKDAYS_EN
    parts = []
    for group in (g.strip() for g in spec.split(";")):
        days, _, hours = group.partition(" ")
        first, _, last = days.partition("-")
        if not group or first not in _DAYS or (last and last not in _DAYS) or not hours.strip():
            return spec
        span = names[_DAYS[first]] + (f" - {names[_DAYS[last]]}" if last else "")
        periods = ", ".join(p.strip() for p in hours.split(",") if p.strip())
        parts.append(f"{span}: {periods}")
    return "; ".join(parts)


def fee_text(name: str, amount_vnd: int, lang: str) -> str:
    """A fee as a line: 'Lệ phí ...: 20.000 đồng', or its name alone when the name already states the
    amount ('... 200.000 đồng/lần/người' or 'VND 200,000 per request'): the amount is written once."""
    grouped = f"{int(amount_vnd):,}"
    stated = (grouped.replace(",", ".") + " đồng", f"VND {grouped}", f"{grouped} VND")
    if amount_vnd and any(s in name for s in stated):
        return name
    return f"{name}: {money_text(amount_vnd, lang)}" if name else money_text(amount_vnd, lang)


_DIGITS_VI = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS_VI = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")


def _three_digits_vi(number: int, leading: bool) -> list[str]:
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGITS_VI[hundreds], "trăm"]
    if tens == 0:
        if ones and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS_VI[tens], "mươi"]
    if ones == 1 and tens >= 2:
        words.append("mốt")
    elif ones == 5 and tens >= 1:
        words.append("lăm")
    elif ones:
        words.append(_DIGITS_VI[ones])
    return words


def vnd_in_words(amount_vnd: int) -> str:
    """An amount in Vietnamese words, as receipts write it: 'Hai trăm nghìn đồng',
    'Một triệu không trăm linh năm nghìn đồng'."""
    amount = int(amount_vnd)
    if amount < 0 or amount >= 1000 ** len(_GROUPS_VI):
        raise ValueError(f"amount out of range: {amount}")
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        amount, group = divmod(amount, 1000)
        groups.append(group)
    words: list[str] = []
    top = len(groups) - 1
    for index in range(top, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _three_digits_vi(group, leading=index == top)
        if _GROUPS_VI[index]:
            words.append(_GROUPS_VI[index])
    text = " ".join(words)
    return f"{text[0].upper()}{text[1:]} đồng"
