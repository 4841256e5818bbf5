"""Problem-level API, scenarios, reports and the command line on hand-made data."""

import json

import numpy as np

from motcua.planning import (
    CandidateSites,
    CoverageRule,
    DemandPoints,
    PlanningProblem,
    evaluate_scenario,
    remove_and_open,
    solve_hierarchical,
    solve_lscp,
    solve_mclp,
    solve_pmedian,
)
from motcua.planning.cli import main
from motcua.planning.demo import load_demo

KM_LAT = 1 / 111.19  # degrees of latitude per km


def line_problem():
    """Demand every 2 km on a north-south line; one far-away point no site can reach."""
    lat = [11.0 + k * 2 * KM_LAT for k in range(6)] + [11.0 + 60 * KM_LAT]
    demand = DemandPoints.from_arrays(lat, [106.6] * 7, [10, 20, 30, 40, 50, 60, 5], area_type="urban")
    sites = CandidateSites.from_arrays(
        [11.0 + 1 * KM_LAT * 2, 11.0 + 4 * 2 * KM_LAT, 11.0 + 2.5 * 2 * KM_LAT],
        [106.6] * 3,
        ids=["A", "B", "C"],
        kind=["center", "reception_point", "candidate"],
    )
    return PlanningProblem(demand, sites, CoverageRule(max_minutes=None, max_km=4.0))


def test_lscp_reports_uncoverable_demand_with_reason():
    result = solve_lscp(line_problem())
    assert result.status == "optimal"
    assert result.objective == 2
    assert [u.demand_id for u in result.uncovered] == ["d6"]
    assert "No candidate site" in result.uncovered[0].reason_en
    assert "km" in result.uncovered[0].reason_vi
    json.dumps(result.to_dict())


def test_mclp_pmedian_hierarchical_and_fixed_sites():
    problem = line_problem()
    assert solve_mclp(problem, 1).open_sites == ["B"]
    closed = problem.sites.with_flags(fixed_closed=[False, True, False])
    assert solve_mclp(PlanningProblem(problem.demand, closed, problem.rule), 1).open_sites == ["C"]
    result = solve_pmedian(problem, 2)
    assert result.status == "optimal" and len(result.open_sites) == 2
    restricted = solve_pmedian(problem, 2, k_nearest=2)
    assert abs(restricted.objective - result.objective) < 1e-6
    hierarchical = solve_hierarchical(problem, CoverageRule(max_minutes=None, max_km=2.0))
    assert len(hierarchical.open_sites) == 2 and hierarchical.details["stage1"]["objective"] == 2


def test_scenario_and_remove_open():
    problem = line_problem()
    report = evaluate_scenario(problem, ["A", "B"], name="now")
    assert report.units_by_kind == {"center": 1, "reception_point": 1}
    assert 0 < report.share_covered < 1
    assert report.uncovered[0].demand_id == "d6"
    result = remove_and_open(problem, remove=1, open_new=0)
    assert result.model == "upgrade_close"
    assert set(result.open_sites) == {"A"}  # C is a candidate without premises: it cannot open
    assert [(c["action"], c["site_id"]) for c in result.details["changes"]] == [("close", "B")]


def write_demo_files(folder):
    (folder / "jurisdictions.csv").write_text(
        "code,parent_code,level,unit_type,name,population,population_year,area_km2,lat,lon,coord_approximate,"
        "coord_source\n74,,province,province,P,3000,2024,100,11.0,106.6,true,x\n"
        "1,74,commune,ward,W1,1000,2024,4,11.0,106.6,true,x\n"
        "2,74,commune,commune,C2,2000,2024,30,11.2,106.6,true,x\n",
        encoding="utf-8",
    )
    (folder / "units.csv").write_text(
        "code,kind,name_vi,name_en,jurisdiction_code,parent_code,address,lat,lon,coord_approximate,counters,"
        "opening_hours\nH,center,Trung tâm,Center,74,,a,11.0,106.6,true,10,x\n"
        "R,reception_point,Điểm R,Point R,2,H,a,11.05,106.6,true,2,x\n"
        "D,department,Sở,Dept,74,,a,11.1,106.6,true,,x\n",
        encoding="utf-8",
    )


def test_demo_loader_spreads_communes(tmp_path):
    write_demo_files(tmp_path)
    demand, sites = load_demo(tmp_path)
    assert len(demand) == 14
    assert abs(demand.weight().sum() - 3000) < 1e-6
    assert sites.ids.tolist() == ["H", "R", "cand-1", "cand-2"]
    assert sites.fixed_open.tolist() == [True, False, False, False]
    assert set(demand.area_type.tolist()) == {"urban", "rural"}


def test_cli_writes_all_outputs(tmp_path, capsys):
    demand = tmp_path / "demand.csv"
    demand.write_text("id,lat,lon,population,area_type\na,11.0,106.6,100,urban\nb,11.05,106.6,50,rural\n")
    sites = tmp_path / "sites.csv"
    sites.write_text("id,name,lat,lon,kind\nS1,Một,11.0,106.6,center\nS2,Hai,11.05,106.6,candidate\n")
    out = tmp_path / "out"
    code = main(
        [
            "--demand",
            str(demand),
            "--sites",
            str(sites),
            "--model",
            "mclp",
            "-p",
            "1",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Mô hình mclp" in printed and "Model mclp" in printed
    for name in ("result.json", "sites.csv", "demand.csv", "map.html", "map.png"):
        assert (out / name).stat().st_size > 0
    page = (out / "map.html").read_text(encoding="utf-8")
    assert "http://" not in page.split("<script>")[0] and "unpkg" not in page and "cdn" not in page.lower()
    assert np.isfinite(json.loads((out / "result.json").read_text())["result"]["objective"])
