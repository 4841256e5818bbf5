"""The legal clock gives one answer wherever it is asked: a step's due time is a working moment like
the dossier's (calendar-day limits too), and "late? due soon?" reads the same in the API, the desk's
badge, the work queue's filters and the watch at the same moment."""

from __future__ import annotations

import pytest

from motcua.catalog.models import LimitUnit, ProcedureVersion
from motcua.desk.selectors import due_badge
from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import intake
from motcua.dossiers.watch import tick
from motcua.network import reference
from motcua.network.clock import work_calendar
from tests.factories import at, judicial_request


def test_calendar_day_step_dues_are_working_moments(world):
    ProcedureVersion.objects.filter(procedure__code="2.000488").update(limit_unit=LimitUnit.CALENDAR_DAYS)
    reference.changed()
    # Thursday 03/12/2026 after the cut-off: the clock starts Friday; step 1's share ends Friday night
    dossier = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 12, 3, 16, 0)
    ).dossier
    calendar = work_calendar()
    dues = list(dossier.steps.order_by("order").values_list("due_at", flat=True))
    assert all(calendar.is_working_moment(due) for due in dues), dues
    assert all(due <= dossier.due_at for due in dues)
    assert dues[0] == at(2026, 12, 4, 17, 0)  # the end of that day's work, as the dossier's own rule


MOMENTS = [  # (when, what every reader must say) for a dossier due 09:00 Monday 16/03/2026
    (at(2026, 3, 12, 9, 0), "ok"),  # a working day ahead ends Friday 09:00
    (at(2026, 3, 13, 10, 0), "soon"),  # within one working day of the due time
    (at(2026, 3, 16, 8, 59), "soon"),
    (at(2026, 3, 16, 9, 1), "late"),
]


@pytest.mark.parametrize("now, expected", MOMENTS)
def test_api_desk_queue_and_watch_agree(world, api, clock, now, expected):
    code = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)
    ).dossier.code
    dossier = Dossier.objects.get(code=code)
    assert dossier.due_at == at(2026, 3, 16, 9, 0)
    clock.set(now)
    detail = api["counter_dt"].get(f"/api/dossiers/{code}").json()
    listed = api["counter_dt"].get("/api/dossiers").json()["items"][0]
    actor = world["counter_dt"]
    in_queue = {
        due: [d.code for d in selectors.work_queue(actor, due=due, now=now).items] == [code]
        for due in ("late", "soon")
    }
    answers = {
        "api": (detail["late"], detail["due_soon"]),
        "queue item": (listed["late"], listed["due_soon"]),
        "queue filters": (in_queue["late"], in_queue["soon"]),
        "desk": (due_badge(dossier, now) == "late", due_badge(dossier, now) == "soon"),
    }
    tick(now=now)
    marked = Dossier.objects.get(code=code)
    answers["watch"] = (marked.late, marked.due_soon)
    assert set(answers.values()) == {(expected == "late", expected == "soon")}, answers
