"""Benchmark: the citizens' portal with 1,000,000 dossiers in PostgreSQL (`--quick`: 50,000), 50
citizens at once on their own pages and the catalog.

The database (`motcua_bench_portal_<rows>`, kept between runs and reused while its marker matches; `--refill`
makes it again, `--drop` removes it afterwards) holds the demo network and catalog and a seeded two-year
history written in bulk (bench/_common.py's COPY fill): dossiers spread over about one applicant per four
dossiers, 2 % of them filed by 50 businesses (hundreds each, so their list pages), and 5,000 of the
applicants known as citizens (4,950 persons, the 50 businesses) with their events (receive, late mark,
finish, return...).

The real application is served by `motcua serve` (gunicorn gthread, access log on, as deployed; its
background helpers off: the bench measures pages, and a fresh fill would set the statistics follower folding
millions of events). Each citizen's session is made as the log-in makes it (the citizen's id in a database
session, what `citizens.session.log_in` stores), without the identity provider's round trip; the pages are
the real ones. 50 clients (one thread and keep-alive connection each), each a citizen for one round:
`/my/` (their dossiers), one of their dossier pages, a catalog search (`/?q=...`), a procedure page.
A fixed number of rounds per client (first round a warm-up, not timed). An error is any answer other than
200, a page without what it must show, or a failed request. By default the clients click without a pause
(the strictest reading of "50 citizens at once"); `--think-ms` gives each a person's pause before each click.

Figures: per page p95, `requests_per_s`, `fill_s` (when filled by this run), then `portal_p50_ms`,
`portal_p95_ms` (target < 300), `portal_p99_ms`, `requests`, `errors` (target 0).

Usage: python bench/portal.py [--quick] [--rows N] [--clients N] [--rounds N] [--workers W] [--threads T]
       [--think-ms MS] [--refill] [--drop] [--no-record]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    HISTORY_SEED,
    Applicant,
    cpu_gauge_s,
    database_url,
    demo_schema,
    fill_history,
    load_average,
    motcua_env,
    percentile,
    prepare_kept,
    print_figures,
    psql,
    record,
    say,
    start_server,
    stop_server,
    temporary_home,
    wait_ready,
)

from motcua.catalog.search import fold  # noqa: E402 - pure, no Django

FILL_VERSION = 1  # bump when the fill below changes what is measured: a kept database is then made again
CITIZENS = 5_000
BUSINESSES = 50
BUSINESS_EVERY = 50  # one dossier in 50 is a business's
DOSSIERS_PER_PERSON = 4
PAGES = ("my_list", "my_dossier", "search", "procedure")
MASK64 = (1 << 64) - 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50,000 dossiers, fewer rounds")
    parser.add_argument("--rows", type=int, default=None, help="dossiers (default 1,000,000)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds per client (4 pages each)")
    parser.add_argument(
        "--think-ms",
        type=float,
        default=0,
        help="a citizen's mean pause between two clicks (seeded, 0.5 to 1.5 times it); 0: none, the strictest",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--refill", action="store_true", help="make the database again even if it is kept")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    args.rows = args.rows or (50_000 if args.quick else 1_000_000)
    args.rounds = args.rounds or (2 if args.quick else 20)
    return args


# --- who owns which dossier ----------------------------------------------------------------------------


def _mix(number: int) -> int:
    """splitmix64's finalizer: dossier ids to well-spread owners, without disturbing the fill's seed."""
    number = ((number ^ (number >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    number = ((number ^ (number >> 27)) * 0x94D049BB133111EB) & MASK64
    return number ^ (number >> 31)


def person(index: int) -> Applicant:
    from motcua.demo.history import FAMILY, GIVEN, MIDDLE  # the demo's names; Django is set up by now

    family, middle = index % len(FAMILY), index // len(FAMILY) % len(MIDDLE)
    name = f"{FAMILY[family]} {MIDDLE[middle]} {GIVEN[index // len(FAMILY) // len(MIDDLE) % len(GIVEN)]}"
    return Applicant(name, " " + fold(name), f"0791{index:08d}", f"09{index % 10**8:08d}")


def business(index: int) -> Applicant:
    name = f"Công ty TNHH Thương mại Bình Dương số {index + 1}"
    return Applicant(name, " " + fold(name), f"37{index:08d}", f"0274{index:06d}")


def owners(rows: int):
    persons = max(CITIZENS, rows // DOSSIERS_PER_PERSON)

    def applicant(dossier_id: int) -> Applicant:
        mixed = _mix(dossier_id)
        if mixed % BUSINESS_EVERY == 0:
            return business(mixed // BUSINESS_EVERY % BUSINESSES)
        return person((mixed >> 8) % persons)

    return applicant


def citizen_applicants() -> list[Applicant]:
    return [business(i) for i in range(BUSINESSES)] + [person(i) for i in range(CITIZENS - BUSINESSES)]


# --- the kept database ---------------------------------------------------------------------------------


def database_name(rows: int) -> str:
    return f"motcua_bench_portal_{rows}"


def marker_key(rows: int) -> str:
    return f"fill v{FILL_VERSION} rows={rows} citizens={CITIZENS} seed={HISTORY_SEED}"


def make_citizens() -> None:
    from django.utils import timezone

    from motcua.citizens.models import Citizen

    now = timezone.now()
    Citizen.objects.bulk_create(
        [
            Citizen(
                subject=f"bench-{a.id_number}",
                id_number=a.id_number,
                name=a.name,
                phone=a.phone,
                first_login_at=now,
                last_login_at=now,
            )  # fmt: skip
            for a in citizen_applicants()
        ],
        batch_size=1000,
    )


def fill(rows: int) -> float:
    started = time.perf_counter()
    demo_schema()
    say(f"schema, demo network and catalog: {time.perf_counter() - started:.0f} s")
    say(f"filling {rows:,} dossiers and their events (COPY)...")
    started = time.perf_counter()
    _, events = fill_history(rows, owners(rows))
    make_citizens()
    fill_s = time.perf_counter() - started
    say(f"fill: {fill_s:.0f} s, {rows:,} dossiers, {events:,} events")
    return fill_s


def prepare(args, env: dict[str, str]) -> tuple[str, bool]:
    """Reuse the kept database when its marker matches, else make it; returns (fill_s, filled now)."""
    return prepare_kept(
        database_name(args.rows), marker_key(args.rows), env, lambda: fill(args.rows), args.refill
    )


# --- the citizens' rounds ------------------------------------------------------------------------------


@dataclass
class Round:
    cookie: str
    dossier: str
    search: str
    procedure: str


def sessions(citizen_ids: list[int]) -> list[str]:
    """A database session per citizen, holding what citizens.session.log_in stores."""
    from django.contrib.sessions.backends.db import SessionStore

    from motcua.citizens.session import SESSION_KEY

    keys = []
    for citizen_id in citizen_ids:
        store = SessionStore()
        store[SESSION_KEY] = citizen_id
        store.create()
        keys.append(store.session_key)
    return keys


def plan_rounds(clients: int, rounds: int) -> tuple[list[list[Round]], dict]:
    """Each client's rounds (one citizen each, never twice in a run); the citizens' dossier counts."""
    from django.conf import settings
    from django.db.models import Count

    from motcua.catalog.models import Procedure
    from motcua.citizens.models import Citizen
    from motcua.dossiers.models import Dossier

    pick = random.Random(HISTORY_SEED)
    ids = dict(Citizen.objects.filter(subject__startswith="bench-").values_list("id_number", "id"))
    counts = dict(
        Dossier.objects.filter(applicant_id_number__in=list(ids))
        .values_list("applicant_id_number")
        .annotate(n=Count("id"))
        .values_list("applicant_id_number", "n")
    )
    owning = sorted(i for i in ids if counts.get(i))
    chosen = pick.sample(owning, min(len(owning), clients * rounds))
    codes: dict[str, list[str]] = {}
    for id_number, code in Dossier.objects.filter(applicant_id_number__in=chosen).values_list(
        "applicant_id_number", "code"
    ):
        codes.setdefault(id_number, []).append(code)
    procedures = list(Procedure.objects.order_by("code").values_list("code", "name_vi"))
    searches = [" ".join(fold(name).split()[1:3]) for _, name in pick.sample(procedures, 20)]
    keys = sessions([ids[i] for i in chosen])
    cookie_name = settings.SESSION_COOKIE_NAME
    plans: list[list[Round]] = [[] for _ in range(clients)]
    for number, (id_number, key) in enumerate(zip(chosen, keys, strict=True)):
        plans[number % clients].append(
            Round(
                cookie=f"{cookie_name}={key}",
                dossier=pick.choice(codes[id_number]),
                search=pick.choice(searches),
                procedure=pick.choice(procedures)[0],
            )
        )
    stats = {
        "citizens": len(ids),
        "owning": len(owning),
        "max_dossiers": max(counts.values(), default=0),
        "mean_dossiers": sum(counts.values()) / max(1, len(owning)),
        "searches": searches,
    }
    return plans, stats


@dataclass
class Sink:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {page: [] for page in PAGES})
    requests: int = 0
    errors: int = 0
    first_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, problem: str, timed: bool) -> None:
        with self.lock:
            self.requests += 1
            if timed:
                self.latencies[page].append(seconds)
            if problem:
                self.errors += 1
                if len(self.first_errors) < 5:
                    self.first_errors.append(f"{page}: {problem}")


def _requests(one: Round) -> list[tuple[str, str, bytes]]:
    """(page, path, what the answer must hold) of one round."""
    from urllib.parse import quote

    return [
        ("my_list", "/my/", b'id="my-dossiers"'),
        ("my_dossier", f"/my/dossiers/{quote(one.dossier)}/", f'id="dossier-code">{one.dossier}<'.encode()),
        ("search", f"/?q={quote(one.search)}", b'id="procedures"'),
        ("procedure", f"/procedures/{quote(one.procedure)}/", one.procedure.encode()),
    ]


# the server closed a kept-alive connection while the person paused (gunicorn's keepalive is 2 s)
CLOSED_WHILE_IDLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def _get(connection, host: str, port: int, path: str, headers: dict) -> tuple:
    """One GET: (the connection to go on with, status, body); status 0 for a failure. A connection the
    server closed while idle is opened again once, as a browser does for a GET."""
    for retry in (False, True):
        try:
            connection.request("GET", path, headers=headers)
            answer = connection.getresponse()
            return connection, answer.status, answer.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=60)
            if retry or not isinstance(error, CLOSED_WHILE_IDLE):
                return connection, 0, str(error).encode()
    raise AssertionError("unreachable")


def client_loop(
    base: str, plan: list[Round], sink: Sink, start: threading.Barrier, think_s: float = 0, seed: int = 0
) -> None:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    pauses = random.Random(seed)
    start.wait()
    for number, one in enumerate(plan):
        for page, path, must in _requests(one):
            if think_s:  # a person reads the page before the next click
                time.sleep(think_s * pauses.uniform(0.5, 1.5))
            headers = {"Cookie": one.cookie, "Accept-Language": "vi"}
            started = time.perf_counter()
            connection, status, body = _get(connection, host, int(port), path, headers)
            seconds = time.perf_counter() - started
            problem = ""
            if status != 200:
                problem = f"{path} -> {status} {body[:200].decode(errors='replace')}"
            elif must not in body:
                problem = f"{path} -> 200 without {must.decode(errors='replace')}"
            sink.add(page, seconds, problem, timed=number > 0)  # the first round warms up
    connection.close()


def load(base: str, plans: list[list[Round]], think_s: float = 0) -> tuple[Sink, float]:
    sink = Sink()
    start = threading.Barrier(len(plans) + 1)
    threads = [
        threading.Thread(target=client_loop, args=(base, plan, sink, start, think_s, seed))
        for seed, plan in enumerate(plans)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return sink, time.perf_counter() - started


# --- where the CPU went -------------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> tuple[int, float] | None:
    """(process group, user + system CPU seconds) of a process, None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter(threading.Thread):
    """CPU seconds spent during the load by the server's processes (its process group) and by
    PostgreSQL's backends serving the bench database, sampled twice a second (a process ending between
    two samples loses at most half a second's work); other developers' work on the machine is not in it."""

    def __init__(self, server_pid: int, database: str) -> None:
        super().__init__(daemon=True)
        self.server_pid, self.database = server_pid, database
        self.first: dict[int, float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.stopped = threading.Event()
        self.started_once = threading.Event()

    def sample(self, connection) -> None:
        backends = {row[0] for row in connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.database]
        )}  # fmt: skip
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            found = _cpu_seconds(pid)
            if found is None:
                continue
            group, seconds = found
            kind = "app" if group == self.server_pid else "db" if pid in backends else ""
            if not kind:
                continue
            if not self.started_once.is_set():
                self.first[pid] = seconds
            self.last[(kind, pid)] = seconds

    def run(self) -> None:
        import psycopg

        with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
            self.sample(connection)
            self.started_once.set()
            while not self.stopped.wait(0.5):
                self.sample(connection)
            self.sample(connection)

    def seconds(self) -> dict[str, float]:
        totals = {"app": 0.0, "db": 0.0}
        for (kind, pid), seconds in self.last.items():
            totals[kind] += seconds - self.first.get(pid, 0.0)
        return totals


