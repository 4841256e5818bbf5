"""Benchmark: the Index 766 scoreboard with 10,000,000 dossiers in PostgreSQL (`--quick`: 1,000,000).

A throw-away database gets the schema and the demo network and catalog, then a seeded history written
in bulk by PostgreSQL itself (INSERT ... SELECT over generate_series, the secondary indexes built after
the load), bypassing the services: dossiers over two years ending on 30 Nov 2026 and their events
(receive, the watch's late mark, finish, return; refusals and withdrawals), with the changes the fold
reads. Then:

- rebuild_stats_s: `tallies.rebuild()` (what `motcua rebuild-stats` runs) folds every event into the
  aggregates from scratch;
- scoreboard_p99_ms: `selectors.scoreboard(scope, period)` (a pass of the follower, the counts, the
  measures, the scoring) for the province and a unit with its subordinates, for a month and a year;
- speedup_vs_groupby: the same figures computed in the same run by a plain SQL GROUP BY over the
  dossier table (received, online, resolved, on time, late, open and late at the period's end,
  pending), median against median, summed over the four cases.

`--yardstick-only` fills and times the GROUP BY alone (fill_s, fill_dossiers_per_s, groupby_*_p50_ms).
`--keep` keeps the filled database (`motcua_bench_scoreboard_<rows>`) for the next run with `--keep`,
which reuses it while the fill's marker matches (`--refill` makes it again): at 10,000,000 dossiers the
fill alone takes about half an hour. A reused database's aggregates are those of the previous run, so
its rebuild reports the differences from them (none, when the fold has not changed).

Usage: python bench/scoreboard.py [--quick] [--rows N] [--calls N] [--no-record] [--yardstick-only]
       [--keep [--refill]]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    cpu_gauge_s,
    demo_schema,
    finish_run,
    load_average,
    motcua_env,
    percentile,
    prepare_kept,
    run_on_throwaway_postgres,
    say,
    temporary_home,
)

SEED = 766
UNTIL = date(2026, 11, 30)
DAYS = 730
BATCH = 500_000  # dossiers per INSERT ... SELECT
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000,000 dossiers, fewer calls")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--calls", type=int, default=None)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument(
        "--yardstick-only",
        action="store_true",
        help="fill and time the GROUP BY only, without the rebuild and the scoreboard (at 10,000,000 "
        "dossiers the pure-Python rebuild takes hours on a shared machine)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the filled database and reuse a kept one")
    parser.add_argument("--refill", action="store_true", help="with --keep: fill the kept database again")
    args = parser.parse_args()
    args.rows = args.rows or (1_000_000 if args.quick else 10_000_000)
    args.calls = args.calls or (30 if args.quick else 100)
    return args


SAMPLES = 4096  # a weighted choice in SQL: an array of this many ids, each repeated by its weight


def weighted_sample(ids: list[int], weights: list[float]) -> list[int]:
    """ids spread over SAMPLES slots in proportion to their weights (every id at least once)."""
    total, slots, acc = sum(weights), [], 0.0
    for item, weight in zip(ids, weights, strict=True):
        acc += weight
        slots += [item] * max(1, round(acc / total * SAMPLES) - len(slots))
    return slots


# Each dossier's draws: u(k) is a uniform number in [0, 1) from the dossier's id and the draw's number k
# (hashint8extended: the same history whatever the order or the batch), SEED the seed.
U = "((hashint8extended(g, {k} + %(seed)s) & 9007199254740991)::float8 / 9007199254740992.0)"

PLAN = f"""
INSERT INTO bench_plan
SELECT g, received, received + make_interval(days => (ARRAY[1, 3, 5, 7, 10, 15])[1 + floor({U.format(k=3)} * 6)::int]),
       pick, fate, finish_share, return_hours,
       (%(receiving)s::bigint[])[1 + floor({U.format(k=5)} * cardinality(%(receiving)s::bigint[]))::int],
       (%(competent)s::bigint[])[1 + floor({U.format(k=6)} * cardinality(%(competent)s::bigint[]))::int],
       (ARRAY[1, 1, 2, 2, 3])[1 + floor({U.format(k=7)} * 5)::int],
       (%(communes)s::bigint[])[1 + floor({U.format(k=8)} * cardinality(%(communes)s::bigint[]))::int]
FROM (
  SELECT g,
         %(start)s::timestamptz + make_interval(days => floor({U.format(k=1)} * %(days)s)::int)
           + make_interval(secs => (7 + {U.format(k=2)} * 9.5) * 3600) AS received,
         1 + floor({U.format(k=4)} * cardinality(%(procedures)s::bigint[]))::int AS pick,
         {U.format(k=9)} AS fate, 0.3 + {U.format(k=10)} * 0.95 AS finish_share,
         1 + {U.format(k=11)} * 47 AS return_hours
  FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
) AS drawn
"""

# the fates: refused (3 %), withdrawn (2 %), still open (finished after the history's end, or 7 %),
# finished on time or late and returned unless the return falls after the end
FATES = """
UPDATE bench_plan SET
  finished = CASE WHEN fate >= 0.05 THEN received + (due - received) * finish_share END;
