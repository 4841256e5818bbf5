"""Shared pieces of the database benchmarks: throw-away PostgreSQL databases, a temporary MOTCUA_HOME,
running the `motcua` command against them, percentiles, the machine's description and RESULTS.md.

Nothing here touches var/: every benchmark works in its own database and temporary home."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "RESULTS.md"
PG_HOST = os.environ.get("MOTCUA_BENCH_PGHOST", "127.0.0.1")
PG_PORT = os.environ.get("MOTCUA_BENCH_PGPORT", "5432")
PG_USER = os.environ.get("MOTCUA_BENCH_PGUSER", "postgres")


def pg_tool(name: str) -> str:
    """A PostgreSQL client program (psql, pgbench, createdb...) from PATH or the server's bin folder."""
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise SystemExit(f"{name} not found (install postgresql-client)")


def pg_args() -> list[str]:
    return ["-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER]


def database_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def psql(database: str, sql: str) -> str:
    """Run SQL with psql; returns the unaligned, tuples-only output."""
    command = [pg_tool("psql"), *pg_args(), "-d", database, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"]
    done = subprocess.run(command, input=sql, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"psql failed: {done.stderr.strip()}")
    return done.stdout.strip()


@contextlib.contextmanager
def throwaway_database(suffix: str = "") -> Iterator[str]:
    """Create motcua_bench_<pid>[_suffix] and drop it afterwards, whatever happens."""
    name = f"motcua_bench_{os.getpid()}{'_' + suffix if suffix else ''}"
    psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE); CREATE DATABASE {name};")
    try:
        yield name
    finally:
        psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE);")


def kept_marker(name: str) -> str | None:
    """The marker of a kept database ("key | fill_s"), or None when there is none (or no database)."""
    if psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        return None
    try:
        return psql(name, "SELECT key || ' | ' || fill_s FROM bench_fill_marker") or None
    except RuntimeError:
        return None


def migrations_from_elsewhere() -> set[tuple[str, str]]:
    """Migrations the database has applied that this tree does not have (filled by another tree)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    return set(loader.applied_migrations) - set(loader.disk_migrations)


def prepare_kept(
    name: str, key: str, env: dict[str, str], fill: Callable[[], float], refill: bool
) -> tuple[str, bool]:
    """A database kept between runs: reused while its marker equals key (and it has no migrations this
    tree lacks), else made again by fill() -> fill_s, which runs in this process set up on it. Returns
    (fill_s as text, filled now)."""
    marker = None if refill else kept_marker(name)
    reuse = marker is not None and marker.split(" | ")[0] == key
    if not reuse:
        psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE); CREATE DATABASE {name};")
    setup_django(env)
    if reuse and migrations_from_elsewhere():
        say(f"{name} was filled by a tree with other migrations: made again")
        from django.db import connections

        connections.close_all()
        psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE); CREATE DATABASE {name};")
        reuse = False
    if reuse:
        from django.core.management import call_command

        call_command("migrate_all", verbosity=0)  # migrations added since the fill, if any
        say(f"reusing {name} ({marker})")
        return marker.split(" | ")[1], False
    fill_s = fill()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_fill_marker (key text NOT NULL, fill_s text NOT NULL)")
        cursor.execute("INSERT INTO bench_fill_marker VALUES (%s, %s)", [key, f"{fill_s:.0f}"])
    return f"{fill_s:.0f}", True


@contextlib.contextmanager
def temporary_home() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="motcua_bench_") as folder:
        yield Path(folder)


def motcua_env(database: str | None, home: Path) -> dict[str, str]:
    """The environment for `motcua` subprocesses: the throw-away database and home, a fixed secret."""
    env = dict(os.environ)
    env["MOTCUA_HOME"] = str(home)
    env["MOTCUA_SECRET_KEY"] = "bench-only-secret-key-not-for-production"
    env.pop("DATABASE_URL", None)
    if database:
        env["DATABASE_URL"] = database_url(database)
    return env


def motcua(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "motcua"), *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"motcua {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def setup_django(env: dict[str, str]) -> None:
    """Point this process at the throw-away database and home, then set Django up."""
    for key in ("MOTCUA_HOME", "MOTCUA_SECRET_KEY", "DATABASE_URL"):
        if key in env:
            os.environ[key] = env[key]
        else:
            os.environ.pop(key, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import django

    django.setup()


def say(text: str) -> None:
    """Progress and notes go to stderr; the figures alone to stdout."""
    print(text, file=sys.stderr, flush=True)


def demo_schema() -> None:
    """The schema and the demo network and catalog (no history) in this process's database."""
    import io

    from django.core.management import call_command

    call_command("migrate_all", verbosity=0)
    call_command("load_demo", no_history=True, verbosity=0, stdout=io.StringIO())  # its tour: not figures


