"""p-median at scale: a proven Lagrangian bound, fast interchange, iteration limits, a size guard."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.planning import CandidateSites, DemandPoints, PlanningProblem, SolveOptions, solve_pmedian
from motcua.planning.cli import main
from motcua.planning.errors import PlanningTooLarge


def random_problem(seed: int, n: int, m: int, fixed: bool = False) -> PlanningProblem:
    rng = np.random.default_rng(seed)
    demand = DemandPoints.from_arrays(
        11.0 + rng.random(n) * 0.3,
        106.5 + rng.random(n) * 0.3,
        rng.integers(0, 1000, n).astype(float),
        area_type=rng.choice(["urban", "rural"], n).tolist(),
    )
    fixed_open = np.zeros(m, bool)
    fixed_open[0] = fixed
    fixed_closed = np.zeros(m, bool)
    fixed_closed[-1] = True
    sites = CandidateSites.from_arrays(
        11.0 + rng.random(m) * 0.3,
        106.5 + rng.random(m) * 0.3,
        fixed_open=fixed_open,
        fixed_closed=fixed_closed,
    )
    return PlanningProblem(demand, sites)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10_000), st.integers(30, 90), st.integers(8, 40), st.integers(1, 6), st.booleans())
def test_bound_holds_and_answer_is_close_to_the_exact_optimum(seed, n, m, p, fixed):
    problem = random_problem(seed, n, m, fixed)
    exact = solve_pmedian(problem, p, method="exact", options=SolveOptions(time_limit=30))
    assert exact.status == "optimal"
    fast = solve_pmedian(problem, p, method="lagrangian")
    short = solve_pmedian(problem, p, method="lagrangian", k_nearest=3)  # most points beyond their list
    tolerance = 1e-6 * max(1.0, exact.objective)
    assert fast.best_bound <= exact.objective + tolerance  # a proven lower bound
    assert fast.objective >= exact.objective - tolerance  # a real network
    assert fast.objective <= exact.objective * 1.05 + tolerance
    assert short.best_bound <= exact.objective + tolerance <= short.objective + 2 * tolerance
    assert len(fast.open_sites) == p
    assert problem.sites.ids[-1] not in fast.open_sites  # fixed closed
    if fixed:
        assert problem.sites.ids[0] in fast.open_sites
    if fast.status == "optimal":
        assert fast.objective == pytest.approx(exact.objective, rel=1e-6)


def test_same_answer_whatever_the_time_limit():
    problem = random_problem(7, 400, 120)
    answers = [
        solve_pmedian(problem, 12, method="lagrangian", options=SolveOptions(time_limit=limit))
        for limit in (0.01, 100.0)
    ]
    assert answers[0].open_sites == answers[1].open_sites
    assert answers[0].best_bound == answers[1].best_bound
    assert answers[0].details["method"] == "lagrangian"
    assert answers[0].gap <= 0.01


def test_size_guard_before_memory_runs_out(tmp_path, capsys):
    problem = random_problem(3, 200, 50)
    with pytest.raises(PlanningTooLarge, match=r"200 demand points x \d+ nearest sites need about"):
        solve_pmedian(problem, 5, method="lagrangian", max_memory_mb=0.1)
    with pytest.raises(PlanningTooLarge, match="the exact model needs about"):
        solve_pmedian(problem, 5, method="exact", max_memory_mb=0.1)
    demand = tmp_path / "demand.csv"
    demand.write_text(
        "id,lat,lon,population\n" + "".join(f"d{i},{11 + i / 1000},106.6,10\n" for i in range(300)),
        encoding="utf-8",
    )
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "id,name,lat,lon,kind\n" + "".join(f"s{i},S{i},{11 + i / 100},106.6,candidate\n" for i in range(100)),
        encoding="utf-8",
    )
    argv = ["--demand", demand, "--sites", sites, "--model", "pmedian", "-p", "5", "--max-memory-mb", "0.5"]
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "MB limit" in err
