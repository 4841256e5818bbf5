"""Benchmark: the Index 766 scoreboard with 10,000,000 dossiers in PostgreSQL (`--quick`: 1,000,000).

A throw-away database gets the schema and the demo network and catalog, then a seeded history written
in bulk (COPY), bypassing the services: dossiers over two years ending on 30 Nov 2026 and their events
(receive, the watch's late mark, finish, return; refusals and withdrawals), with the changes the fold
reads. Then:

- rebuild_stats_s: `tallies.rebuild()` (what `motcua rebuild-stats` runs) folds every event into the
  aggregates from scratch;
- scoreboard_p99_ms: `selectors.scoreboard(scope, period)` (a pass of the follower, the counts, the
  measures, the scoring) for the province and a unit with its subordinates, for a month and a year;
- speedup_vs_groupby: the same figures computed in the same run by a plain SQL GROUP BY over the
  dossier table (received, online, resolved, on time, late, open and late at the period's end,
  pending), median against median, summed over the four cases.

Usage: python bench/scoreboard.py [--quick] [--rows N] [--calls N] [--no-record]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    HISTORY_DAYS,
    HISTORY_UNTIL,
    cpu_gauge_s,
    demo_schema,
    fill_history,
    load_average,
    percentile,
    run_on_throwaway_postgres,
    say,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000,000 dossiers, fewer calls")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--calls", type=int, default=None)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    args.rows = args.rows or (1_000_000 if args.quick else 10_000_000)
    args.calls = args.calls or (30 if args.quick else 100)
    return args


GROUPBY = """
SELECT channel,
  count(*) FILTER (WHERE received_at >= %(start)s AND received_at < %(end)s),
  count(*) FILTER (WHERE finished_at >= %(start)s AND finished_at < %(end)s),
  count(*) FILTER (WHERE finished_at >= %(start)s AND finished_at < %(end)s AND finished_on_time),
  count(*) FILTER (WHERE finished_at >= %(start)s AND finished_at < %(end)s AND NOT finished_on_time),
  count(*) FILTER (WHERE late AND status IN (2, 4, 5, 6) AND received_at < %(end)s),
  count(*) FILTER (WHERE status IN (2, 4, 5, 6) AND received_at < %(end)s)