def run_on_throwaway_postgres(suffix: str, run: Callable, args, title: str) -> None:
    """The database benchmarks' frame: a temporary home and a throw-away PostgreSQL database for
    run(args) -> (figures, notes); then the notes, RESULTS.md unless --no-record, the figures last."""
    with temporary_home() as home, throwaway_database(suffix) as name:
        setup_django(motcua_env(name, home))
        figures, notes = run(args)
        from django.db import connections

        connections.close_all()
    finish_run(args, title, figures, notes)


def finish_run(args, title: str, figures: list[tuple[str, object]], notes: list[str]) -> None:
    """The notes, RESULTS.md unless --no-record, the figures last."""
    for note in notes:
        say(note)
    if not args.no_record:
        record(title, figures, notes)
    print_figures(figures)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


# --- the server (motcua serve) ------------------------------------------------------------------


def start_server(
    env: dict[str, str], workers: int, threads: int, log: Path, *extra: str
) -> tuple[subprocess.Popen, str]:
    """`motcua serve` on a free loopback port (extra: more of its options, e.g. --no-worker)."""
    port = free_port()
    command = [
        str(BIN / "motcua"),
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        *extra,
    ]
    with log.open("a") as out:
        server = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return server, f"http://127.0.0.1:{port}"


def wait_ready(base: str, token: str | None, server: subprocess.Popen, timeout: float = 60) -> None:
    """Until the server answers 200: the API with the token, or the health check without one."""
    if token is None:
        request = urllib.request.Request(f"{base}/healthz")
    else:
        request = urllib.request.Request(
            f"{base}/api/dossiers?limit=1", headers={"Authorization": f"Bearer {token}"}
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError("the server did not answer in time")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- the machine and RESULTS.md -------------------------------------------------------------------


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def memory_gib() -> float:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    return float("nan")


def machine() -> str:
    return f"{os.cpu_count()} cores, {memory_gib():.1f} GiB, {cpu_model()}"


def load_average() -> str:
    """The 1/5/15-minute load averages: other work on the machine skews every figure."""
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


def cpu_gauge_s() -> float:
    """Seconds one core takes for a fixed piece of pure Python (best of three): the machine's speed at
    the moment, so that runs on a drifting shared machine can be compared (the same code has been
    seen 20 % slower an hour later)."""

    def work() -> float:
        started = time.perf_counter()
        total = 0
        for number in range(3_000_000):
            total += number % 7
        return time.perf_counter() - started

    return round(min(work() for _ in range(3)), 3)


def commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def record(title: str, figures: list[tuple[str, object]], notes: list[str] | None = None) -> None:
    """Append a full run's figures to bench/RESULTS.md."""
    lines = [
        f"## {title}: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- machine: {machine()}",
        f"- commit: {commit()}",
        *[f"- {note}" for note in notes or []],
        "",
        "```",
        *[f"{name}: {value}" for name, value in figures],
        "```",
        "",
    ]
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by full runs of bench/*.py.\n\n")
    separator = "" if RESULTS.read_text().endswith("\n\n") else "\n"
    with RESULTS.open("a") as results:
        results.write(separator + "\n".join(lines) + "\n")


def print_figures(figures: list[tuple[str, object]]) -> None:
    for name, value in figures:
        print(f"{name}: {value}", flush=True)


# --- a Python load generator (when wrk is not available) ---------------------------------------------


@dataclass
class LoadOutcome:
    requests: int = 0
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    first_error: str = ""


def _post_loop(
    base: str, path: str, bodies: list[str], token: str, offset: int, until: float, sink: dict
) -> None:
    """One connection, keep-alive: POST bodies in turn until the deadline; latencies and answers to sink."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    index = offset
    while time.perf_counter() < until:
        body = bodies[index % len(bodies)].encode()
        index += 1
        started = time.perf_counter()
        try:
            connection.request("POST", path, body, headers)
            answer = connection.getresponse()
            text = answer.read()
            status = answer.status
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            status, text = 0, str(error).encode()
        sink["latencies"].append(time.perf_counter() - started)
        if status != 201:
            sink["errors"] += 1
            sink["first_error"] = sink["first_error"] or f"{status} {text[:300].decode(errors='replace')}"
    connection.close()


def run_python_load(base: str, path: str, bodies: list[str], token: str, concurrency: int, seconds: float):
    """POST at a fixed concurrency (one thread and connection each) for a fixed time."""
    sink: dict = {"latencies": [], "errors": 0, "first_error": ""}
    started = time.perf_counter()
    until = started + seconds
    workers = [
        threading.Thread(target=_post_loop, args=(base, path, bodies, token, i * 7919, until, sink))
        for i in range(concurrency)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    latencies = sink["latencies"]
    requests = len(latencies)
    return LoadOutcome(
        requests=requests,
        ok=requests - sink["errors"],
        errors=sink["errors"],
        seconds=time.perf_counter() - started,
        p50_ms=percentile(latencies, 0.5) * 1000 if latencies else 0.0,
        p99_ms=percentile(latencies, 0.99) * 1000 if latencies else 0.0,
        first_error=sink["first_error"],
    )


# --- a seeded history written in bulk (COPY), bypassing the services ---------------------------------

HISTORY_SEED = 766
HISTORY_UNTIL = date(2026, 11, 30)
HISTORY_DAYS = 730
HISTORY_BATCH = 20_000
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DOSSIER_COLUMNS = (
    "id", "code", "procedure_id", "procedure_version_id", "channel", "assisted", "status",
    "receiving_unit_id", "competent_unit_id", "current_unit_id", "subject_jurisdiction_id",
    "return_unit_id", "return_by_post", "return_address", "applicant_name", "applicant_search",
    "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address", "request_text",
    "tracking_secret", "submitted_at", "received_at", "clock_start", "due_at", "legal_due_at",
    "finished_at", "returned_at", "closed_at", "result_at_return_point", "due_soon", "late",
    "finished_on_time", "reason", "fee_total_vnd", "paid_online", "last_event_seq", "last_event_hash",
)  # fmt: skip
EVENT_COLUMNS = (
    "dossier_id", "seq", "at", "recorded_at", "actor_name", "role", "unit_id", "action", "from_status",
    "to_status", "changes", "payload", "prev_hash", "hash",
)  # fmt: skip


@dataclass(frozen=True)
class Applicant:
    name: str
    search: str  # dossiers.validation.searchable_name(name)
    id_number: str
    phone: str = ""


ONE_APPLICANT = Applicant("Nguyễn Văn A", " nguyen van a", "074000000000")


class HistoryWorld:
    """The demo network and catalog the seeded history draws from."""

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


def seeded_history(
    world: HistoryWorld, count: int, first_id: int, applicant: Callable[[int], Applicant] | None = None
):
    """(dossier row, event rows) per dossier over two years to HISTORY_UNTIL, seeded: receive, the
    watch's late mark, finish, return; 3 % refused, 2 % withdrawn, 7 % still open. applicant(dossier id)
    says whose dossier it is (default: one applicant for all, as the scoreboard needs no more)."""
    pick = random.Random(HISTORY_SEED)
    start = datetime.combine(HISTORY_UNTIL - timedelta(days=HISTORY_DAYS), datetime.min.time(), TZ)
    end = datetime.combine(HISTORY_UNTIL, datetime.max.time(), TZ)
    agency_weights = [1 / (rank + 1) ** 0.5 for rank in range(len(world.agencies))]
    service_weights = [1 / (rank + 1) ** 0.5 for rank in range(len(world.service))]
    procedure_weights = [1 / (rank + 1) for rank in range(len(world.procedures))]
    for number in range(count):
        dossier_id = first_id + number
        received = start + timedelta(days=pick.randrange(HISTORY_DAYS), hours=7 + pick.random() * 9.5)
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
            if fate < 0.05:  # withdrawn
                status, at = 7, received + timedelta(days=1)
                row["closed_at"] = at
                event("withdraw", 2, 7, at, {"closed_at": _iso(at)})
            else:
                finished = received + (due - received) * pick.uniform(0.3, 1.25)
                late_mark = {"late": True, "late_unit_id": competent}
                if finished > end or fate > 0.93:  # still open
                    status = 4
                    if due < end:
                        late = True
                        event("mark_late", 2, 2, due + timedelta(minutes=5), late_mark)
                else:
                    on_time = finished <= due
                    if not on_time:
                        late = True
                        event("mark_late", 2, 2, due + timedelta(minutes=5), late_mark)
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
        who = applicant(dossier_id) if applicant else ONE_APPLICANT
        row.update(
            id=dossier_id, code=f"B{dossier_id:09d}", procedure_id=procedure,
            procedure_version_id=world.versions[procedure], channel=channel, assisted=False, status=status,
            receiving_unit_id=receiving, competent_unit_id=competent,
            current_unit_id=competent if status in (4, 9) else receiving,
            subject_jurisdiction_id=pick.choice(world.communes), return_unit_id=receiving,
            return_by_post=False, return_address="", applicant_name=who.name, applicant_search=who.search,
            applicant_id_number=who.id_number, applicant_phone=who.phone, applicant_email="",
            applicant_address="", request_text="", tracking_secret="x", submitted_at=received,
            result_at_return_point=False, due_soon=False, late=late, reason="", fee_total_vnd=0,
            paid_online=False, last_event_seq=len(events), last_event_hash="x",
        )  # fmt: skip
        yield tuple(row[c] for c in DOSSIER_COLUMNS), events


SECONDARY_INDEXES = """
SELECT i.relname, pg_get_indexdef(i.oid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
"""


def drop_secondary_indexes(connection, tables: tuple[str, ...]) -> list[str]:
    """PostgreSQL, before a bulk load: drop the tables' indexes no constraint needs; returns their
    definitions for rebuild_indexes (the usual bulk-load way)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(SECONDARY_INDEXES, [list(tables)])
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _, definition in found]


def rebuild_indexes(connection, definitions: list[str], tables: tuple[str, ...]) -> None:
    """After a bulk load: the dropped indexes again, the id sequences past the rows, then ANALYZE."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for definition in definitions:
                cursor.execute(definition)
            for table in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        cursor.execute("ANALYZE")


def fill_history(rows: int, applicant: Callable[[int], Applicant] | None = None) -> tuple[float, int]:
    """PostgreSQL: seeded_history's dossiers and events written with COPY in batches, the secondary
    indexes built afterwards; returns (seconds, events written)."""
    from django.db import connection

    started = time.perf_counter()
    world = HistoryWorld()
    events_written = 0
    batch_dossiers: list[tuple] = []
    batch_events: list[tuple] = []
    tables = ("dossiers_dossier", "dossiers_dossierevent")

    def flush() -> None:
        with connection.cursor() as cursor:
            for table, columns, data in zip(
                tables, (DOSSIER_COLUMNS, EVENT_COLUMNS), (batch_dossiers, batch_events), strict=True
            ):
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in data:
                        copy.write_row(row)
        batch_dossiers.clear()
        batch_events.clear()

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    indexes = drop_secondary_indexes(connection, tables)
    for number, (dossier, events) in enumerate(seeded_history(world, rows, 1, applicant), start=1):
        batch_dossiers.append(dossier)
        batch_events += events
        events_written += len(events)
        if len(batch_dossiers) >= HISTORY_BATCH:
            flush()
            if number % (HISTORY_BATCH * 10) == 0:
                say(
                    f"  {number:,} dossiers, {events_written:,} events ({time.perf_counter() - started:.0f} s)"
                )
    if batch_dossiers:
        flush()
    rebuild_indexes(connection, indexes, tables)
    say(f"  indexes built, statistics gathered ({time.perf_counter() - started:.0f} s)")
    return time.perf_counter() - started, events_written
