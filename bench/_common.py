"""Shared pieces of the database benchmarks: throw-away PostgreSQL databases, a temporary MOTCUA_HOME,
running the `motcua` command against them, percentiles, the machine's description and RESULTS.md.

Nothing here touches var/: every benchmark works in its own database and temporary home."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import os
import platform
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def start_server(env: dict[str, str], workers: int, threads: int, log: Path) -> tuple[subprocess.Popen, str]:
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
    ]
    with log.open("a") as out:
        server = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return server, f"http://127.0.0.1:{port}"


def wait_ready(base: str, token: str, server: subprocess.Popen, timeout: float = 60) -> None:
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
