"""Dossier volumes per commune, per unit and per hour of the week come from the kept aggregates: network
planning's dossier-volume demand and the staffing page's arrivals equal the tallies' figures, on a
hand-made history (real services, real database)."""

from datetime import date

import pytest
from django.db.models import Sum

from motcua.dossiers.models import Channel
from motcua.dossiers.services import act, intake
from motcua.monitoring.planning_data import dossier_demand
from motcua.monitoring.selectors import staffing_table
from motcua.network.models import Unit
from motcua.oversight import tallies, volumes
from motcua.oversight.models import AreaTally, HourTally
from tests.factories import (
    BRANCH_TDM,
    CONFIRMED,
    POINT_DAU_TIENG,
    POINT_PHU_CUONG,
    at,
    birth_request,
    judicial_request,
)

pytestmark = pytest.mark.django_db

NEXT_MONDAY = at(2026, 3, 9, 8, 0)


def make_history(world) -> None:
    """Monday 2 March 2026: two judicial record requests for Phú Cường (25747) at Dầu Tiếng, one of them
    filed online; Tuesday: three birth registrations for Dầu Tiếng (25966) at Phú Cường, 14:00-14:20;
    Wednesday 10:15: the first judicial record's result handed over at the Thủ Dầu Một branch."""
    code = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)
    ).dossier.code
    intake(
        actor=world["counter_dt"],
        request=judicial_request(channel=Channel.ONLINE, confirmation=CONFIRMED),
        now=at(2026, 3, 2, 9, 20),
    )
    for minute in (0, 10, 20):
        intake(actor=world["counter_pc"], request=birth_request(), now=at(2026, 3, 3, 14, minute))
    steps = [
        ("counter_dt", "complete_step"),
        ("spec_justice", "complete_step"),
        ("lead_justice", "finish"),
        ("lead_justice", "carry_result"),
    ]
    for hour, (who, action) in enumerate(steps, start=9):
        act(actor=world[who], code=code, action=action, now=at(2026, 3, 3, hour, 0))
    act(actor=world["counter_tdm"], code=code, action="return_result", now=at(2026, 3, 4, 10, 15))


def test_planning_demand_is_the_tallies_intakes_per_commune(world):
    make_history(world)
    demand, period = dossier_demand(NEXT_MONDAY)  # the follower's pass is made by the read
    assert (period.first, period.last) == (date(2025, 3, 9), date(2026, 3, 8))
    assert demand == {"25747": 2.0, "25966": 3.0}
    kept = dict(
        AreaTally.objects.values("jurisdiction__code")
        .annotate(n=Sum("intakes"))
        .values_list("jurisdiction__code", "n")
    )
    assert demand == {code: float(n) for code, n in kept.items()}
    # a period that ends before the history holds none of it
    assert dossier_demand(at(2026, 3, 2, 8, 0))[0] == {}


def test_staffing_arrivals_are_the_tallies_counter_visits(world):
    make_history(world)
    units = dict(Unit.objects.values_list("code", "id"))
    visits = volumes.counter_visits_by_slot(volumes.days_before(NEXT_MONDAY, 7))
    assert visits == {
        units[POINT_DAU_TIENG]: {(1, 9): 1},  # the dossier filed online is no visit to the counter
        units[POINT_PHU_CUONG]: {(2, 14): 3},
        units[BRANCH_TDM]: {(3, 10): 1},  # the result handed over
    }
    hours = HourTally.objects.aggregate(
        intakes=Sum("intakes"), counter=Sum("counter_intakes"), returns=Sum("counter_returns")
    )
    assert hours == {"intakes": 5, "counter": 4, "returns": 1}
    rows = {r.unit_code: r for r in staffing_table(until=NEXT_MONDAY, weeks=1)}
    assert (rows[POINT_PHU_CUONG].peak_arrivals_per_hour, rows[POINT_PHU_CUONG].peak_slot) == (
        3,
        "Thứ Ba 14:00",
    )
    assert (rows[BRANCH_TDM].peak_arrivals_per_hour, rows[BRANCH_TDM].peak_slot) == (1, "Thứ Tư 10:00")
    assert tallies.rebuild(apply=False).differences == []


def test_the_pages_say_which_days_the_volumes_come_from(world, client):
    client.force_login(world["manager"].user)
    page = client.get("/planning/").content.decode()
    assert 'id="dossier-period"' in page
    staffing = client.get("/planning/staffing/").content.decode()
    assert 'id="staffing-period"' in staffing and "Số liệu hồ sơ từ" in staffing
