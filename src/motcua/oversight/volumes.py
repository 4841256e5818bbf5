"""Dossier volumes per commune, per unit and per hour of the week: the one home of these figures.
They come from the kept aggregates (HourTally, AreaTally; a pass of the follower first, so that they
are those of the moment), never from a scan of the dossiers. Network planning's dossier-volume demand
(monitoring/planning_data.py), the staffing page's arrivals (monitoring/selectors.py) and the
dashboard's tables read them here.

Periods are whole local days (the tallies' grain): `days_before(until, n)` is the n days that end the
day before `until`, so that a period of whole weeks holds each hour of the week the same number of
times."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import F, Sum
from django.db.models.functions import ExtractIsoWeekDay
from django.utils import timezone

from . import tallies
from .models import AreaTally, HourTally
from .scope import Period


def days_before(until: datetime, days: int) -> Period:
    """The `days` whole local days before the day of `until`."""
    last = timezone.localtime(until).date() - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    return Period(first, last, f"{first.isoformat()}..{last.isoformat()}")


def intakes_per_commune(period: Period, *, follow: bool = True) -> dict[str, int]:
    """Dossiers filed in the period per commune the matter concerns (jurisdiction code): every dossier
    that came to a counter or online, including those later refused or sent back for papers, since
    each was a visit."""
    if follow:
        tallies.catch_up()
    rows = (
        AreaTally.objects.filter(day__gte=period.first, day__lte=period.last)
        .values(code=F("jurisdiction__code"))
        .annotate(intakes=Sum("intakes"))
    )
    return {row["code"]: row["intakes"] for row in rows if row["intakes"]}


def counter_visits_by_slot(period: Period, *, follow: bool = True) -> dict[int, dict[tuple[int, int], int]]:
    """Visits to each unit's counters per (ISO weekday, hour) over the period: intakes there that were
    not filed online, and results handed over there."""
    if follow:
        tallies.catch_up()
    rows = (
        HourTally.objects.filter(day__gte=period.first, day__lte=period.last)
        .annotate(weekday=ExtractIsoWeekDay("day"))
        .values("receiving_unit_id", "weekday", "hour")
        .annotate(intakes=Sum("counter_intakes"), returns=Sum("counter_returns"))
    )
    visits: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    for row in rows:
        count = row["intakes"] + row["returns"]
        if count:
            visits[row["receiving_unit_id"]][(row["weekday"], row["hour"])] = count
    return visits
