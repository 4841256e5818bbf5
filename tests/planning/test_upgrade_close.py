"""Upgrade and close: hand-checked small instances, phases, capacity, and brute force on random ones."""

import itertools

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from motcua.planning import CandidateSites, CoverageRule, DemandPoints, PlanningProblem
from motcua.planning.errors import PlanningInputError
from motcua.planning.staffing import capacity_per_hour, queue_figures
from motcua.planning.upgrade import Capacity, Phase, upgrade_and_close

KM_LAT = 1 / 111.19  # degrees of latitude per km
RULE = CoverageRule(max_minutes=None, max_km=4.0)


def line(demand_km, people, site_km, kinds, *, premises=None, counters=None, dossiers=None, names=None):
    weights = {"population": people}
    if dossiers is not None:
        weights["dossiers"] = dossiers
    demand = DemandPoints.from_arrays(
        [11.0 + k * KM_LAT for k in demand_km], [106.6] * len(demand_km), weights, area_type="urban"
    )
    sites = CandidateSites.from_arrays(
        [11.0 + k * KM_LAT for k in site_km],
        [106.6] * len(site_km),
        ids=names or [f"S{i}" for i in range(len(site_km))],
        kind=kinds,
        premises=premises,
        counters=counters,
    )
    return PlanningProblem(demand, sites, RULE)


def actions(result, action):
    return sorted(c["site_id"] for c in result.details["changes"] if c["action"] == action)


def test_closes_the_redundant_point_and_upgrades_the_one_with_premises():
    # people at 0, 10 and 20 km; the center at 0; reception points at 10, 11 and 20 km.
    # Closing R11 costs nothing (R10 stands on the people); closing R10 adds 1.3 km; closing R20
    # leaves 100 people outside 4 km. Only R20 has premises, so it is the one upgraded.
    problem = line(
        [0, 10, 20],
        [100, 100, 100],
        [0, 10, 11, 20],
        ["center", "reception_point", "reception_point", "reception_point"],
        premises=[True, False, False, True],
        names=["HQ", "R10", "R11", "R20"],
    )
    result = upgrade_and_close(problem, [Phase(close=1, upgrade=1)])
    assert result.status == "optimal"
    assert actions(result, "close") == ["R11"]
    assert actions(result, "upgrade") == ["R20"]
    assert sorted(result.open_sites) == ["HQ", "R10", "R20"]
    assert result.details["kinds_after"]["R20"] == "branch"
    assert [level["level"] for level in result.details["levels"]] == [
        "coverage",
        "travel",
        "within_15_min",
        "changes",
    ]
    assert result.details["levels"][0]["value"] == pytest.approx(300)
    assert result.details["levels"][3]["value"] == 2  # one close, one upgrade, no new site
    commune = {row["commune"]: row for row in result.details["communes"]}
    assert commune["d1"]["unit_before"] == "R10" and commune["d1"]["unit_after"] == "R10"
    assert commune["d2"]["within_standard_before"] == commune["d2"]["within_standard_after"] == 1.0


def test_new_site_opens_only_when_it_helps_and_has_premises():
    # people at 0 and 12 km; the center at 0; one reception point at 0.5 km to close; candidates at 12 km
    # (premises) and 12.2 km (no premises). A new branch at 12 km brings the 100 people there within 4 km.
    problem = line(
        [0, 12],
        [100, 100],
        [0, 0.5, 12, 12.2],
        ["center", "reception_point", "candidate", "candidate"],
        premises=[True, True, True, False],
        names=["HQ", "R", "N12", "N12b"],
    )
    result = upgrade_and_close(problem, [Phase(close=1, upgrade=0, new_sites=2)])
    assert actions(result, "close") == ["R"]
    assert actions(result, "open") == ["N12"]  # one is enough: fewest changes; N12b has no premises
    assert result.details["levels"][3]["value"] == 2
    assert result.details["phases"][0]["share_within_standard"] == 1.0
    # without any new site, the people at 12 km are outside and are listed
    short = upgrade_and_close(problem, [Phase(close=1)])
    assert short.details["phases"][0]["share_within_standard"] == pytest.approx(0.5)
    assert [u.demand_id for u in short.uncovered] == ["d1"]