UPDATE bench_plan SET
  kind = CASE WHEN fate < 0.03 THEN 'refused' WHEN fate < 0.05 THEN 'withdrawn'
              WHEN finished > %(end)s OR fate > 0.93 THEN 'open' ELSE 'finished' END;
UPDATE bench_plan SET
  late = (kind = 'open' AND due < %(end)s) OR (kind = 'finished' AND finished > due),
  returned = CASE WHEN kind = 'finished' AND finished + make_interval(secs => return_hours * 3600) < %(end)s
                  THEN finished + make_interval(secs => return_hours * 3600) END;
"""

DOSSIERS = """
INSERT INTO dossiers_dossier (id, code, procedure_id, procedure_version_id, channel, assisted, status,
  receiving_unit_id, competent_unit_id, current_unit_id, subject_jurisdiction_id, return_by_post,
  return_address, applicant_name, applicant_search, applicant_id_number, applicant_phone, applicant_email,
  applicant_address, request_text, tracking_secret, submitted_at, received_at, clock_start, due_at,
  legal_due_at, finished_at, returned_at, closed_at, result_at_return_point, due_soon, late,
  finished_on_time, reason, fee_total_vnd, paid_online, last_event_seq, last_event_hash)
SELECT id, 'B' || lpad(id::text, 9, '0'), (%(procedures)s::bigint[])[pick], (%(versions)s::bigint[])[pick],
  channel, false, status, receiving, competent, CASE WHEN status IN (4, 9) THEN competent ELSE receiving END,
  subject, false, '', 'Nguyễn Văn A', ' nguyen van a', '074000000000', '', '', '', '', 'x', received,
  CASE WHEN kind <> 'refused' THEN received END, CASE WHEN kind <> 'refused' THEN received END,
  CASE WHEN kind <> 'refused' THEN due END, CASE WHEN kind <> 'refused' THEN due END,
  CASE WHEN kind = 'finished' THEN finished END, returned,
  CASE kind WHEN 'refused' THEN received WHEN 'withdrawn' THEN received + interval '1 day' ELSE returned END,
  false, false, late, CASE WHEN kind = 'finished' THEN finished <= due END, '', 0, false,
  1 + (kind = 'withdrawn')::int + late::int + (kind = 'finished')::int + (returned IS NOT NULL)::int, 'x'
FROM (SELECT *, CASE kind WHEN 'refused' THEN 3 WHEN 'withdrawn' THEN 7 WHEN 'open' THEN 4
                  ELSE CASE WHEN returned IS NULL THEN 9 ELSE 10 END END AS status FROM bench_plan) AS planned
"""

# every event of the dossiers, as the services would have appended them (the changes the fold reads)
EVENTS = """
INSERT INTO dossiers_dossierevent (dossier_id, seq, at, recorded_at, actor_name, role, unit_id, action,
  from_status, to_status, changes, payload, prev_hash, hash)
SELECT id, seq, at, at, '', 'system', unit, action, from_status, to_status, changes, '{}', '', 'x' FROM (
  SELECT id, 1 AS seq, received AS at, receiving AS unit, 'refuse' AS action, NULL::int AS from_status,
         3 AS to_status, jsonb_build_object('closed_at', received, 'current_unit_id', receiving) AS changes
  FROM bench_plan WHERE kind = 'refused'
  UNION ALL
  SELECT id, 1, received, receiving, 'receive', NULL, 2,
         jsonb_build_object('received_at', received, 'clock_start', received, 'due_at', due,
                            'legal_due_at', due, 'current_unit_id', receiving)
  FROM bench_plan WHERE kind <> 'refused'
  UNION ALL
  SELECT id, 2, received + interval '1 day', receiving, 'withdraw', 2, 7,
         jsonb_build_object('closed_at', received + interval '1 day')
  FROM bench_plan WHERE kind = 'withdrawn'
  UNION ALL
  SELECT id, 2, due + interval '5 minutes', receiving, 'mark_late', 2, 2,
         jsonb_build_object('late', true, 'late_unit_id', competent)
  FROM bench_plan WHERE late
  UNION ALL
  SELECT id, 2 + late::int, finished, competent, 'finish', 2, 9,
         jsonb_build_object('finished_at', finished, 'finished_on_time', finished <= due)
  FROM bench_plan WHERE kind = 'finished'
  UNION ALL
  SELECT id, 3 + late::int, returned, receiving, 'return_result', 9, 10,
         jsonb_build_object('returned_at', returned, 'closed_at', returned)
  FROM bench_plan WHERE returned IS NOT NULL
) AS events
"""

PLAN_TABLE = """
CREATE TEMP TABLE bench_plan (id bigint, received timestamptz, due timestamptz, pick int, fate float8,
  finish_share float8, return_hours float8, receiving bigint, competent bigint, channel int, subject bigint,
  finished timestamptz, kind text, late boolean, returned timestamptz)
