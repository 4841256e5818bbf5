"""The legal clock: working calendar, working-time arithmetic, pauses and explainable due times.

Pure Python (no Django). All datetimes must be timezone-aware; results are aware
datetimes in the calendar's zone (default Asia/Ho_Chi_Minh).
"""

from motcua.worktime.calendar import CountedPause, DueTrace, WorkCalendar, merge_pauses
from motcua.worktime.models import (
    DayOff,
    Due,
    Explanation,
    Override,
    Pause,
    TimeLimit,
    WorkingHours,
)
from motcua.worktime.national import translate_holiday
from motcua.worktime.report import year_report

__all__ = [
    "CountedPause",
    "DayOff",
    "Due",
    "DueTrace",
    "Explanation",
    "Override",
    "Pause",
    "TimeLimit",
    "WorkCalendar",
    "WorkingHours",
    "merge_pauses",
    "translate_holiday",
    "year_report",
]