def test_capacity_decides_which_point_becomes_a_branch():
    # 1 counter serves this many dossiers per hour at a 10-minute mean wait; a 6-counter branch far more.
    one = capacity_per_hour(1, 15.0, 10.0)
    six = capacity_per_hour(6, 15.0, 10.0)
    assert queue_figures(1, one, 15.0).mean_wait_minutes == pytest.approx(10.0, rel=1e-6)
    hours = 2000.0
    heavy = 2 * one * hours  # twice what one counter serves, well within a branch
    assert 2 * one < six
    problem = line(
        [0, 10, 30],
        [100, 1000, 100],
        [0, 10, 10.5, 30],
        ["center", "reception_point", "reception_point", "reception_point"],
        counters=[1, 1, 1, 1],
        dossiers=[0.1 * one * hours, heavy, 0.1 * one * hours],
        names=["HQ", "A", "B", "C"],
    )
    result = upgrade_and_close(problem, [Phase(close=1, upgrade=1)], capacity=Capacity(hours_per_year=hours))
    assert result.status == "optimal"
    assert actions(result, "upgrade") == ["A"]  # the point on the heavy load becomes the branch
    assert actions(result, "close") == ["B"]
    assert result.details["phases"][0]["share_within_standard"] == 1.0
    # without the upgrade, A and B together just serve the heavy load, so C (100 people) closes
    plain = upgrade_and_close(problem, [Phase(close=1)], capacity=Capacity(hours_per_year=hours))
    assert actions(plain, "close") == ["C"]
    assert plain.details["phases"][0]["share_within_standard"] == pytest.approx(1100 / 1200)
    # closing two leaves 2 counters (3.2/h) for 3.52 dossiers an hour: no plan, and the reason
    none = upgrade_and_close(problem, [Phase(close=2)], capacity=Capacity(hours_per_year=hours))
    assert none.status == "infeasible" and none.open_sites == []
    assert "3.52 dossiers per hour" in none.details["reason_en"]
    assert "hồ sơ mỗi giờ" in none.details["reason_vi"]


def test_phases_never_reopen_and_each_has_its_standard():
    problem = line(
        [0, 5, 10, 15, 20],
        [100, 100, 100, 100, 100],
        [0, 5, 10, 15, 20],
        ["center"] + ["reception_point"] * 4,
        premises=[True, True, True, True, True],
        names=["HQ", "R5", "R10", "R15", "R20"],
    )
    phases = [
        Phase(close=1, upgrade=1, name="phase 2"),
        Phase(close=1, upgrade=0, name="phase 3", rule=CoverageRule(max_minutes=None, max_km=6.0)),
    ]
    result = upgrade_and_close(problem, phases)
    closed = [c for c in result.details["changes"] if c["action"] == "close"]
    assert [c["phase"] for c in closed] == ["phase 2", "phase 3"]
    assert len({c["site_id"] for c in closed}) == 2  # a site closes once, never reopens
    upgraded = actions(result, "upgrade")
    assert not set(upgraded) & {c["site_id"] for c in closed}  # an upgraded branch is never closed
    assert [p["rule"] for p in result.details["phases"]] == ["4 km", "6 km"]
    assert len(result.open_sites) == 3


def test_bad_plans_are_refused_with_the_reason():
    problem = line([0], [1], [0, 1, 2], ["center", "reception_point", "reception_point"], premises=[1, 0, 1])
    with pytest.raises(PlanningInputError, match="only 2 reception points may close"):
        upgrade_and_close(problem, [Phase(close=2), Phase(close=1)])
    with pytest.raises(PlanningInputError, match="only 1 reception points have premises"):
        upgrade_and_close(problem, [Phase(upgrade=2)])
    with pytest.raises(PlanningInputError, match="at least one phase"):
        upgrade_and_close(problem, [])
    with pytest.raises(PlanningInputError, match="capacity needs dossiers per commune"):
        upgrade_and_close(problem, [Phase(close=1)], capacity=Capacity())
    with pytest.raises(PlanningInputError, match="phase 1 close: .*must be ≥ 0"):
        upgrade_and_close(problem, [Phase(close=-1)])


@st.composite
def instances(draw):
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n_demand, n_reception = draw(st.integers(3, 7)), draw(st.integers(2, 5))
    demand_km = rng.uniform(0, 25, n_demand)
    site_km = np.r_[rng.uniform(0, 25, 1), rng.uniform(0, 25, n_reception)]
    people = rng.integers(0, 50, n_demand).astype(float)
    close = draw(st.integers(0, n_reception))
    return demand_km, people, site_km, close


# Found by hypothesis: HiGHS presolve declared the travel level (coverage held at 150) infeasible, and with
# the level-1 answer as warm start returned it as optimal: d3 sent to S0 at 30.8 min with S1 (10.3) open.
HELD_LEVEL_PRESOLVE = (
    np.array([11.36023978, 5.6590549, 4.07142151, 1.40055733, 12.03643738, 24.80787166]),
    np.array([49.0, 19.0, 5.0, 37.0, 35.0, 42.0]),
    np.array([11.27571657, 4.7032342, 23.50651336, 17.33781403, 18.48818868, 10.65185176]),
    1,
)