"""


def _secondary_structures(cursor, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' indexes and constraints but the primary keys (a bulk load is faster without
    them; each is built once afterwards) and return the statements that recreate them."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f')",
        [list(tables)],
    )
    constraints = cursor.fetchall()
    for table, name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT LIKE '%%_pkey'",
        [list(tables)],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in constraints
    ]


def fill(rows: int) -> tuple[float, int]:
    """The history written by PostgreSQL itself: a plan of every dossier's draws and fate
    (generate_series, seeded hashes), then the dossiers and their events by INSERT ... SELECT, in
    batches, with the tables' secondary indexes and constraints dropped during the load and built once
    afterwards."""
    from django.db import connection

    from motcua.catalog.models import ProcedureVersion
    from motcua.network.models import Jurisdiction, Unit

    started = time.perf_counter()
    units = list(Unit.objects.filter(active=True).order_by("id").values_list("id", "kind"))
    service = [u for u, kind in units if kind in ("center", "branch", "reception_point")]
    agencies = [u for u, kind in units if kind not in ("center", "branch", "reception_point")]
    versions = dict(ProcedureVersion.objects.order_by("version").values_list("procedure_id", "id"))
    procedures = weighted_sample(sorted(versions), [1 / (rank + 1) for rank in range(len(versions))])
    start = datetime.combine(UNTIL - timedelta(days=DAYS), datetime.min.time(), TZ)
    params = {
        "seed": SEED,
        "start": start,
        "days": DAYS,
        "end": datetime.combine(UNTIL, datetime.max.time(), TZ),
        "receiving": weighted_sample(service, [1 / (rank + 1) ** 0.5 for rank in range(len(service))]),
        "competent": weighted_sample(agencies, [1 / (rank + 1) ** 0.5 for rank in range(len(agencies))]),
        "communes": list(
            Jurisdiction.objects.filter(level="commune").order_by("id").values_list("id", flat=True)
        ),
        "procedures": procedures,
        "versions": [versions[p] for p in procedures],
    }
    tables = ("dossiers_dossier", "dossiers_dossierevent")
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET TimeZone = 'UTC'")  # the changes' moments as the services write them
        cursor.execute("SET maintenance_work_mem = '512MB'")  # the indexes built after the load
        cursor.execute(PLAN_TABLE)
        rebuild = _secondary_structures(cursor, tables)
        for first in range(1, rows + 1, BATCH):
            last = min(rows, first + BATCH - 1)
            cursor.execute("TRUNCATE bench_plan")
            cursor.execute(PLAN, {**params, "first": first, "last": last})
            cursor.execute(FATES, params)
            cursor.execute(DOSSIERS, params)
            cursor.execute(EVENTS, params)
            if last % (BATCH * 5) == 0 or last == rows:
                say(f"  {last:,} dossiers ({time.perf_counter() - started:.0f} s)")
        loaded = time.perf_counter() - started
        for statement in rebuild:
            cursor.execute(statement)
        say(
            f"  loaded in {loaded:.0f} s; indexes and constraints in {time.perf_counter() - started - loaded:.0f} s"
        )
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("SELECT count(*) FROM dossiers_dossierevent")
        events = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_plan")
        cursor.execute("RESET TimeZone")
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("ANALYZE")
    return time.perf_counter() - started, events


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


def cases():
    from motcua.oversight.scope import Scope, parse_period, subtree

    unit = busiest_unit_with_subordinates()
    scopes = {"province": Scope(), f"unit_{unit.code}": Scope(unit, subtree([unit.id]))}
    periods = {"month": parse_period("2026-10"), "year": parse_period("2026")}
    return unit, scopes, periods


def yardstick_only(args, figures, events, load_before, gauge) -> tuple[list[tuple[str, object]], list[str]]:
    """The GROUP BY over the filled dossier table, per case, without aggregates to compare with."""
    unit, scopes, periods = cases()
    total = 0.0
    for scope_name, scope in scopes.items():
        for period_name, period in periods.items():
            theirs = statistics.median(timed(lambda s=scope, p=period: groupby(s, p), 5, warmup=1))
            total += theirs
            say(f"  {scope_name} {period_name}: GROUP BY p50 {theirs * 1000:.0f} ms")
            figures.append(
                (f"groupby_{scope_name.split('_')[0]}_{period_name}_p50_ms", f"{theirs * 1000:.0f}")
            )
    figures.append(("groupby_sum_of_p50_ms", f"{total * 1000:.0f}"))
    notes = [
        f"PostgreSQL; {args.rows:,} dossiers, {events:,} events over {DAYS} days to {UNTIL}; unit {unit.code} "
        f"with its subordinates; month 2026-10, year 2026; --yardstick-only: the fill and the GROUP BY "
        f"yardstick, no rebuild of the aggregates and no scoreboard",
        f"shared machine (2 cores, other developers' jobs): load average before {load_before}, after "
        f"{load_average()}; cpu gauge {gauge} s",
    ]
    return figures, notes


def rebuild_progress(started: float):
    def show(dossiers: int) -> None:
        if dossiers % 500_000 == 0:
            say(f"  rebuild: {dossiers:,} dossiers ({time.perf_counter() - started:.0f} s)")

    return show


def kept_database(rows: int) -> str:
    return f"motcua_bench_scoreboard_{rows}"


def fill_key(rows: int) -> str:
    return f"scoreboard fill v1 rows={rows} seed={SEED} days={DAYS} until={UNTIL}"


def fresh_fill(rows: int) -> float:
    demo_schema()
    say(f"filling {rows:,} dossiers and their events (INSERT ... SELECT)...")
    fill_s, events = fill(rows)
    say(f"fill: {fill_s:.0f} s, {events:,} events")
    return fill_s


def run(args, fill_s: str | None = None, filled: bool = True) -> tuple[list[tuple[str, object]], list[str]]:
    """The measures on a filled database: fill_s is given for a kept one (filled now or earlier)."""
    from motcua.dossiers.models import DossierEvent

    load_before = load_average()
    gauge = cpu_gauge_s()
    if fill_s is None:
        fill_s = f"{fresh_fill(args.rows):.0f}"
    events = DossierEvent.objects.count()
    fill_figures = [("fill_s", fill_s), ("fill_dossiers_per_s", f"{args.rows / float(fill_s):.0f}")]
    if not filled:
        fill_figures = [("fill_s", f"{fill_s} (kept from an earlier run)")]
    if args.yardstick_only:
        return yardstick_only(args, fill_figures, events, load_before, gauge)
    from motcua.oversight import selectors, tallies
    from motcua.oversight.models import DailyTally, ScopeTally

    kept_rows = DailyTally.objects.count()
    started = time.perf_counter()
    report = tallies.rebuild(progress=rebuild_progress(started))
    rebuild_s = time.perf_counter() - started
    say(
        f"rebuild: {rebuild_s:.0f} s; {DailyTally.objects.count():,} daily rows, {ScopeTally.objects.count():,} scope rows"
    )
    unit, scopes, periods = cases()
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
            compared = [k for k in yard if period.last > UNTIL or k not in ("late_open", "pending")]
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
        *fill_figures,
        ("scoreboard_p99_ms", f"{percentile(all_seconds, 0.99) * 1000:.2f}"),
        ("speedup_vs_groupby", f"{theirs_total / ours_total:.1f}"),
        ("rebuild_stats_s", f"{rebuild_s:.1f}"),
    ]
    notes = [
        f"PostgreSQL; {args.rows:,} dossiers, {events:,} events over {DAYS} days to {UNTIL}; unit {unit.code} "
        f"({unit.name_vi}) with its subordinates; month 2026-10, year 2026; {args.calls} calls per case; "
        f"one scoreboard call makes {queries} queries",
        f"rebuild differences: {report.difference_count:,} "
        f"({f'compared with the {kept_rows:,} daily rows kept before' if kept_rows else 'the aggregates were empty before'}); "
        + "; ".join(checks),
        f"shared machine (2 cores, other developers' jobs): load average before {load_before}, after "
        f"{load_average()}; cpu gauge {gauge} s",
    ]
    return figures, notes


def main() -> None:
    args = parse_args()
    flags = (" --quick" if args.quick else "") + (" --yardstick-only" if args.yardstick_only else "")
    title = f"scoreboard (bench/scoreboard.py{flags})"
    if not args.keep:
        run_on_throwaway_postgres("scoreboard", run, args, title)
        return
    with temporary_home() as home:
        name = kept_database(args.rows)
        env = motcua_env(name, home)
        fill_s, filled = prepare_kept(
            name, fill_key(args.rows), env, lambda: fresh_fill(args.rows), args.refill
        )
        figures, notes = run(args, fill_s, filled)
        from django.db import connections

        connections.close_all()
    finish_run(args, title, figures, notes)


if __name__ == "__main__":
    main()