FROM dossiers_dossier
WHERE %(all)s OR competent_unit_id = ANY(%(units)s) OR receiving_unit_id = ANY(%(units)s)
GROUP BY channel
"""


def groupby(scope, period) -> dict[str, int]:
    """The yardstick: the same figures by a plain GROUP BY over the dossier table."""
    from django.db import connection

    params = {"start": period.start, "end": period.end, "all": scope.unit_ids is None,
              "units": list(scope.unit_ids or [])}  # fmt: skip
    totals = dict.fromkeys(
        ("received", "online", "finished", "on_time", "finished_late", "late_open", "pending"), 0
    )
    with connection.cursor() as cursor:
        cursor.execute(GROUPBY, params)
        for channel, received, finished, on_time, late, late_open, pending in cursor.fetchall():
            totals["received"] += received
            totals["online"] += received if channel == 2 else 0
            totals["finished"] += finished
            totals["on_time"] += on_time
            totals["finished_late"] += late
            totals["late_open"] += late_open
            totals["pending"] += pending
    return totals


def timed(call, calls: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        call()
    seconds = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return seconds


def busiest_unit_with_subordinates():
    from django.db.models import Count

    from motcua.network.models import Unit
    from motcua.oversight.scope import unit_tree

    parents = Unit.objects.filter(children__isnull=False).exclude(kind="center").annotate(n=Count("children"))
    return unit_tree()[parents.order_by("-n", "code").values_list("id", flat=True)[0]]


def run(args) -> tuple[list[tuple[str, object]], list[str]]:
    load_before = load_average()
    gauge = cpu_gauge_s()
    demo_schema()
    say(f"filling {args.rows:,} dossiers and their events (COPY)...")
    fill_s, events = fill_history(args.rows)
    say(f"fill: {fill_s:.0f} s, {events:,} events")
    from motcua.oversight import selectors, tallies
    from motcua.oversight.models import DailyTally, ScopeTally
    from motcua.oversight.scope import Scope, parse_period, subtree

    started = time.perf_counter()
    report = tallies.rebuild()
    rebuild_s = time.perf_counter() - started
    say(
        f"rebuild: {rebuild_s:.0f} s; {DailyTally.objects.count():,} daily rows, {ScopeTally.objects.count():,} scope rows"
    )
    unit = busiest_unit_with_subordinates()
    scopes = {"province": Scope(), f"unit_{unit.code}": Scope(unit, subtree([unit.id]))}
    periods = {"month": parse_period("2026-10"), "year": parse_period("2026")}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        selectors.scoreboard(scopes["province"], periods["year"])
    queries = len(captured.captured_queries)
    for query in captured.captured_queries:
        say(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:150]}")
    all_seconds, ours_total, theirs_total, figures, checks = [], 0.0, 0.0, [], []
    for scope_name, scope in scopes.items():
        for period_name, period in periods.items():
            ours = timed(lambda s=scope, p=period: selectors.scoreboard(s, p), args.calls)
            theirs = timed(lambda s=scope, p=period: groupby(s, p), max(5, args.calls // 5), warmup=1)
            board = selectors.scoreboard(scope, period).figures
            yard = groupby(scope, period)
            # the stocks (open and late, pending) at a past period's end are the aggregates' own: the
            # dossier table only knows them now; the year 2026 ends after the history, so both agree
            compared = [k for k in yard if period.last > HISTORY_UNTIL or k not in ("late_open", "pending")]
            same = all(board[k if k != "online" else "received_online"] == yard[k] for k in compared)
            checks.append(
                f"{scope_name}/{period_name}: {'same figures' if same else f'DIFFERENT {board} {yard}'}"
            )
            all_seconds += ours
            ours_total += statistics.median(ours)
            theirs_total += statistics.median(theirs)
            say(f"  {scope_name} {period_name}: scoreboard p50 {statistics.median(ours) * 1000:.1f} ms, "
                f"p99 {percentile(ours, 0.99) * 1000:.1f} ms; GROUP BY p50 {statistics.median(theirs) * 1000:.0f} ms")  # fmt: skip
            figures.append((f"scoreboard_{scope_name.split('_')[0]}_{period_name}_p50_ms",
                            f"{statistics.median(ours) * 1000:.2f}"))  # fmt: skip
    figures += [
        ("fill_s", f"{fill_s:.0f}"),
        ("scoreboard_p99_ms", f"{percentile(all_seconds, 0.99) * 1000:.2f}"),
        ("speedup_vs_groupby", f"{theirs_total / ours_total:.1f}"),
        ("rebuild_stats_s", f"{rebuild_s:.1f}"),
    ]
    notes = [
        f"PostgreSQL; {args.rows:,} dossiers, {events:,} events over {HISTORY_DAYS} days to {HISTORY_UNTIL}; unit {unit.code} "
        f"({unit.name_vi}) with its subordinates; month 2026-10, year 2026; {args.calls} calls per case; "
        f"one scoreboard call makes {queries} queries",
        f"rebuild differences: {len(report.differences)} (the aggregates were empty before); "
        + "; ".join(checks),
        f"shared machine (2 cores, other developers' jobs): load average before {load_before}, after "
        f"{load_average()}; cpu gauge {gauge} s",
    ]
    return figures, notes


def main() -> None:
    args = parse_args()
    title = f"scoreboard (bench/scoreboard.py{' --quick' if args.quick else ''})"
    run_on_throwaway_postgres("scoreboard", run, args, title)


if __name__ == "__main__":
    main()
