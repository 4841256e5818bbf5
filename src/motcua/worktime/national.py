"""The national Vietnamese calendar from the `holidays` package, with Vietnamese names.

The package gives English names (stable keys) and a Vietnamese localisation; we map
the English names to the official Vietnamese names, fall back to the package's own
Vietnamese name, then to the English name. Results are cached per year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import holidays

from motcua.worktime.text import format_date, weekday_en, weekday_vi

# English name in the `holidays` package -> (official Vietnamese name, English name we show).
HOLIDAY_NAMES: dict[str, tuple[str, str]] = {
    "New Year's Day": ("Tết Dương lịch", "New Year's Day"),
    "29 of Lunar New Year": ("Tết Nguyên Đán", "Lunar New Year"),
    "Lunar New Year's Eve": ("Tết Nguyên Đán", "Lunar New Year"),
    "Lunar New Year": ("Tết Nguyên Đán", "Lunar New Year"),
    "Second Day of Lunar New Year": ("Tết Nguyên Đán", "Lunar New Year"),
    "Third Day of Lunar New Year": ("Tết Nguyên Đán", "Lunar New Year"),
    "Fourth Day of Lunar New Year": ("Tết Nguyên Đán", "Lunar New Year"),
    "Fifth Day of Lunar New Year": ("Tết Nguyên Đán", "Lunar New Year"),
    "Sixth Day of Lunar New Year": ("Tết Nguyên Đán", "Lunar New Year"),
    "Hung Kings' Commemoration Day": ("Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    "Liberation Day/Reunification Day": (
        "Ngày Giải phóng miền Nam, thống nhất đất nước",
        "Reunification Day",
    ),
    "International Labor Day": ("Ngày Quốc tế Lao động", "International Labour Day"),
    "National Day": ("Quốc khánh", "National Day"),
    "Vietnam Cultural Day": ("Ngày Văn hóa Việt Nam", "Vietnam Cultural Day"),
}

OBSERVED_SUFFIX = " (observed)"
SUBSTITUTED_PATTERN = re.compile(r"^Day off \(substituted from (\d{2})/(\d{2})/(\d{4})\)$")
NAME_SEPARATOR = "; "


@dataclass(frozen=True)
class NationalYear:
    """National days off and make-up working days of one year, with reasons (vi, en)."""

    days_off: dict[date, tuple[str, str]]
    extra_working_days: dict[date, tuple[str, str]]


def _substituted_from(english_name: str) -> date | None:
    match = SUBSTITUTED_PATTERN.match(english_name)
    if match is None:
        return None
    month, day, year = (int(part) for part in match.groups())
    return date(year, month, day)


def _translate_one(english_name: str, package_vi_name: str) -> tuple[str, str]:
    worked_day = _substituted_from(english_name)
    if worked_day is not None:
        return (
            f"Ngày nghỉ hoán đổi (làm bù vào {weekday_vi(worked_day)} {format_date(worked_day)})",
            f"Swapped day off (worked instead on {weekday_en(worked_day)} {format_date(worked_day)})",
        )
    base_name = english_name.removesuffix(OBSERVED_SUFFIX)
    observed = base_name != english_name
    vi_name, en_name = HOLIDAY_NAMES.get(base_name, (package_vi_name or english_name, base_name))
    if observed:
        return f"{vi_name} (nghỉ bù)", f"{en_name} (compensatory day off)"
    return vi_name, en_name


def translate_holiday(english_name: str, package_vi_name: str = "") -> tuple[str, str]:
    """(Vietnamese, English) reason for a holiday name of the `holidays` package."""
    english_parts = english_name.split(NAME_SEPARATOR)
    vi_parts = package_vi_name.split(NAME_SEPARATOR)
    if len(vi_parts) != len(english_parts):
        vi_parts = [""] * len(english_parts)
    pairs = [_translate_one(en, vi) for en, vi in zip(english_parts, vi_parts, strict=True)]
    unique_pairs = list(dict.fromkeys(pairs))
    return (
        NAME_SEPARATOR.join(vi for vi, _ in unique_pairs),
        NAME_SEPARATOR.join(en for _, en in unique_pairs),
    )


@cache
def _package_holidays(year: int) -> tuple[dict[date, str], dict[date, str]]:
    """(English names, Vietnamese names) of the package's Vietnam calendar for one year."""
    english = holidays.country_holidays("VN", years=year, language="en_US")
    vietnamese = holidays.country_holidays("VN", years=year, language="vi")
    return dict(english.items()), dict(vietnamese.items())


def _make_up_days(year: int) -> dict[date, tuple[str, str]]:
    """Weekend days worked to swap a day off, found from the 'substituted from' names."""
    make_up: dict[date, tuple[str, str]] = {}
    for nearby_year in (year - 1, year, year + 1):
        english, _ = _package_holidays(nearby_year)
        for day_off, name in english.items():
            for part in name.split(NAME_SEPARATOR):
                worked_day = _substituted_from(part)
                if worked_day is not None and worked_day.year == year:
                    make_up[worked_day] = (
                        f"Ngày làm bù cho ngày nghỉ {weekday_vi(day_off)} {format_date(day_off)}",
                        f"Make-up working day for the day off {weekday_en(day_off)} {format_date(day_off)}",
                    )
    return make_up


@cache
def national_year(year: int) -> NationalYear:
    """The national calendar of `year` (cached: computed once per process and year)."""
    if not datetime.min.year < year < datetime.max.year:
        return NationalYear(days_off={}, extra_working_days={})
    english, vietnamese = _package_holidays(year)
    days_off = {
        day: translate_holiday(name, vietnamese.get(day, "")) for day, name in sorted(english.items())
    }
    return NationalYear(days_off=days_off, extra_working_days=_make_up_days(year))