# --- the run -------------------------------------------------------------------------------------------


def timed_pages(sink: Sink) -> tuple[list[float], list[tuple[str, object]]]:
    every = [s for page in PAGES for s in sink.latencies[page]]
    if not every:
        raise SystemExit(f"no timed request: {sink.first_errors}")
    figures: list[tuple[str, object]] = []
    for page in PAGES:
        values = sink.latencies[page]
        say(f"  {page:<11} p50 {percentile(values, 0.5) * 1000:7.1f} ms  p95 "
            f"{percentile(values, 0.95) * 1000:7.1f} ms  p99 {percentile(values, 0.99) * 1000:7.1f} ms")  # fmt: skip
        figures.append((f"portal_{page}_p95_ms", f"{percentile(values, 0.95) * 1000:.1f}"))
    return every, figures


def pause_text(think_ms: float) -> str:
    if not think_ms:
        return "no pause between requests"
    return f"a pause of {think_ms:,.0f} ms on average (0.5 to 1.5 times, seeded) before each click"


def run(args, env: dict[str, str], home: Path) -> tuple[list[tuple[str, object]], list[str]]:
    load_before = load_average()
    gauge = cpu_gauge_s()
    fill_s, filled = prepare(args, env)
    plans, stats = plan_rounds(args.clients + 1, args.rounds + 1)
    alone_plan = plans.pop()
    say(
        f"{stats['citizens']:,} citizens, {stats['owning']:,} with dossiers (mean {stats['mean_dossiers']:.1f}, "
        f"most {stats['max_dossiers']:,}); searches: {', '.join(stats['searches'][:6])}..."
    )
    from django.db import connections

    connections.close_all()
    server, base = start_server(env, args.workers, args.threads, home / "server.log", "--no-worker")
    try:
        wait_ready(base, None, server)
        say(f"one citizen at a time, {args.rounds + 1} rounds (the service time without queueing)...")
        alone, _ = load(base, [alone_plan])
        say(f"{args.clients} clients x {args.rounds + 1} rounds x {len(PAGES)} pages on {base} "
            f"(gunicorn {args.workers}x{args.threads})...")  # fmt: skip
        meter = CpuMeter(server.pid, database_name(args.rows))
        meter.start()
        meter.started_once.wait(10)
        client_cpu = time.process_time()
        sink, seconds = load(base, plans, args.think_ms / 1000)
        client_cpu = time.process_time() - client_cpu
        meter.stopped.set()
        meter.join()
    finally:
        stop_server(server)
    for problem in alone.first_errors + sink.first_errors:
        say(f"  error: {problem}")
    alone_every = [s for page in PAGES for s in alone.latencies[page]]
    say("alone:")
    timed_pages(alone)
    say(f"{args.clients} at once:")
    every, figures = timed_pages(sink)
    cpu = {kind: seconds * 1000 / sink.requests for kind, seconds in meter.seconds().items()}
    cpu["client"] = client_cpu * 1000 / sink.requests
    p95 = percentile(every, 0.95) * 1000
    figures += [
        ("portal_alone_p50_ms", f"{percentile(alone_every, 0.5) * 1000:.1f}"),
        ("cpu_ms_per_request_app", f"{cpu['app']:.1f}"),
        ("cpu_ms_per_request_db", f"{cpu['db']:.1f}"),
        ("cpu_ms_per_request_client", f"{cpu['client']:.1f}"),
        ("requests_per_s", f"{sink.requests / seconds:.1f}"),
        ("fill_s", fill_s),
        ("portal_p50_ms", f"{percentile(every, 0.5) * 1000:.1f}"),
        ("portal_p95_ms", f"{p95:.1f}"),
        ("portal_p99_ms", f"{percentile(every, 0.99) * 1000:.1f}"),
        ("requests", sink.requests),
        ("errors", sink.errors + alone.errors),
    ]
    per_request = cpu["app"] + cpu["db"] + cpu["client"]
    notes = [
        f"PostgreSQL, {args.rows:,} dossiers ({database_name(args.rows)}, "
        f"{'filled by this run' if filled else 'kept from an earlier fill'}, fill_s {fill_s}); "
        f"{stats['citizens']:,} citizens, {stats['owning']:,} owning dossiers (mean {stats['mean_dossiers']:.1f}, "
        f"most {stats['max_dossiers']:,})",
        f"motcua serve --workers {args.workers} --threads {args.threads} --no-worker; {args.clients} clients "
        f"(thread + keep-alive connection each, {pause_text(args.think_ms)}), {args.rounds} timed rounds each "
        f"after one warm-up round, pages /my/, /my/dossiers/<code>/, /?q=<words>, /procedures/<code>/; "
        f"before them one client alone for as many rounds (portal_alone_p50_ms); "
        f"target portal_p95_ms < 300: {'met' if p95 < 300 else 'NOT met'}",
        f"CPU per request during the load: app {cpu['app']:.1f} ms, PostgreSQL {cpu['db']:.1f} ms, load generator "
        f"{cpu['client']:.1f} ms, {per_request:.1f} ms in all"
        + (
            ""
            if args.think_ms
            else ": without pauses the clients queue for the cores, p50 about clients / requests_per_s"
        ),
        f"the load generator runs on the same cores; load average "
        f"before {load_before}, after {load_average()}; cpu gauge {gauge} s",
    ]
    return figures, notes


def main() -> None:
    args = parse_args()
    with temporary_home() as home:
        env = motcua_env(database_name(args.rows), home)
        try:
            figures, notes = run(args, env, home)
        finally:
            from django.conf import settings

            if settings.configured:
                from django.db import connections

                connections.close_all()
            if args.drop:
                psql("postgres", f"DROP DATABASE IF EXISTS {database_name(args.rows)} WITH (FORCE);")
    for note in notes:
        say(note)
    if not args.quick and not args.no_record:
        record("portal (bench/portal.py)", figures, notes)
    print_figures(figures)


if __name__ == "__main__":
    main()
