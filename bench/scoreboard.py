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
import json
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    cpu_gauge_s,
    load_average,
    motcua_env,
    percentile,
    print_figures,
    record,
    setup_django,
    temporary_home,
    throwaway_database,
)

SEED = 766
UNTIL = date(2026, 11, 30)
DAYS = 730
BATCH = 20_000
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DOSSIER_COLUMNS = (
    "id", "code", "procedure_id", "procedure_version_id", "channel", "assisted", "status",
    "receiving_unit_id", "competent_unit_id", "current_unit_id", "subject_jurisdiction_id",
    "return_by_post", "return_address", "applicant_name", "applicant_search", "applicant_id_number",
    "applicant_phone", "applicant_email", "applicant_address", "request_text", "tracking_secret",
    "submitted_at", "received_at", "clock_start", "due_at", "legal_due_at", "finished_at", "returned_at",
    "closed_at", "result_at_return_point", "due_soon", "late", "finished_on_time", "reason",
    "fee_total_vnd", "paid_online", "last_event_seq", "last_event_hash",
)  # fmt: skip
EVENT_COLUMNS = (
    "dossier_id", "seq", "at", "recorded_at", "actor_name", "role", "unit_id", "action", "from_status",
    "to_status", "changes", "payload", "prev_hash", "hash",
)  # fmt: skip


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


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


class World:
    def __init__(self) -> None:
        from motcua.catalog.models import ProcedureVersion
        from motcua.network.models import Jurisdiction, Unit

        units = list(Unit.objects.filter(active=True).values_list("id", "kind"))
        self.service = [u for u, kind in units if kind in ("center", "branch", "reception_point")]
        self.agencies = [u for u, kind in units if kind not in ("center", "branch", "reception_point")]
        self.communes = list(Jurisdiction.objects.filter(level="commune").values_list("id", flat=True))
        self.versions = dict(ProcedureVersion.objects.order_by("version").values_list("procedure_id", "id"))
        self.procedures = sorted(self.versions)


def _iso(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).isoformat()


def history(world: World, count: int, first_id: int):
    """(dossier row, event rows) per dossier, seeded."""
    pick = random.Random(SEED)
    start = datetime.combine(UNTIL - timedelta(days=DAYS), datetime.min.time(), TZ)
    agency_weights = [1 / (rank + 1) ** 0.5 for rank in range(len(world.agencies))]
    service_weights = [1 / (rank + 1) ** 0.5 for rank in range(len(world.service))]
    procedure_weights = [1 / (rank + 1) for rank in range(len(world.procedures))]
    for number in range(count):
        dossier_id = first_id + number
        received = start + timedelta(days=pick.randrange(DAYS), hours=7 + pick.random() * 9.5)
        due = received + timedelta(days=pick.choice((1, 3, 5, 7, 10, 15)))
        procedure = pick.choices(world.procedures, procedure_weights)[0]
        receiving = pick.choices(world.service, service_weights)[0]
        competent = pick.choices(world.agencies, agency_weights)[0]
        channel = pick.choice((1, 1, 2, 2, 3))
        fate = pick.random()
        events = []

        def event(
            action, from_status, to_status, at, changes, unit=receiving, events=events, dossier_id=dossier_id
        ):
            events.append((dossier_id, len(events) + 1, at, at, "", "system", unit, action, from_status,
                           to_status, json.dumps(changes), "{}", "", "x"))  # fmt: skip

        row = dict.fromkeys(("received_at", "clock_start", "due_at", "legal_due_at", "finished_at",
                             "returned_at", "closed_at", "finished_on_time"))  # fmt: skip
        late = False
        if fate < 0.03:  # refused at intake
            status = 3
            row["closed_at"] = received
            event("refuse", None, 3, received, {"closed_at": _iso(received), "current_unit_id": receiving})
        else:
            row.update(received_at=received, clock_start=received, due_at=due, legal_due_at=due)
            event("receive", None, 2, received, {"received_at": _iso(received), "clock_start": _iso(received),
                  "due_at": _iso(due), "legal_due_at": _iso(due), "current_unit_id": receiving})  # fmt: skip
            end = datetime.combine(UNTIL, datetime.max.time(), TZ)
            if fate < 0.05:  # withdrawn
                status, at = 7, received + timedelta(days=1)
                row["closed_at"] = at
                event("withdraw", 2, 7, at, {"closed_at": _iso(at)})
            else:
                finished = received + (due - received) * pick.uniform(0.3, 1.25)
                if finished > end or fate > 0.93:  # still open
                    status = 4
                    if due < end:
                        late = True
                        event(
                            "mark_late",
                            2,
                            2,
                            due + timedelta(minutes=5),
                            {"late": True, "late_unit_id": competent},
                        )
                else:
                    on_time = finished <= due
                    if not on_time:
                        late = True
                        event(
                            "mark_late",
                            2,
                            2,
                            due + timedelta(minutes=5),
                            {"late": True, "late_unit_id": competent},
                        )
                    row.update(finished_at=finished, finished_on_time=on_time)
                    event("finish", 2, 9, finished, {"finished_at": _iso(finished), "finished_on_time": on_time},
                          unit=competent)  # fmt: skip
                    status = 9
                    returned = finished + timedelta(hours=pick.uniform(1, 48))
                    if returned < end:
                        status = 10
                        row.update(returned_at=returned, closed_at=returned)
                        event("return_result", 9, 10, returned, {"returned_at": _iso(returned),
                              "closed_at": _iso(returned)})  # fmt: skip
        code = f"B{dossier_id:09d}"
        row.update(
            id=dossier_id, code=code, procedure_id=procedure, procedure_version_id=world.versions[procedure],
            channel=channel, assisted=False, status=status, receiving_unit_id=receiving,
            competent_unit_id=competent, current_unit_id=competent if status in (4, 9) else receiving,
            subject_jurisdiction_id=pick.choice(world.communes), return_by_post=False, return_address="",
            applicant_name="Nguyễn Văn A", applicant_search=" nguyen van a", applicant_id_number="074000000000",
            applicant_phone="", applicant_email="", applicant_address="", request_text="", tracking_secret="x",
            submitted_at=received, result_at_return_point=False, due_soon=False, late=late, reason="",
            fee_total_vnd=0, paid_online=False, last_event_seq=len(events), last_event_hash="x",
        )  # fmt: skip
        yield tuple(row[c] for c in DOSSIER_COLUMNS), events


