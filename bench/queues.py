"""Benchmark: the work-queue list of the busiest unit with 1,000,000 dossiers in the database.

A throw-away database (PostgreSQL by default, `--sqlite` for the embedded default) gets the schema
and the demo network and catalog, then a seeded fixture of dossiers written in bulk (COPY on
PostgreSQL, executemany on SQLite), bypassing the services: a year of dossiers, most of them closed,
the province center holding CENTER_SHARE of them; each dossier has three steps (done / active /
pending as its current step says), codes are <unit>-<yymmdd>-<n> and unique. Then ANALYZE, and the
selector the API calls (`selectors.work_queue`, plus the API's item shaping) is timed for several
filter mixes with the center's manager as actor. One HTTP round of the default mix is timed for
reference.

Usage: python bench/queues.py [--quick] [--sqlite] [--rows N] [--calls N] [--no-record]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    drop_secondary_indexes,
    load_average,
    motcua,
    motcua_env,
    percentile,
    print_figures,
    rebuild_indexes,
    record,
    setup_django,
    start_server,
    stop_server,
    temporary_home,
    throwaway_database,
    wait_ready,
)

from motcua.catalog.search import fold  # noqa: E402 - pure, no Django

CENTER = "000.00.50.H57"
MANAGER = "quanly"
CENTER_SHARE = 0.08  # of all dossiers, held by the province center (the busiest unit)
STEPS_PER_DOSSIER = 3
TABLES = ("dossiers_dossier", "dossiers_dossierstep")  # bulk-loaded
# Status shares (National Portal codes): most dossiers of a year are closed.
STATUS_SHARES = {
    10: 0.850,
    3: 0.020,
    7: 0.015,
    8: 0.005,
    1: 0.005,
    2: 0.010,
    4: 0.055,
    5: 0.015,
    6: 0.005,
    9: 0.020,
}
CLOSED = {3, 7, 8, 10}
BATCH = 20_000
SEED = 766

DOSSIER_COLUMNS = [
    "id",
    "code",
    "procedure_id",
    "procedure_version_id",
    "channel",
    "assisted",
    "status",
    "receiving_unit_id",
    "competent_unit_id",
    "current_unit_id",
    "subject_jurisdiction_id",
    "return_unit_id",
    "return_by_post",
    "return_address",
    "applicant_name",
    "applicant_search",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "request_text",
    "tracking_secret",
    "log_book_number",
    "submitted_at",
    "received_at",
    "clock_start",
    "due_at",
    "legal_due_at",
    "paused_since",
    "finished_at",
    "returned_at",
    "closed_at",
    "current_step_order",
    "resume_status",
    "result_at_return_point",
    "due_soon",
    "late",
    "finished_on_time",
    "reason",
    "fee_total_vnd",
    "paid_online",
    "last_event_seq",
    "last_event_hash",
]
STEP_COLUMNS = [
    "dossier_id",
    "order",
    "name_vi",
    "name_en",
    "unit_id",
    "role",
    "days",
    "is_return",
    "assignee_id",
    "state",
    "due_at",
    "started_at",
    "completed_at",
    "late",
]
STEP_NAMES = (
    ("Tiếp nhận hồ sơ", "Intake"),
    ("Thẩm định, giải quyết", "Processing"),
    ("Trả kết quả", "Return"),
)


# --- the world the fixture refers to ----------------------------------------------------------------


class World:
    """Ids read once from the demo data: units, jurisdictions, procedures and their versions, staff."""

    def __init__(self) -> None:
        from django.contrib.auth import get_user_model

        from motcua.catalog.models import ProcedureVersion
        from motcua.network.models import Jurisdiction, Unit

        units = list(Unit.objects.filter(active=True).order_by("code").values_list("id", "code", "kind"))
        self.center = next(u for u in units if u[1] == CENTER)
        self.others = [u for u in units if u[1] != CENTER]
        self.service = [u for u in units if u[2] in ("center", "branch", "reception_point")]
        self.agencies = [u for u in units if u[2] not in ("center", "branch", "reception_point")]
        self.communes = list(Jurisdiction.objects.filter(level="commune").values_list("id", flat=True))
        self.versions: dict[int, list[tuple]] = {}
        for row in ProcedureVersion.objects.order_by("effective_from", "version").values_list(
            "procedure_id", "id", "effective_from"
        ):
            self.versions.setdefault(row[0], []).append(row[1:])
        self.procedures = sorted(self.versions)
        self.users = list(get_user_model().objects.values_list("id", flat=True))

    def version_on(self, procedure: int, day) -> int:
        found = [v for v, start in self.versions[procedure] if start <= day]
        return found[-1] if found else self.versions[procedure][0][0]


# --- the fixture rows ----------------------------------------------------------------------------------


class Filler:
    """Seeded dossier and step rows; the busiest unit gets CENTER_SHARE, the others a skewed rest."""

    def __init__(self, world: World, now: datetime, first_id: int) -> None:
        self.world, self.now, self.next_id = world, now, first_id
        self.service, self.agencies = set(world.service), set(world.agencies)
        self.zone = now.tzinfo if now.tzinfo is not None else None
        self.random = random.Random(SEED)
        self.statuses = list(STATUS_SHARES)
        self.status_weights = list(STATUS_SHARES.values())
        self.other_weights = [1 / (rank + 1) ** 0.6 for rank in range(len(world.others))]
        self.procedure_weights = [1 / (rank + 1) for rank in range(len(world.procedures))]
        self.sequences: Counter = Counter()
        from motcua.demo.history import FAMILY, GIVEN, MIDDLE  # Django is set up by now

        self.names = (FAMILY, MIDDLE, GIVEN)

    def dossiers(self, count: int) -> Iterator[tuple[tuple, list[tuple]]]:
        for _ in range(count):
            yield self.dossier()

    def dossier(self) -> tuple[tuple, list[tuple]]:
        pick = self.random
        status = pick.choices(self.statuses, self.status_weights)[0]
        current = self.world.center if pick.random() < CENTER_SHARE else self._other()
        receiving = current if current in self.service else pick.choice(self.world.service)
        competent = current if current in self.agencies else pick.choice(self.world.agencies)
        procedure = pick.choices(self.world.procedures, self.procedure_weights)[0]
        times = self._times(status)
        submitted = times["submitted_at"]
        day = submitted.astimezone(self.zone).date()
        self.sequences[(receiving[1], day)] += 1
        sequence = self.sequences[(receiving[1], day)]
        code = f"{receiving[1]}-{day:%y%m%d}-{sequence:04d}"
        name = " ".join(pick.choice(part) for part in self.names)
        dossier_id = self.next_id
        self.next_id += 1
        step_order = None if status in CLOSED or status in (1, 5, 9) else pick.randint(1, STEPS_PER_DOSSIER)
        row = {
            "id": dossier_id,
            "code": code,
            "procedure_id": procedure,
            "procedure_version_id": self.world.version_on(procedure, day),
            "channel": pick.choice((1, 1, 2, 2, 3)),
            "assisted": False,
            "status": status,
            "receiving_unit_id": receiving[0],
            "competent_unit_id": competent[0],
            "current_unit_id": current[0],
            "subject_jurisdiction_id": pick.choice(self.world.communes),
            "return_unit_id": receiving[0],
            "return_by_post": False,
            "return_address": "",
            "applicant_name": name,
            "applicant_search": " " + fold(name),  # as services.searchable_name
            "applicant_id_number": f"074{pick.randrange(10**9):09d}",
            "applicant_phone": "",
            "applicant_email": "",
            "applicant_address": "",
            "request_text": "",
            "tracking_secret": hashlib.sha256(code.encode()).hexdigest(),
            "log_book_number": sequence,
            "current_step_order": step_order,
            "resume_status": 4 if status == 5 else None,
            "result_at_return_point": status == 9,
            "reason": "",
            "fee_total_vnd": 0,
            "paid_online": False,
            "last_event_seq": 0,
            "last_event_hash": "",
            **times,
        }
        return tuple(row[c] for c in DOSSIER_COLUMNS), self._steps(row, current[0], receiving[0])

    def _other(self) -> tuple:
        return self.random.choices(self.world.others, self.other_weights)[0]

    def _times(self, status: int) -> dict:
        pick, now = self.random, self.now
        closed = status in CLOSED
        received = now - timedelta(days=pick.uniform(20, 365) if closed else pick.uniform(0, 30))
        due = received + timedelta(days=pick.choice((1, 3, 5, 7, 10, 15, 20)), hours=pick.uniform(0, 8))
        times = dict.fromkeys(
            ("received_at", "clock_start", "due_at", "legal_due_at", "paused_since", "finished_at"), None
        )
        times.update(returned_at=None, closed_at=None, due_soon=False, late=False, finished_on_time=None)
        times["submitted_at"] = received
        if status == 1:  # filed online, not received yet: no clock
            return times
        times.update(received_at=received, clock_start=received, due_at=due, legal_due_at=due)
        if status == 5:  # paused while the applicant supplements
            times.update(due_at=None, paused_since=received + (now - received) / 2)
        elif closed or status == 9:
            finished = received + (due - received) * pick.uniform(0.3, 1.15)
            times.update(finished_at=finished, finished_on_time=finished <= due)
            if closed:
                times.update(returned_at=finished + timedelta(days=pick.uniform(0, 3)))
                times["closed_at"] = times["returned_at"]
        else:
            times.update(late=due < now, due_soon=now <= due < now + timedelta(days=1))
        return times

    def _steps(self, row: dict, current_unit: int, receiving_unit: int) -> list[tuple]:
        order_now = row["current_step_order"]
        steps = []
        for order in range(1, STEPS_PER_DOSSIER + 1):
            if order_now is None:
                state = "done" if row["status"] in CLOSED or row["status"] == 9 else "pending"
            else:
                state = "done" if order < order_now else "active" if order == order_now else "pending"
            name_vi, name_en = STEP_NAMES[order - 1]
            assignee = self.random.choice(self.world.users) if state == "active" and order == 2 else None
            values = {
                "dossier_id": row["id"],
                "order": order,
                "name_vi": name_vi,
                "name_en": name_en,
                "unit_id": current_unit if state == "active" else receiving_unit,
                "role": ("counter", "specialist", "counter")[order - 1],
                "days": 1,
                "is_return": order == STEPS_PER_DOSSIER,
                "assignee_id": assignee,
                "state": state,
                "due_at": row["due_at"],
                "started_at": row["received_at"] if state != "pending" else None,
                "completed_at": row["finished_at"] if state == "done" else None,
                "late": False,
            }
            steps.append(tuple(values[c] for c in STEP_COLUMNS))
        return steps


# --- writing the rows ----------------------------------------------------------------------------------


def _insert_sql(table: str, columns: list[str], connection) -> str:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"


def write_batch(connection, dossiers: list[tuple], steps: list[tuple]) -> None:
    tables = (("dossiers_dossier", DOSSIER_COLUMNS, dossiers), ("dossiers_dossierstep", STEP_COLUMNS, steps))
    with connection.cursor() as cursor:
        for table, columns, rows in tables:
            if connection.vendor == "postgresql":
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                adapt = connection.ops.adapt_datetimefield_value
                adapted = [tuple(adapt(v) if isinstance(v, datetime) else v for v in row) for row in rows]
                cursor.executemany(_insert_sql(table, columns, connection), adapted)


def fill(rows: int, progress: Callable[[str], None]) -> float:
    """Write the fixture in batches (one transaction each); returns seconds. On PostgreSQL the
    secondary indexes are dropped meanwhile and built again afterwards (the usual bulk-load way)."""
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from motcua.dossiers.models import Dossier

    started = time.perf_counter()
    first_id = (Dossier.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    filler = Filler(World(), timezone.localtime(), first_id)
    indexes = drop_secondary_indexes(connection, TABLES)
    done = 0
    while done < rows:
        size = min(BATCH, rows - done)
        dossiers, steps = [], []
        for dossier, its_steps in filler.dossiers(size):
            dossiers.append(dossier)
            steps += its_steps
        with transaction.atomic():
            write_batch(connection, dossiers, steps)
        done += size
        if done % (BATCH * 10) == 0 or done == rows:
            progress(f"  {done:,} dossiers written ({time.perf_counter() - started:.0f} s)")
    rebuild_indexes(connection, indexes, TABLES)
    progress(f"  indexes built, statistics gathered ({time.perf_counter() - started:.0f} s)")
    return time.perf_counter() - started


# --- timing the queue ----------------------------------------------------------------------------------


def mixes(actor, unit_code: str, procedure_code: str) -> dict[str, dict]:
    """Filter mixes as a queue page asks them; page2 follows the default mix's first cursor."""
    from motcua.dossiers import selectors

    first = selectors.work_queue(actor, unit=unit_code)
    return {
        "open": {},
        "status_processing": {"status": 4},
        "due_late": {"due": "late"},
        "due_soon": {"due": "soon"},
        "procedure": {"procedure": procedure_code},
        "page2": {"cursor": first.next_cursor},
    }


