"""The province's legal clock: the pure worktime calendar fed with settings and the override table."""

from __future__ import annotations

from datetime import time

from django.conf import settings

from motcua.worktime import Override, WorkCalendar, WorkingHours

from . import reference
from .models import CalendarOverride


def _parse_clock(text: str) -> time:
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))


def working_hours_from_settings() -> WorkingHours:
    config = settings.MOTCUA
    periods = tuple(
        (_parse_clock(start), _parse_clock(end))
        for start, end in (p.split("-") for p in config["WORKING_PERIODS"].split(","))
    )
    return WorkingHours(periods=periods, cutoff=_parse_clock(config["RECEIPT_CUTOFF"]))


_calendars: dict[tuple, WorkCalendar] = {}


def work_calendar() -> WorkCalendar:
    """The province's legal clock: national holidays plus the administrator's overrides.

    Kept in the reference memo (see reference.py: a change of the overrides replaces the generation,
    so every process sees an administrator's change at once); the holiday tables are built once per
    set of overrides."""
    config = settings.MOTCUA
    key = (
        "calendar",
        config["WORKING_PERIODS"],
        config["RECEIPT_CUTOFF"],
        settings.TIME_ZONE,
        config["USE_NATIONAL_HOLIDAYS"],
    )
    return reference.remembered(key, lambda: _calendar_for(key[1:]))


def _calendar_for(config_key: tuple) -> WorkCalendar:
    overrides = tuple(
        CalendarOverride.objects.order_by("day").values_list("day", "kind", "reason_vi", "reason_en")
    )
    key = (overrides, *config_key)
    if key not in _calendars:
        _calendars.clear()
        _calendars[key] = WorkCalendar(
            hours=working_hours_from_settings(),
            overrides=[Override(day=d, kind=k, reason_vi=vi, reason_en=en) for d, k, vi, en in overrides],
            tz=settings.TIME_ZONE,
            use_national_holidays=settings.MOTCUA["USE_NATIONAL_HOLIDAYS"],
        )
    return _calendars[key]
