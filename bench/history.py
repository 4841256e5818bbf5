"""Benchmark: the demo history (20,000 dossiers over 12 months, through the real services; issue 12:
"in the background with its progress banner, in under 3 minutes on 2 cores"; its speed alone no
longer justifies special code in production modules), on SQLite as `make run` loads it.

Each configuration runs `motcua load-history` on a fresh temporary home (schema, network, catalog and
accounts loaded first, not timed) and reads the command's own timing, then checks the log with
`motcua verify-log`. Configurations: one process, and one process per core (the default, see
src/motcua/demo/parallel.py); both must give the same number of actions (the same history).

Usage: python bench/history.py [--quick] [--no-record] [--count N] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    cpu_gauge_s,
    load_average,
    motcua,
    motcua_env,
    print_figures,
    record,
    temporary_home,
    throwaway_database,
)

TARGET_SECONDS = 180
FULL_COUNT, QUICK_COUNT = 20_000, 2_000
SUMMARY = re.compile(r"(\d+) hồ sơ / dossiers, (\d+) thao tác / actions trong / in ([\d.]+) s")


def run_once(count: int, workers: int, database: str | None) -> tuple[float, int, float]:
    """(seconds the load took by its own report, actions, seconds the log check took)."""
    with temporary_home() as home:
        env = motcua_env(database, home)
        motcua(env, "migrate", "-v", "0")
        motcua(env, "load-demo", "--no-history")
        started = time.perf_counter()
        out = motcua(env, "load-history", "--count", str(count), "--workers", str(workers))
        wall = time.perf_counter() - started
        found = SUMMARY.search(out)
        if not found or int(found.group(1)) != count:
            raise RuntimeError(f"unexpected load-history output:\n{out[-2000:]}")
        started = time.perf_counter()
        motcua(env, "verify-log")  # fails (exit status 1) on any broken chain
        print(
            f"  {count} dossiers, {workers} process(es): {wall:.1f} s wall ({found.group(3)} s by the load)"
        )
        return wall, int(found.group(2)), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--count", type=int)
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL database instead")
    args = parser.parse_args()
    count = args.count or (QUICK_COUNT if args.quick else FULL_COUNT)
    cores = max(1, min(os.cpu_count() or 1, 8))
    load_before = load_average()
    gauge_before = cpu_gauge_s()
    timings = {}
    for workers in sorted({1, cores}):
        if args.postgres:
            with throwaway_database(f"history{workers}") as name:
                timings[workers] = run_once(count, workers, name)
        else:
            timings[workers] = run_once(count, workers, None)
    actions = {result[1] for result in timings.values()}
    if len(actions) != 1:
        raise RuntimeError(f"the configurations made different histories: actions {actions}")
    best = timings[cores][0]
    full_estimate = best * FULL_COUNT / count
    figures = [
        ("history_dossiers", count),
        ("history_workers", cores),
        ("history_s", round(best, 1)),
        ("history_per_s", round(count / best, 1)),
        ("history_per_s_one_process", round(count / timings[1][0], 1)),
        ("history_speedup", round(timings[1][0] / best, 2)),
        ("history_20000_s", round(full_estimate, 1)),
        ("verify_log_s", round(timings[cores][2], 1)),
        ("cpu_gauge_s", gauge_before),
    ]
    met = "met" if full_estimate < TARGET_SECONDS else "NOT met"
    notes = [
        f"database: {'PostgreSQL' if args.postgres else 'SQLite'}; {count} dossiers, 12 months, seed 766",
        f"target 20,000 dossiers in < {TARGET_SECONDS} s: {met}"
        + ("" if count == FULL_COUNT else " (estimated from this count)"),
        f"load average before / after: {load_before} / {load_average()}",
        f"cpu_gauge_s: seconds of a fixed pure-Python loop on one core before the runs (machine speed; "
        f"{cpu_gauge_s()} after)",
    ]
    for note in notes:
        print(f"# {note}")
    if not args.quick and not args.no_record:
        record("history (bench/history.py)", figures, notes)
    print_figures(figures)


if __name__ == "__main__":
    main()
