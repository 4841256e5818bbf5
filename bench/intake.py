"""Benchmark: dossier intake through the HTTP API on PostgreSQL, beside pgbench in the same run.

A throw-away database gets the schema and the demo network and catalog (no history); a counter officer
of the province center gets a bearer token; `motcua serve` (gunicorn) runs as a subprocess on a free
loopback port; a load generator posts intake bodies (a mix of real procedures, every required paper
given, so each is received) at a fixed concurrency for a fixed time after a warm-up. The generator is
wrk with a Lua script (installed with apt-get when missing and possible), else a Python thread pool
with keep-alive http.client connections (costs more CPU; reported). pgbench (TPC-B-like, scale 10,
same concurrency and duration) runs on another throw-away database while the server is stopped.
Afterwards the codes are checked: for each (receiving unit, day) the sequence numbers are exactly 1..n;
then pgbench replays the API's own intake write (captured, values as literals): the database alone.

Usage: python bench/intake.py [--quick] [--no-record] [--concurrency N] [--duration S]
                              [--configs 4x4,2x8] [--units N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    LoadOutcome,
    load_average,
    motcua,
    motcua_env,
    pg_args,
    pg_tool,
    print_figures,
    psql,
    record,
    run_python_load,
    setup_django,
    start_server,
    stop_server,
    temporary_home,
    throwaway_database,
    wait_ready,
)

CENTER = "000.00.50.H57"
COUNTER_OFFICER = "motcua.trungtam"
BENCH_OFFICER = "bench.counter"
# Procedures of the demo catalog receivable at the center for any commune (boundary-free), with
# their demand weights from the demo history: certified copies and civil status dominate.
PROCEDURES = {"2.000815": 4, "1.001193": 2, "1.004222": 1, "2.000488": 1, "1.001612": 1, "2.000635": 1}
SUBJECTS = ("25741", "25744", "25747", "25966", "25750")
# Targets (issue 12): headroom over demand (a province's peak is a few intakes a second, the country's
# about 30) with code people can maintain, measured beside pgbench on the same machine.
TARGET_RATIO = 0.05  # intake_per_s / pgbench_tps
TARGET_P99_MS = 250
TARGET_WRITE_RATIO = 0.4  # intake_per_s / PostgreSQL replaying the same statements


@dataclass
class LoadResult:
    config: str
    requests: int
    ok: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    first_error: str = ""
    floor_per_s: float = float("nan")  # the same server answering a request that does nothing

    @property
    def per_s(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


# --- set-up ---------------------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    """wrk's path; installs Debian's wrk with apt-get when missing and we may (root or sudo)."""
    found = shutil.which("wrk")
    if found or not shutil.which("apt-get"):
        return found
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None:
        return None
    print("installing wrk (apt-get)...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        subprocess.run([*prefix, *command], env=env, capture_output=True, check=False)
    return shutil.which("wrk")


def prepare(env: dict[str, str], units: int) -> tuple[str, list[str]]:
    """Schema, demo network and catalog, a token for a counter officer; the receiving units' codes."""
    motcua(env, "migrate", "-v", "0")
    motcua(env, "load-demo", "--no-history")
    codes = [CENTER]
    if units > 1:  # one officer with a counter role at the center and the first units-1 branches
        codes += psql(
            database_name(env),
            "SELECT code FROM network_unit WHERE kind IN ('branch', 'reception_point') AND active "
            f"ORDER BY kind, code LIMIT {units - 1};",
        ).split()
        motcua(env, "shell", "-c", _officer_script(codes))
        return motcua(env, "create-token", BENCH_OFFICER).strip(), codes
    return motcua(env, "create-token", COUNTER_OFFICER).strip(), codes


def database_name(env: dict[str, str]) -> str:
    return env["DATABASE_URL"].rsplit("/", 1)[1]


def _officer_script(codes: list[str]) -> str:
    return (
        "from django.contrib.auth.models import User\n"
        "from motcua.network.models import Role, RoleAssignment, Unit\n"
        f"user, _ = User.objects.get_or_create(username={BENCH_OFFICER!r})\n"
        f"for unit in Unit.objects.filter(code__in={codes!r}):\n"
        "    RoleAssignment.objects.get_or_create(user=user, unit=unit, role=Role.COUNTER)\n"
    )


