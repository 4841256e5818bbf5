"""The legal clock: working calendar, working-time arithmetic, pauses, explainable due times and
the deadline rules of dossiers and their steps.

Pure Python (no Django). All datetimes must be timezone-aware; results are aware
datetimes in the calendar's zone (default Asia/Ho_Chi_Minh).
"""

from motcua.worktime.calendar import CountedPause, DueTrace, WorkCalendar, merge_pauses
from motcua.worktime.deadlines import (
    ClockStatus,
    Shift,
    StepTimes,
    Timeliness,
    apology_moves,
    clock_status,
    due_soon_horizon,
    lateness_cause,
    overrun,
    replanned_dues,
    shift_for,
    step_dues,
    timeliness,
)
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
    "ClockStatus",
    "CountedPause",
    "DayOff",
    "Due",
    "DueTrace",
    "Explanation",
    "Override",
    "Pause",
    "Shift",
    "StepTimes",
    "TimeLimit",
    "Timeliness",
    "WorkCalendar",
    "WorkingHours",
    "apology_moves",
    "clock_status",
    "due_soon_horizon",
    "lateness_cause",
    "merge_pauses",
    "overrun",
    "replanned_dues",
    "shift_for",
    "step_dues",
    "timeliness",
    "translate_holiday",
    "year_report",
]
