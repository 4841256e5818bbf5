"""Benchmark: motcua planning (HiGHS via highspy) against spopt (PuLP + CBC), same run.

Seeded random instances: clustered demand and candidate sites in a 50 x 50 km area
(like a province), area types mixed, rule 30 min OR 5 km (the project's default).
Both solvers see the same coverage: spopt gets a dense cost matrix
min(minutes / 30, km / 5) with service radius 1, which is covered exactly when
minutes <= 30 or km <= 5. End-to-end time = travel/coverage + model build + solve.
spopt runs in a child process with a wall-clock cap (model building in PuLP is not
covered by CBC's timeLimit); when the cap is hit its figures are reported as such.
A yardstick that cannot run (spopt or PuLP missing, the child crashed or gave no answer)
is an error: the run stops with a non-zero exit status and records nothing.

Usage: python bench/planning.py [--quick] [--no-record]
Dev-only dependencies: spopt, pulp (CBC bundled with PuLP).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import multiprocessing as mp
import os
import platform
import queue as queues
import subprocess
import sys
import time
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from motcua.planning.data import CandidateSites, CoverageRule, DemandPoints  # noqa: E402
from motcua.planning.models import lscp_core, mclp_core  # noqa: E402
from motcua.planning.solver import SolveOptions  # noqa: E402
from motcua.planning.travel import HaversineTravel, coverage_matrix  # noqa: E402

RULE = CoverageRule(30.0, 5.0, "or")
FULL_SIZES = [(1000, 200), (5000, 1000), (20000, 3000)]
QUICK_SIZES = [(1000, 200), (2000, 400)]
ORIGIN_LAT, ORIGIN_LON = 11.0, 106.4


def clustered_points(rng, n: int, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cluster = rng.integers(0, len(centres), n)
    xy = np.clip(centres[cluster] + rng.normal(0, 4.0, (n, 2)), 0, 50)
    lat = ORIGIN_LAT + xy[:, 1] / 111.19
    lon = ORIGIN_LON + xy[:, 0] / (111.19 * np.cos(np.radians(ORIGIN_LAT)))
    return lat, lon


def make_instance(n_demand: int, n_sites: int, seed: int = 2024):
    rng = np.random.default_rng(seed)
    centres = rng.random((12, 2)) * 50
    lat, lon = clustered_points(rng, n_demand, centres)
    areas = rng.choice(["urban", "suburban", "rural"], n_demand, p=[0.4, 0.3, 0.3])
    demand = DemandPoints.from_arrays(
        lat, lon, rng.integers(50, 2000, n_demand).astype(float), area_type=areas
    )
    site_lat, site_lon = clustered_points(rng, n_sites, centres)
    return demand, CandidateSites.from_arrays(site_lat, site_lon)


def run_motcua(n_demand, n_sites, model, p, time_limit):
    demand, sites = make_instance(n_demand, n_sites)
    started = time.perf_counter()
    pairs = HaversineTravel().pairs_within(demand, sites, RULE)
    cover = coverage_matrix(pairs, RULE, n_demand, n_sites)
    travel_s = time.perf_counter() - started
    options = SolveOptions(time_limit=time_limit)
    if model == "lscp":
        solution = lscp_core(cover, options=options)
        objective = float(solution.is_open.sum())
    else:
        solution = mclp_core(cover, demand.weight(), p, options=options)
        objective = float(demand.weight() @ ((cover @ solution.is_open.astype(float)) > 0))
    gap = solution.outcome.gap if solution.status != "optimal" else 0.0
    return {
        "seconds": time.perf_counter() - started,
        "travel_s": travel_s,
        "objective": objective,
        "status": solution.status,
        "gap": gap,
        "cover": cover,
        "weight": demand.weight(),
    }


class YardstickFailed(RuntimeError):
    """spopt could not be run: there is nothing to compare with, which is not a win."""


def require_spopt() -> None:
    """Stop before any work when the yardstick is not installed."""
    missing = [name for name in ("spopt", "pulp") if importlib.util.find_spec(name) is None]
    if missing:
        raise YardstickFailed(
            f"{' and '.join(missing)} not installed: `pip install spopt pulp` (the bench extra)"
        )


def spopt_child(n_demand, n_sites, model, p, time_limit, queue):
    try:
        queue.put(solve_with_spopt(n_demand, n_sites, model, p, time_limit))
    except BaseException:  # noqa: BLE001 - the parent reports it and fails the run
        queue.put({"error": traceback.format_exc()})


def solve_with_spopt(n_demand, n_sites, model, p, time_limit) -> dict:
    import pulp
    from spopt.locate import LSCP, MCLP

    demand, sites = make_instance(n_demand, n_sites)
    started = time.perf_counter()
    full = HaversineTravel().full(demand, sites)
    cost = np.minimum(full.minutes / RULE.max_minutes, full.km / RULE.max_km).reshape(n_demand, n_sites)
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit)
    if model == "lscp":
        located = LSCP.from_cost_matrix(cost, 1.0 + 1e-9).solve(solver)
    else:
        located = MCLP.from_cost_matrix(cost, demand.weight(), 1.0 + 1e-9, p_facilities=p).solve(solver)
    seconds = time.perf_counter() - started
    chosen = np.array([v.value() is not None and v.value() > 0.5 for v in located.fac_vars])
    return {
        "seconds": seconds,
        "open": chosen,
        "sol_status": int(located.problem.sol_status),
        "status": pulp.LpStatus[located.problem.status],
    }


def run_spopt(n_demand, n_sites, model, p, time_limit, wall_cap):
    queue = mp.get_context("fork").Queue()
    child = mp.get_context("fork").Process(
        target=spopt_child, args=(n_demand, n_sites, model, p, time_limit, queue)
    )
    started = time.perf_counter()
    child.start()
    child.join(wall_cap)
    if child.is_alive():
        child.kill()
        child.join()
        return spopt_outcome(
            timed_out=True, exitcode=None, answer=None, seconds=time.perf_counter() - started
        )
    try:  # a child that exited normally has put its answer; one that crashed may have put nothing
        answer = queue.get(timeout=10 if child.exitcode == 0 else 1)
    except queues.Empty:
        answer = None
    return spopt_outcome(
        timed_out=False, exitcode=child.exitcode, answer=answer, seconds=time.perf_counter() - started
    )


def spopt_outcome(*, timed_out: bool, exitcode: int | None, answer: dict | None, seconds: float) -> dict:
    """What the child's end means. Hitting the wall-clock cap is spopt's own result ("no answer
    within the cap": the speedup is a lower bound); a child that crashed, failed or said nothing is
    a yardstick that could not run, an error."""
    if timed_out:
        return {"seconds": seconds, "finished": False}
    if answer is not None and "error" in answer:
        raise YardstickFailed(f"spopt failed:\n{answer['error']}")
    if exitcode != 0 or answer is None or answer.get("open") is None:
        raise YardstickFailed(f"spopt gave no answer (child exit status {exitcode})")
    return {**answer, "finished": True}


def compare(model, ours, theirs) -> str:
    if not theirs["finished"]:
        return "better"  # spopt ran but produced no solution within its wall-clock cap
    if model == "lscp":
        mine, other = ours["objective"], float(theirs["open"].sum())
        return "better" if mine < other else "equal" if mine == other else "worse"
    other = float(ours["weight"] @ ((ours["cover"] @ theirs["open"].astype(float)) > 0))
    mine = ours["objective"]
    return "better" if mine > other + 1e-6 else "equal" if abs(mine - other) <= 1e-6 else "worse"


def spopt_gap(theirs) -> str:
    if not theirs["finished"]:
        return "nan"
    return "0" if theirs["sol_status"] == 1 else "nan"  # CBC through PuLP gives no bound


def bench_size(n_demand, n_sites, time_limit, wall_cap) -> dict[str, str]:
    p = max(1, n_sites // 10)
    label = f"{n_demand}x{n_sites}"
    totals_ours, totals_theirs, verdicts, gaps_ours, gaps_theirs = 0.0, 0.0, [], [], []
    for model in ("lscp", "mclp"):
        ours = run_motcua(n_demand, n_sites, model, p, time_limit)
        theirs = run_spopt(n_demand, n_sites, model, p, time_limit, wall_cap)
        verdict = compare(model, ours, theirs)
        spopt_text = (
            f"{theirs['seconds']:.2f} s, {theirs.get('status')}"
            if theirs["finished"]
            else f"no answer within {wall_cap:.0f} s"
        )
        print(
            f"{model} {label}: motcua {ours['seconds']:.2f} s (travel {ours['travel_s']:.2f} s) "
            f"{ours['status']} objective {ours['objective']:g}; spopt {spopt_text}; objective {verdict}",
            flush=True,
        )
        print(f"{model}_speedup_vs_spopt_{label}: {theirs['seconds'] / ours['seconds']:.1f}", flush=True)
        totals_ours += ours["seconds"]
        totals_theirs += theirs["seconds"]
        verdicts.append(verdict)
        gaps_ours.append(ours["gap"] if ours["gap"] is not None else float("nan"))
        gaps_theirs.append(spopt_gap(theirs))
    overall = "worse" if "worse" in verdicts else "better" if "better" in verdicts else "equal"
    return {
        f"speedup_vs_spopt_{label}": f"{totals_theirs / totals_ours:.1f}",
        f"objective_vs_spopt_{label}": overall,
        f"gap_motcua_{label}": f"{max(gaps_ours):.4g}",
        f"gap_spopt_{label}": "nan" if "nan" in gaps_theirs else "0",
        f"seconds_motcua_{label}": f"{totals_ours:.2f}",
        f"seconds_spopt_{label}": f"{totals_theirs:.2f}",
    }


def machine() -> str:
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory}"


def commit() -> str:
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
            ).stdout.strip()
            or "uncommitted"
        )
    except (OSError, subprocess.CalledProcessError):
        return "uncommitted"


def record(figures: dict[str, str]) -> None:
    path = Path(__file__).with_name("RESULTS.md")
    lines = [f"\n## planning — {dt.date.today().isoformat()} — {machine()} — commit {commit()}\n", "```"]
    lines += [f"{k}: {v}" for k, v in figures.items()] + ["```", ""]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    time_limit, wall_cap = (20.0, 40.0) if args.quick else (120.0, 240.0)
    figures: dict[str, str] = {}
    try:
        require_spopt()
        for n_demand, n_sites in sizes:
            figures.update(bench_size(n_demand, n_sites, time_limit, wall_cap))
    except YardstickFailed as failure:
        print(f"planning benchmark: {failure}", file=sys.stderr, flush=True)
        return 1
    for name, value in figures.items():
        print(f"{name}: {value}")
    if not args.quick and not args.no_record:
        record(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