def intake_bodies(env: dict[str, str], units: list[str], count: int = 240) -> list[str]:
    """JSON intake bodies: procedures in proportion to their weights, every required paper given."""
    required = _required_components(env)
    weighted = [code for code, weight in PROCEDURES.items() for _ in range(weight)]
    bodies = []
    for index in range(count):
        procedure = weighted[index % len(weighted)]
        body = {
            "unit": units[index % len(units)],
            "procedure": procedure,
            "subject_jurisdiction": SUBJECTS[index % len(SUBJECTS)],
            "applicant": {
                "name": f"Nguyễn Văn Thử {index}",
                "id_number": f"0741{index:08d}",
                "phone": "0912345678",
                "address": "Phú Cường, Thủ Dầu Một",
            },
            "papers": [{"component": c, "form": form} for c, form in required[procedure]],
            "return_unit": units[index % len(units)],
        }
        bodies.append(json.dumps(body, ensure_ascii=False))
    return bodies


def _required_components(env: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """(component, form) of each procedure's version in force today, required ones only."""
    codes = ",".join(f"'{c}'" for c in PROCEDURES)
    rows = psql(
        database_name(env),
        f"""
        SELECT p.code, c.code, c.form
        FROM catalog_procedure p
        JOIN catalog_component c ON c.version_id = (
          SELECT v.id FROM catalog_procedureversion v
          WHERE v.procedure_id = p.id AND v.effective_from <= current_date
          ORDER BY v.effective_from DESC, v.version DESC LIMIT 1)
        WHERE p.code IN ({codes}) AND c.required
        ORDER BY p.code, c.code;
        """,
    )
    required: dict[str, list[tuple[str, str]]] = {code: [] for code in PROCEDURES}
    for line in rows.splitlines():
        procedure, component, form = line.split("|")
        required[procedure].append((component, form))
    return required


# --- the load -------------------------------------------------------------------------------------

LUA = """
local bodies = {%(bodies)s}
local counter = 0
errors = 0
first_error = ""
local threads = {}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"

function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

function init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format(nil, "/api/dossiers", nil, bodies[(counter %% #bodies) + 1])
end

function response(status, headers, body)
  if status ~= 201 then
    errors = errors + 1
    if first_error == "" then first_error = status .. " " .. string.sub(body, 1, 300) end
  end
end

function done(summary, latency, requests)
  local bad, sample = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("errors")
    if sample == "" then sample = thread:get("first_error") end
  end
  local e = summary.errors
  local line = "bench requests=%%d seconds=%%.3f bad_status=%%d socket_errors=%%d p50_us=%%d p99_us=%%d\\n"
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(line, summary.requests, summary.duration / 1e6, bad, socket_errors,
    latency:percentile(50), latency:percentile(99)))
  io.write("bench first_error=" .. string.gsub(sample, "\\n", " ") .. "\\n")
end
"""


def lua_script(folder: Path, bodies: list[str], token: str) -> Path:
    quoted = ",\n".join(f"[==[{body}]==]" for body in bodies)
    path = folder / "intake.lua"
    path.write_text(LUA % {"bodies": quoted, "token": token})
    return path


def run_wrk(wrk: str, script: Path, base: str, concurrency: int, seconds: int, config: str) -> LoadResult:
    command = [
        wrk,
        "-t",
        "2",
        "-c",
        str(concurrency),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    done = subprocess.run([*command, base], capture_output=True, text=True, check=False, timeout=seconds + 60)
    found = re.search(r"^bench (.*)$", done.stdout, re.MULTILINE)
    if not found:
        raise RuntimeError(f"wrk gave no figures:\n{done.stdout}\n{done.stderr}")
    figures = dict(part.split("=", 1) for part in found.group(1).split())
    sample = re.search(r"^bench first_error=(.*)$", done.stdout, re.MULTILINE)
    requests, bad = int(figures["requests"]), int(figures["bad_status"])
    errors = bad + int(figures["socket_errors"])
    return LoadResult(
        config,
        requests,
        requests - bad,
        errors,
        float(figures["seconds"]),
        int(figures["p50_us"]) / 1000,
        int(figures["p99_us"]) / 1000,
        sample.group(1).strip() if sample else "",
    )


def drive(
    wrk: str | None, script: Path, bodies: list[str], token: str, base: str, args, seconds: int, config: str
) -> LoadResult:
    if wrk:
        return run_wrk(wrk, script, base, args.concurrency, seconds, config)
    outcome: LoadOutcome = run_python_load(base, "/api/dossiers", bodies, token, args.concurrency, seconds)
    return LoadResult(
        config,
        outcome.requests,
        outcome.ok,
        outcome.errors,
        outcome.seconds,
        outcome.p50_ms,
        outcome.p99_ms,
        outcome.first_error,
    )


def measure_config(
    env, home: Path, wrk, script, bodies, token, args, workers: int, threads: int
) -> LoadResult:
    config = f"{workers}x{threads}"
    server, base = start_server(env, workers, threads, home / f"server-{config}.log")
    try:
        wait_ready(base, token, server)
        # The floor first, on an idle database (after the intake load PostgreSQL's autovacuum runs).
        floor = run_floor(wrk, base, args.concurrency, max(3, args.duration // 2)) if wrk else float("nan")
        drive(wrk, script, bodies, token, base, args, args.warmup, config)
        result = drive(wrk, script, bodies, token, base, args, args.duration, config)
        result.floor_per_s = floor
    finally:
        stop_server(server)
    print(
        f"  serve --workers {workers} --threads {threads}: {result.per_s:.1f} intakes/s, "
        f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, errors {result.errors}; "
        f"floor {result.floor_per_s:.0f} requests/s"
        + (f" (first: {result.first_error})" if result.first_error else ""),
        flush=True,
    )
    return result


FLOOR_PATH = "/api/benchmark-floor-not-a-route"


def run_floor(wrk: str, base: str, concurrency: int, seconds: int) -> float:
    """Requests per second of the same server answering a request that does nothing: an unknown API
    path (404 through the middleware and the URL resolver; no authentication, no database). No intake
    can be faster than this on the same machine: it is the ceiling of the HTTP stack."""
    command = [wrk, "-t", "2", "-c", str(concurrency), "-d", f"{seconds}s", base + FLOOR_PATH]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 60)
    found = re.search(r"^Requests/sec:\s+([\d.]+)", done.stdout, re.MULTILINE)
    return float(found.group(1)) if found else float("nan")


# --- pgbench and the codes ------------------------------------------------------------------------


def run_pgbench(concurrency: int, seconds: int) -> float:
    with throwaway_database("pgbench") as name:
        init = [pg_tool("pgbench"), *pg_args(), "-i", "-q", "-s", "10", name]
        subprocess.run(init, capture_output=True, text=True, check=True)
        command = [
            pg_tool("pgbench"),
            *pg_args(),
            "-c",
            str(concurrency),
            "-j",
            "2",
            "-T",
            str(seconds),
            name,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 120)
    return _tps(done.stdout)


# --- the same write without the application ---------------------------------------------------------


def intake_write_scripts(
    env: dict[str, str], bodies: list[str], token: str, units, folder: Path
) -> list[Path]:
    """One pgbench script per receiving unit: the statements of that unit's intake write as the API makes
    them (the day's number, the dossier, its papers, steps, follow-up rows and first event, through the
    ORM), in one transaction, values as literals. Captured from one intake per unit made in this process
    through the API's own view. Each replay takes the day's next number (pgbench's \\gset keeps it and the
    new dossier's id for the statements after), so the replays are valid dossiers with gap-free codes."""
    setup_django(env)
    import psycopg
    from django.db import connection
    from django.test import Client

    warnings.filterwarnings("ignore", message="No directory at")  # static files: not collected here
    captured: list[tuple[str, list, object]] = []

    def capture(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith(('INSERT INTO "dossiers_', 'UPDATE "dossiers_dossier" SET "code"')):
            returned = context["cursor"].fetchone() if " RETURNING " in sql else None
            captured.append((sql, list(params or ()), returned))
            if returned is not None:  # give the row back to the caller, as if unread
                context["cursor"].scroll(-1)
        return result

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    scripts = []
    for index, _unit in enumerate(units):
        captured.clear()
        with connection.execute_wrapper(capture):
            response = client.post("/api/dossiers", bodies[index], content_type="application/json")
        if response.status_code != 201 or not captured:
            raise RuntimeError(f"no intake write to capture: {response.status_code}")
        mogrify = psycopg.ClientCursor(connection.connection).mogrify
        path = folder / f"intake-write-{index}.sql"
        path.write_text(replay_script(captured, mogrify))
        scripts.append(path)
    connection.close()
    return scripts


NUMBER, DOSSIER_ID = "\x01number\x01", "\x01dossier\x01"  # stand-ins, replaced by pgbench variables
PROVISIONAL = "\x01provisional\x01"


def replay_script(captured: list[tuple[str, list, object]], mogrify) -> str:
    """The captured statements as a pgbench transaction: the new dossier's id and the day's number are
    kept with \\gset and used where the captured ones stood (dossier_id, code, log-book number); the
    dossier's provisional code is drawn anew at each replay."""
    lines = ["BEGIN;"]
    for sql, params, returned in captured:
        table = re.split(r"[ (]", sql.removeprefix("INSERT INTO ").removeprefix("UPDATE "), maxsplit=1)[0]
        values = [
            _stand_in(column, value) for column, value in zip(_columns(sql, len(params)), params, strict=True)
        ]
        text = _with_variables(mogrify(sql, values))
        if "dossiers_codecounter" in sql:
            lines.append(text + r" \gset")
        elif returned is not None and table == '"dossiers_dossier"':
            lines.append(re.sub(r"RETURNING .*$", 'RETURNING "id" AS dossier_id', text) + r" \gset")
        else:
            lines.append(text + ";")
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def _columns(sql: str, count: int) -> list[str]:
    """The column each parameter is for: an INSERT's column list (repeated per row), or an UPDATE's
    `"column" = %s` pairs and its WHERE."""
    if sql.startswith("UPDATE "):
        return re.findall(r'"(\w+)" = %s', sql)
    columns = re.findall(r'"(\w+)"', sql.split(" VALUES ")[0].split(" SELECT ")[0])[1:]
    return [columns[i % len(columns)] for i in range(count)] if columns else [""] * count


def _stand_in(column: str, value):
    if column in ("dossier_id", "id"):  # one value, or an array of them (bulk inserts as UNNEST)
        return f"{DOSSIER_ID}{len(value)}" if isinstance(value, list) else DOSSIER_ID
    if column == "log_book_number" and value is not None:
        return NUMBER
    if column == "code" and isinstance(value, str):
        return PROVISIONAL if value.startswith("~") else f"{value[:-4]}{NUMBER}"
    return value


def _with_variables(text: str) -> str:
    text = text.replace(f"'{DOSSIER_ID}'", ":dossier_id").replace(f"'{NUMBER}'", ":last")
    text = re.sub(
        re.escape(f"'{DOSSIER_ID}") + r"(\d+)'", r"array_fill(:dossier_id::bigint, ARRAY[\1])", text
    )
    text = text.replace(f"'{PROVISIONAL}'", "'~' || md5(random()::text)")
    return re.sub(
        r"'([^']*)" + re.escape(NUMBER) + "'",
        r"'\1' || lpad(:last::text, greatest(4, length(:last::text)), '0')",
        text,
    )


def run_intake_writes(database: str, scripts: list[Path], concurrency: int, seconds: int) -> float:
    """Transactions per second of pgbench replaying the captured writes, the units in equal shares.
    Simple protocol: each replay is parsed and planned, as the API's own statements are (Django binds
    values on the client; pgbench's prepared mode would read the JSON's ':false' and ':null' as its
    own variables)."""
    command = [pg_tool("pgbench"), *pg_args(), "-n", *[f"--file={s}@1" for s in scripts]]
    command += ["-c", str(concurrency), "-j", "2", "-T", str(seconds), database]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0:
        script = scripts[0].read_text()[:3000] if scripts else ""
        raise RuntimeError(f"pgbench replay failed:\n{done.stderr[-2000:]}\nscript:\n{script}")
    return _tps(done.stdout)


def _tps(output: str) -> float:
    found = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output) or re.search(
        r"tps = ([\d.]+)", output
    )
    if not found:
        raise RuntimeError(f"pgbench gave no tps:\n{output}")
    return float(found.group(1))


CODES_SQL = r"""
WITH parts AS (
  SELECT d.receiving_unit_id AS unit, regexp_replace(d.code, '-\d+$', '') AS prefix,
         substring(d.code from '-(\d+)$')::int AS seq, d.log_book_number AS book, d.code
  FROM dossiers_dossier d
), groups AS (
  SELECT prefix, count(*) AS n, count(DISTINCT seq) AS distinct_seq, min(seq) AS lo, max(seq) AS hi,
         bool_and(seq = book) AS book_matches, count(DISTINCT unit) AS units
  FROM parts GROUP BY prefix
)
SELECT (SELECT count(*) FROM dossiers_dossier),
       (SELECT count(DISTINCT code) FROM dossiers_dossier),
       count(*),
       count(*) FILTER (WHERE n = distinct_seq AND lo = 1 AND hi = n AND book_matches AND units = 1),
       (SELECT count(*) FROM dossiers_codecounter c JOIN groups g
          ON g.prefix = c.agency_code || '-' || to_char(c.day, 'YYMMDD') WHERE c.last = g.hi)
FROM groups;
"""


def check_codes(env: dict[str, str]) -> tuple[bool, int, str]:
    """Unique codes, and per (unit, day) sequences exactly 1..n matching the log book and the counter."""
    total, distinct, groups, good, counters = map(int, psql(database_name(env), CODES_SQL).split("|"))
    ok = total > 0 and total == distinct and groups == good == counters
    detail = f"{total} dossiers, {distinct} distinct codes, {good}/{groups} (unit, day) sequences 1..n"
    return ok, total, detail


# --- the run --------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short run: one server configuration, 8 s")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument("--concurrency", type=int, default=16, help="connections (wrk and pgbench)")
    parser.add_argument("--duration", type=int, help="seconds measured (default 20, quick 8)")
    parser.add_argument(
        "--warmup", type=int, help="seconds of warm-up per configuration (default 4, quick 3)"
    )
    parser.add_argument("--configs", help="server configurations WORKERSxTHREADS, comma-separated")
    parser.add_argument("--units", type=int, default=1, help="receiving units (1: the center only)")
    parser.add_argument("--python-load", action="store_true", help="use the Python generator, not wrk")
    args = parser.parse_args()
    args.duration = args.duration or (8 if args.quick else 20)
    args.warmup = args.warmup or (3 if args.quick else 4)
    args.configs = args.configs or ("4x2" if args.quick else "4x2,4x4,8x2")
    return args


def main() -> int:
    args = parse_args()
    args.load_before = load_average()
    wrk = None if args.python_load else ensure_wrk()
    generator = "wrk 2 threads + Lua" if wrk else "Python threads (http.client keep-alive)"
    print(f"load generator: {generator}; concurrency {args.concurrency}; {args.duration} s", flush=True)
    configs = [tuple(int(x) for x in c.split("x")) for c in args.configs.split(",")]
    with temporary_home() as home, throwaway_database() as name:
        env = motcua_env(name, home)
        token, units = prepare(env, args.units)
        bodies = intake_bodies(env, units)
        script = lua_script(home, bodies, token)
        results = [measure_config(env, home, wrk, script, bodies, token, args, w, t) for w, t in configs]
        codes_ok, dossiers, detail = check_codes(env)
        print(f"codes: {detail}", flush=True)
        scripts = intake_write_scripts(env, bodies, token, units, home)
        writes_tps = run_intake_writes(name, scripts, args.concurrency, args.duration)
        print(f"the API's intake write replayed by pgbench: {writes_tps:.1f} tps", flush=True)
    pgbench_tps = run_pgbench(args.concurrency, args.duration)
    print(
        f"pgbench -c {args.concurrency} -j 2 -T {args.duration} (scale 10): {pgbench_tps:.1f} tps", flush=True
    )
    figures = report(args, generator, results, pgbench_tps, codes_ok, units, writes_tps)
    return exit_status(figures)


def exit_status(figures: list[tuple[str, object]]) -> int:
    """Non-zero when the run broke a rule the figures must not hide: codes that are not gap-free (or
    not checked) fail the run, whatever the speed."""
    gap_free = dict(figures).get("codes_gap_free")
    if gap_free != "yes":
        print(f"intake benchmark: codes_gap_free is {gap_free!r}, not 'yes'", file=sys.stderr, flush=True)
        return 1
    return 0


def report(
    args, generator: str, results: list[LoadResult], pgbench_tps: float, codes_ok: bool, units, writes_tps
) -> list[tuple[str, object]]:
    best = max(results, key=lambda r: (r.errors == 0, r.per_s))
    ratio = best.per_s / pgbench_tps if pgbench_tps else 0.0
    errors = sum(r.errors for r in results)
    floor_ratio = best.floor_per_s / pgbench_tps if pgbench_tps else float("nan")
    figures = [
        ("intake_per_s", f"{best.per_s:.1f}"),
        ("pgbench_tps", f"{pgbench_tps:.1f}"),
        ("intake_ratio", f"{ratio:.3f}"),
        ("floor_per_s", f"{best.floor_per_s:.0f}"),
        ("floor_ratio", f"{floor_ratio:.3f}"),
        ("intake_write_tps", f"{writes_tps:.1f}"),
        ("write_ratio", f"{best.per_s / writes_tps if writes_tps else float('nan'):.3f}"),
        ("p50_ms", f"{best.p50_ms:.1f}"),
        ("p99_ms", f"{best.p99_ms:.1f}"),
        ("errors", errors),
        ("codes_gap_free", "yes" if codes_ok else "no"),
    ]
    notes = [
        f"generator: {generator}; concurrency {args.concurrency}; "
        f"{args.duration} s after {args.warmup} s warm-up",
        f"receiving units: {len(units)}; best server configuration (workers x threads): {best.config}",
        "all configurations: "
        + "; ".join(
            f"{r.config} {r.per_s:.1f}/s p99 {r.p99_ms:.1f} ms errors {r.errors} floor {r.floor_per_s:.0f}/s"
            for r in results
        ),
        f"floor: the same server answering {FLOOR_PATH} (404: middleware and URL resolver only, no "
        "authentication, no database); floor_ratio = floor_per_s / pgbench_tps bounds intake_ratio",
        "intake_write_tps: pgbench replaying the API's own intake write (its INSERTs in one transaction, "
        "captured per receiving unit, values as literals) on the load's database, same concurrency and "
        "duration: what PostgreSQL alone does for the identical write; write_ratio = intake_per_s / "
        "intake_write_tps",
        f"targets: intake_ratio >= {TARGET_RATIO}: {_met(ratio >= TARGET_RATIO)}; p99_ms < {TARGET_P99_MS}: "
        f"{_met(best.p99_ms < TARGET_P99_MS)}; write_ratio >= {TARGET_WRITE_RATIO}: "
        f"{_met(writes_tps > 0 and best.per_s / writes_tps >= TARGET_WRITE_RATIO)}",
        f"load average before / after: {args.load_before} / {load_average()}",
    ]
    for note in notes:
        print(note, flush=True)
    if not args.quick and not args.no_record:
        record("intake (bench/intake.py)", figures, notes)
    print_figures(figures)
    return figures


def _met(condition: bool) -> str:
    return "met" if condition else "NOT met"


if __name__ == "__main__":
    raise SystemExit(main())