def time_mix(actor, unit_code: str, filters: dict, calls: int, warmup: int) -> list[float]:
    from motcua.dossiers import selectors
    from motcua.dossiers.schemas import QueuePage

    def one() -> int:  # as GET /api/dossiers answers: the page, its clocks, the response schema
        page = selectors.clocked_page(selectors.work_queue(actor, unit=unit_code, **filters))
        return len(QueuePage.model_validate(page).model_dump()["items"])

    for _ in range(warmup):
        one()
    seconds = []
    for _ in range(calls):
        started = time.perf_counter()
        one()
        seconds.append(time.perf_counter() - started)
    return seconds


def queue_setup() -> tuple:
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from motcua.dossiers.models import Dossier
    from motcua.dossiers.permissions import Actor
    from motcua.network.models import Unit

    actor = Actor.staff(get_user_model().objects.get(username=MANAGER))
    center = Unit.objects.get(code=CENTER)
    busiest = (
        Dossier.objects.filter(current_unit=center, status__in=(2, 4, 6, 9))
        .values("procedure__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return actor, busiest["procedure__code"]


def unit_share() -> tuple[float, int]:
    from motcua.dossiers.models import OPEN_STATUSES, Dossier

    total = Dossier.objects.count()
    at_center = Dossier.objects.filter(current_unit__code=CENTER).count()
    open_at_center = Dossier.objects.filter(current_unit__code=CENTER, status__in=OPEN_STATUSES).count()
    return at_center / total if total else 0.0, open_at_center


def http_reference(env, home: Path, calls: int) -> list[float]:
    """The default mix through HTTP (gunicorn, one keep-alive connection), for reference."""
    token = motcua(env, "create-token", MANAGER).strip()
    server, base = start_server(env, 2, 2, home / "server.log")
    try:
        wait_ready(base, token, server)
        host, port = base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        path = "/api/dossiers?" + urlencode({"unit": CENTER})
        headers = {"Authorization": f"Bearer {token}"}
        seconds = []
        for index in range(calls + 10):
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            answer = connection.getresponse()
            items = json.loads(answer.read())["items"]
            if answer.status != 200 or not items:
                raise RuntimeError(f"HTTP queue answered {answer.status}")
            if index >= 10:
                seconds.append(time.perf_counter() - started)
        connection.close()
        return seconds
    finally:
        stop_server(server)


# --- the run -------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="100,000 dossiers, 200 calls per mix")
    parser.add_argument(
        "--sqlite", action="store_true", help="SQLite (embedded default) instead of PostgreSQL"
    )
    parser.add_argument(
        "--rows", type=int, help="dossiers in the database (default 1,000,000; quick 100,000)"
    )
    parser.add_argument("--calls", type=int, help="timed calls per mix (default 500; quick 200)")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP reference round")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    args.rows = args.rows or (100_000 if args.quick else 1_000_000)
    args.calls = args.calls or (200 if args.quick else 500)
    return args


def say(line: str) -> None:
    print(line, flush=True)


def run(args, env, home: Path) -> tuple[list[tuple[str, object]], list[str]]:
    load_before = load_average()
    motcua(env, "migrate", "-v", "0")
    motcua(env, "load-demo", "--no-history")
    setup_django(env)
    say(f"filling {args.rows:,} dossiers ({STEPS_PER_DOSSIER} steps each)...")
    fill_s = fill(args.rows, say)
    share, open_count = unit_share()
    say(f"fill: {fill_s:.0f} s; busiest unit {CENTER}: {share:.1%} of all dossiers, {open_count:,} open")
    actor, procedure_code = queue_setup()
    figures, worst = [], 0.0
    for name, filters in mixes(actor, CENTER, procedure_code).items():
        seconds = time_mix(actor, CENTER, filters, args.calls, warmup=max(20, args.calls // 10))
        p50, p99 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.99) * 1000
        say(f"  {name:<18} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   ({args.calls} calls)")
        figures += [(f"queue_{name}_p50_ms", f"{p50:.2f}"), (f"queue_{name}_p99_ms", f"{p99:.2f}")]
        worst = max(worst, p99)
    if not args.no_http:
        from django.db import connections

        connections.close_all()
        seconds = http_reference(env, home, max(100, args.calls // 5))
        p50, p99 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.99) * 1000
        say(f"  HTTP GET /api/dossiers?unit={CENTER}: p50 {p50:.2f} ms, p99 {p99:.2f} ms (gunicorn 2x2)")
        figures += [("queue_http_p50_ms", f"{p50:.2f}"), ("queue_http_p99_ms", f"{p99:.2f}")]
    figures += [("fill_s", f"{fill_s:.0f}"), ("queue_p99_ms", f"{worst:.2f}")]
    notes = [
        f"database: {'SQLite' if args.sqlite else 'PostgreSQL'}; {args.rows:,} dossiers, "
        f"{args.rows * STEPS_PER_DOSSIER:,} steps; "
        f"busiest unit {CENTER} holds {share:.1%} ({open_count:,} open)",
        f"selector + API item shaping, manager actor, limit 50, {args.calls} calls per mix; "
        f"target queue_p99_ms < 50: {'met' if worst < 50 else 'NOT met'}",
        f"load average before / after: {load_before} / {load_average()}",
    ]
    return figures, notes


def main() -> None:
    args = parse_args()
    with temporary_home() as home:
        if args.sqlite:
            figures, notes = run(args, motcua_env(None, home), home)
        else:
            with throwaway_database() as name:
                figures, notes = run(args, motcua_env(name, home), home)
                from django.db import connections

                connections.close_all()
    for note in notes:
        say(note)
    if not args.quick and not args.no_record:
        record(f"queues (bench/queues.py{' --sqlite' if args.sqlite else ''})", figures, notes)
    print_figures(figures)


if __name__ == "__main__":
    main()