def fill(rows: int) -> tuple[float, int]:
    from django.db import connection

    started = time.perf_counter()
    world = World()
    events_written = 0
    batch_dossiers, batch_events = [], []

    def flush() -> None:
        with connection.cursor() as cursor:
            for table, columns, data in (
                ("dossiers_dossier", DOSSIER_COLUMNS, batch_dossiers),
                ("dossiers_dossierevent", EVENT_COLUMNS, batch_events),
            ):
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in data:
                        copy.write_row(row)
        batch_dossiers.clear()
        batch_events.clear()

    with connection.cursor() as cursor:  # bulk load: the secondary indexes afterwards
        cursor.execute("SET synchronous_commit = off")
    for number, (dossier, events) in enumerate(history(world, rows, 1), start=1):
        batch_dossiers.append(dossier)
        batch_events += events
        events_written += len(events)
        if len(batch_dossiers) >= BATCH:
            flush()
            if number % (BATCH * 10) == 0:
                say(
                    f"  {number:,} dossiers, {events_written:,} events ({time.perf_counter() - started:.0f} s)"
                )
    if batch_dossiers:
        flush()
    with connection.cursor() as cursor:
        for table in ("dossiers_dossier", "dossiers_dossierevent"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    return time.perf_counter() - started, events_written


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
    from django.core.management import call_command

    load_before = load_average()
    gauge = cpu_gauge_s()
    call_command("migrate_all", verbosity=0)
    call_command("load_demo", no_history=True, verbosity=0)
    say(f"filling {args.rows:,} dossiers and their events (COPY)...")
    fill_s, events = fill(args.rows)
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
        ("fill_s", f"{fill_s:.0f}"),
        ("scoreboard_p99_ms", f"{percentile(all_seconds, 0.99) * 1000:.2f}"),
        ("speedup_vs_groupby", f"{theirs_total / ours_total:.1f}"),
        ("rebuild_stats_s", f"{rebuild_s:.1f}"),
    ]
    notes = [
        f"PostgreSQL; {args.rows:,} dossiers, {events:,} events over {DAYS} days to {UNTIL}; unit {unit.code} "
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
    with temporary_home() as home, throwaway_database("scoreboard") as name:
        setup_django(motcua_env(name, home))
        figures, notes = run(args)
        from django.db import connections

        connections.close_all()
    for note in notes:
        say(note)
    if not args.no_record:
        record(f"scoreboard (bench/scoreboard.py{' --quick' if args.quick else ''})", figures, notes)
    print_figures(figures)


if __name__ == "__main__":
    main()
