"""Benchmark: motcua planning (HiGHS via highspy, Lagrangian bounds) against spopt (PuLP + CBC), same run.

Seeded random instances: clustered demand and candidate sites in a 50 x 50 km area
(like a province), area types mixed, rule 30 min OR 5 km (the project's default).
Models: LSCP; MCLP with p below the LSCP optimum (half of LSCP's proven lower bound, the optimum
when proven: with p at or above the optimum every answer covers everyone and the instance is trivial); p-median with p = sites / 10 (minutes).
Both solvers see the same coverage: spopt gets a dense cost matrix
min(minutes / 30, km / 5) with service radius 1, which is covered exactly when
minutes <= 30 or km <= 5 (p-median: the minutes). End-to-end time = travel/coverage + model
build + solve; also the CPU time of motcua's process (every thread), less distorted on a shared machine
than the wall clock. Each solver runs in its own child process (spawned, so that its peak RSS is its own);
spopt with a wall-clock cap (model building in PuLP is not covered by CBC's timeLimit). When the cap
is hit the figures say "spopt: no answer", never "better". spopt's p-median is not run above
SPOPT_PMEDIAN_MAX_PAIRS pairs (its model would not fit in memory): said as such.
A yardstick that cannot run (spopt or PuLP missing, the child crashed) is an error: the run stops
with a non-zero exit status and records nothing.

Usage: python bench/planning.py [--quick] [--no-record] [--size 20000x3000 ...]
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
import resource
import subprocess
import sys
import time
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from motcua.planning.data import CandidateSites, CoverageRule, DemandPoints  # noqa: E402
from motcua.planning.models import lscp_core, mclp_core  # noqa: E402
from motcua.planning.planner import PlanningProblem, solve_pmedian  # noqa: E402
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


SPOPT_PMEDIAN_MAX_PAIRS = 1_000_000


def run_motcua(n_demand, n_sites, model, p, time_limit):
    demand, sites = make_instance(n_demand, n_sites)
    started, cpu_started = time.perf_counter(), time.process_time()
    options = SolveOptions(time_limit=time_limit)
    if model == "pmedian":
        result = solve_pmedian(PlanningProblem(demand, sites, RULE), p, options=options)
        return {
            "seconds": time.perf_counter() - started,
            "cpu_seconds": time.process_time() - cpu_started,
            "travel_s": 0.0,
            "objective": float(result.objective),
            "status": result.status,
            "gap": float(result.gap or 0.0),
            "open": np.isin(sites.ids, result.open_sites),
        }
    pairs = HaversineTravel().pairs_within(demand, sites, RULE)
    cover = coverage_matrix(pairs, RULE, n_demand, n_sites)
    del pairs  # the models need the coverage only
    travel_s = time.perf_counter() - started
    if model == "lscp":
        solution = lscp_core(cover, options=options)
        objective = float(solution.is_open.sum())
    else:
        solution = mclp_core(cover, demand.weight(), p, options=options)
        objective = float(demand.weight() @ ((cover @ solution.is_open.astype(float)) > 0))
    gap = solution.outcome.gap if solution.status != "optimal" else 0.0
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
        "travel_s": travel_s,
        "objective": objective,
        "status": solution.status,
        "gap": float(gap) if gap is not None else float("nan"),
        "bound": float(solution.bound) if solution.bound is not None else float("nan"),
        "open": solution.is_open,
    }


def motcua_child(n_demand, n_sites, model, p, time_limit, queue):
    try:
        answer = run_motcua(n_demand, n_sites, model, p, time_limit)
        answer["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        queue.put(answer)
    except BaseException:  # noqa: BLE001 - the parent reports it and fails the run
        queue.put({"error": traceback.format_exc()})


def run_motcua_child(n_demand, n_sites, model, p, time_limit) -> dict:
    """motcua in a spawned child: its peak RSS is its own (a fork would count the parent's pages)."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=motcua_child, args=(n_demand, n_sites, model, p, time_limit, queue))
    child.start()
    answer = queue.get()
    child.join()
    if "error" in answer:
        raise RuntimeError(f"motcua failed:\n{answer['error']}")
    return answer


def evaluate(n_demand, n_sites, model, is_open) -> float:
    """A network's objective, computed the same way for both solvers."""
    if model == "lscp":
        return float(is_open.sum())
    demand, sites = make_instance(n_demand, n_sites)
    if model == "mclp":
        cover = coverage_matrix(HaversineTravel().pairs_within(demand, sites, RULE), RULE, n_demand, n_sites)
        return float(demand.weight() @ ((cover @ is_open.astype(float)) > 0))
    problem = PlanningProblem(demand, sites, RULE)
    _, _, minutes = problem.nearest(is_open)
    return float(demand.weight() @ minutes)


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
    from spopt.locate import LSCP, MCLP, PMedian

    demand, sites = make_instance(n_demand, n_sites)
    started = time.perf_counter()
    full = HaversineTravel().full(demand, sites)
    cost = np.minimum(full.minutes / RULE.max_minutes, full.km / RULE.max_km).reshape(n_demand, n_sites)
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit)
    if model == "lscp":
        located = LSCP.from_cost_matrix(cost, 1.0 + 1e-9).solve(solver)
    elif model == "mclp":
        located = MCLP.from_cost_matrix(cost, demand.weight(), 1.0 + 1e-9, p_facilities=p).solve(solver)
    else:
        minutes = full.minutes.reshape(n_demand, n_sites)
        located = PMedian.from_cost_matrix(minutes, demand.weight(), p_facilities=p).solve(solver)
    seconds = time.perf_counter() - started
    chosen = np.array([v.value() is not None and v.value() > 0.5 for v in located.fac_vars])
    return {
        "seconds": seconds,
        "open": chosen,
        "sol_status": int(located.problem.sol_status),
        "status": pulp.LpStatus[located.problem.status],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
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


NO_ANSWER = "spopt: no answer"
NOT_RUN = "spopt: not run (model too large for memory)"


def compare(model, n_demand, n_sites, ours, theirs) -> str:
    """better / equal / worse, judged on the same evaluation; spopt without an answer is said so."""
    if theirs.get("skipped"):
        return NOT_RUN
    if not theirs["finished"] or not theirs["open"].any():
        return NO_ANSWER
    mine = ours["objective"]
    other = evaluate(n_demand, n_sites, model, theirs["open"])
    tolerance = 1e-6 * max(1.0, abs(mine))
    if model == "mclp":
        mine, other = -mine, -other  # more is better
    return "better" if mine < other - tolerance else "equal" if abs(mine - other) <= tolerance else "worse"


def bench_size(n_demand, n_sites, time_limit, wall_cap) -> dict[str, str]:
    label = f"{n_demand}x{n_sites}"
    figures: dict[str, str] = {}
    lscp_bound = 0.0
    for model in ("lscp", "mclp", "pmedian"):
        if model == "mclp":
            # below the LSCP optimum (at least its proven bound, whatever the time it had): not everyone
            # can be covered, and p does not depend on how loaded the machine was
            p = max(1, int(lscp_bound) // 2)
        elif model == "pmedian":
            p = max(1, n_sites // 10)
        else:
            p = 0
        ours = run_motcua_child(n_demand, n_sites, model, p, time_limit)
        if model == "lscp":
            lscp_bound = np.ceil(ours["bound"] - 1e-6) if np.isfinite(ours["bound"]) else ours["objective"]
        if model == "pmedian" and n_demand * n_sites > SPOPT_PMEDIAN_MAX_PAIRS:
            theirs = {"skipped": True, "finished": False, "seconds": float("nan")}
        else:
            theirs = run_spopt(n_demand, n_sites, model, p, time_limit, wall_cap)
        verdict = compare(model, n_demand, n_sites, ours, theirs)
        if theirs.get("skipped"):
            spopt_text, speedup = NOT_RUN, NOT_RUN
        elif theirs["finished"]:
            spopt_text = (
                f"{theirs['seconds']:.2f} s, {theirs.get('status')}, peak {theirs['peak_rss_mb']:.0f} MB"
            )
            speedup = f"{theirs['seconds'] / ours['seconds']:.1f}"
        else:
            spopt_text = f"no answer within {wall_cap:.0f} s"
            speedup = f"{NO_ANSWER} (motcua {ours['seconds']:.1f} s, spopt stopped at {wall_cap:.0f} s)"
        print(
            f"{model} {label} (p = {p}): motcua {ours['seconds']:.2f} s (CPU {ours['cpu_seconds']:.2f} s) "
            f"{ours['status']} objective "
            f"{ours['objective']:,.6g} gap {ours['gap']:.4g} peak {ours['peak_rss_mb']:.0f} MB; spopt {spopt_text}; "
            f"objective {verdict}",
            flush=True,
        )
        figures[f"speedup_vs_spopt_{model}_{label}"] = speedup
        figures[f"objective_vs_spopt_{model}_{label}"] = verdict
        figures[f"gap_{model}_{label}"] = f"{ours['gap']:.4g}"
        figures[f"peak_rss_mb_{model}_{label}"] = f"{ours['peak_rss_mb']:.0f}"
        figures[f"seconds_motcua_{model}_{label}"] = f"{ours['seconds']:.2f}"
        figures[f"cpu_seconds_motcua_{model}_{label}"] = f"{ours['cpu_seconds']:.2f}"
        if model == "mclp":
            figures[f"mclp_p_{label}"] = str(p)
    return figures


def machine() -> str:
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {memory} (shared with other work: timings are noisy)"
    )


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
    parser.add_argument(
        "--size", action="append", metavar="NxM", help="only these sizes of the full run (e.g. 20000x3000)"
    )
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    if args.size:
        sizes = [tuple(int(v) for v in size.lower().split("x")) for size in args.size]
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
