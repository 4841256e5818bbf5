"""The province's legal clock: the pure worktime calendar fed with settings and the override table."""

from __future__ import annotations

from datetime import time

from django.conf import settings

from motcua.worktime import Override, WorkCalendar, WorkingHours

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


def work_calendar() -> WorkCalendar:
    """The province's legal clock: national holidays plus the administrator's overrides."""
    overrides = [
        Override(day=o.day, kind=o.kind, reason_vi=o.reason_vi, reason_en=o.reason_en)
        for o in CalendarOverride.objects.all()
    ]
    return WorkCalendar(
        hours=working_hours_from_settings(),
        overrides=overrides,
        tz=settings.TIME_ZONE,
        use_national_holidays=settings.MOTCUA["USE_NATIONAL_HOLIDAYS"],
    )