# Found with 1,000 examples while fixing it: presolve cuts off the least travel whatever the hold's
# tolerance; with presolve off, a hold 1e-7 of the value loose ends at the warm start (2,255 for 1,828
# minutes), or lets the next level gain 3.5e-5 person within 15 minutes from the slack.
PRESOLVE_ANY_TOLERANCE = (
    np.array([20.12507309, 20.19851974, 12.88313903, 7.1450345, 1.34826756]),
    np.array([37.0, 11.0, 14.0, 21.0, 13.0]),
    np.array([9.58422202, 10.21183014, 1.13187985, 1.21894277, 24.97940288, 16.30922779]),
    2,
)
HOLD_AT_FEASIBILITY_TOLERANCE = (
    np.array([7.47592769, 23.72130013, 6.66370291, 14.06149571, 1.01633194, 9.06415122, 7.76857951]),
    np.array([38.0, 25.0, 28.0, 10.0, 47.0, 37.0, 23.0]),
    np.array([0.54853157, 5.68767827, 11.16923609]),
    0,
)
SLACK_BOUGHT_BY_NEXT_LEVEL = (
    np.array([17.22541333, 19.9030925, 13.31184279, 8.57758559, 24.72082821]),
    np.array([1.0, 15.0, 3.0, 18.0, 44.0]),
    np.array([2.66777633, 8.64767994, 9.38759322, 20.11754994]),
    2,
)


@settings(max_examples=25, deadline=None)
@given(instances())
@example(HELD_LEVEL_PRESOLVE)
@example(PRESOLVE_ANY_TOLERANCE)
@example(HOLD_AT_FEASIBILITY_TOLERANCE)
@example(SLACK_BOUGHT_BY_NEXT_LEVEL)
def test_lexicographic_levels_match_brute_force(case):
    demand_km, people, site_km, close = case
    kinds = ["center"] + ["reception_point"] * (len(site_km) - 1)
    problem = line(demand_km, people, site_km, kinds)
    result = upgrade_and_close(problem, [Phase(close=close)])
    levels = [level["value"] for level in result.details["levels"][:3]]
    best = None
    reception = range(1, len(site_km))
    for closed in itertools.combinations(reception, close):
        is_open = np.ones(len(site_km), bool)
        is_open[list(closed)] = False
        _, km, minutes = problem.nearest(is_open)
        values = (
            float(people @ RULE.covers(km, minutes)),
            -float(people @ minutes),
            float(people @ (minutes <= 15 + 1e-9)),
        )
        best = values if best is None or _better(values, best) else best
    assert levels[0] == pytest.approx(best[0], rel=1e-7, abs=1e-6)
    assert levels[1] == pytest.approx(-best[1], rel=1e-6, abs=1e-6)
    assert levels[2] == pytest.approx(best[2], rel=1e-6, abs=1e-5)


def _better(a, b, tolerance=1e-7):
    for x, y in zip(a, b, strict=True):
        if x > y + tolerance * max(1.0, abs(y)):
            return True
        if x < y - tolerance * max(1.0, abs(y)):
            return False
    return False


def test_without_capacity_branches_go_where_people_are_and_cli_writes_the_decision(tmp_path, capsys):
    from openpyxl import load_workbook

    from motcua.planning.cli import main

    demand = tmp_path / "demand.csv"
    demand.write_text(
        "id,name,lat,lon,population,area_type\n"
        + "".join(
            f"c{k},Xã {k},{11.0 + km * KM_LAT:.6f},106.6,{people},urban\n"
            for k, (km, people) in enumerate([(0, 10), (10, 5000), (20, 20), (30, 30)])
        ),
        encoding="utf-8",
    )
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "id,name,lat,lon,kind\nHQ,Trung tâm,11.0,106.6,center\n"
        + "".join(
            f"R{km},Điểm {km},{11.0 + km * KM_LAT:.6f},106.6,reception_point\n" for km in (10, 11, 20, 30)
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    argv = [
        "--demand",
        demand,
        "--sites",
        sites,
        "--model",
        "upgrade-close",
        "--close",
        "1",
        "--upgrade",
        "1",
    ]
    code = main(
        [str(a) for a in argv] + ["--max-minutes", "5", "--max-km", "4", "--out", str(out), "--quiet"]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "Upgrade to branch: Điểm 10 (R10)" in printed  # 5,000 people, not an arbitrary point
    assert "Close: Điểm 11 (R11)" in printed
    assert "Plan: close 1 reception points, upgrade 1 to branches, open 0 new branches." in printed
    changes = (out / "changes.csv").read_text(encoding="utf-8-sig").splitlines()
    assert changes[0].startswith("Giai đoạn / Phase,Thay đổi / Change")
    assert len(changes) == 3
    book = load_workbook(out / "decision.xlsx")
    assert book.sheetnames == ["Thay đổi - Changes", "Theo xã - By commune"]
    assert book["Theo xã - By commune"].max_row == 5  # header + 4 communes
