"""The demo history played by several processes, one per core: the same dossiers as one process would
make, through the same services, in a fraction of the time.

The stories are drawn once (deterministically) and shared out by receiving unit, so each unit's dossiers
are numbered by one process in arrival order: the codes, like everything else, are those of a one-process
load. A dossier's story touches only its own rows, the shared reference data and its receiving unit's
code counter.

PostgreSQL: the workers write to the database itself, concurrently, as several app processes would.
SQLite has one writer at a time, so each worker plays into its own copy of the database, its ids started
at a distinct offset (`ID_STRIDE` apart, above every id in use); the copies' new rows are then carried
into the database in one transaction: all of the history or none of it. A worker that wrote anything
else than dossier rows stops the merge (it would be lost)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction

from motcua.network import reference

ID_STRIDE = 100_000_000
SQLITE_BATCH = 0  # a worker's private copy: one transaction for all its stories
POSTGRES_BATCH = 50  # shared database: short transactions, like the one-process background load
PROGRESS_EVERY = 25


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def parallel_possible() -> bool:
    """Several processes need a database they can all reach: PostgreSQL, or an SQLite file (not memory),
    and no open transaction whose rows the workers could not see."""
    if connection.in_atomic_block:
        return False
    if connection.vendor == "postgresql":
        return True
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and ":memory:" not in name and "mode=memory" not in name


def history_models() -> list:
    """The models a story writes to: the dossiers app's, parents first (dossier before its rows)."""
    models = list(apps.get_app_config("dossiers").get_models())
    return sorted(models, key=lambda model: model._meta.model_name != "dossier")


@dataclass
class Worker:
    index: int
    unit_ids: list[int]
    stories: int
    database: str
    first_ids: dict[str, int] = field(default_factory=dict)  # SQLite copy: table -> ids above are new
    counts: dict[str, int] = field(default_factory=dict)  # SQLite copy: rows of every other table
    process: subprocess.Popen | None = None
    played: int = 0
    report: dict = field(default_factory=dict)
    error: list[str] = field(default_factory=list)


def share_out(unit_of_story: list[int], workers: int) -> list[tuple[list[int], int]]:
    """Receiving units shared among the workers, the busiest first to the least loaded worker:
    (unit ids, number of stories) per worker, empty ones left out."""
    per_unit = Counter(unit_of_story)
    loads: list[tuple[list[int], int]] = [([], 0) for _ in range(workers)]
    for unit_id, stories in sorted(per_unit.items(), key=lambda item: (-item[1], item[0])):
        lightest = min(range(workers), key=lambda i: (loads[i][1], i))
        units, total = loads[lightest]
        loads[lightest] = ([*units, unit_id], total + stories)
    return [(sorted(units), total) for units, total in loads if total]


def load_in_parallel(
    *,
    count: int,
    seed: int,
    until: date,
    days: int,
    workers: int,
    progress: Callable[[str], None] | None = None,
    every: int = 2000,
    on_progress: Callable[[int], None] | None = None,
):
    from . import history

    started = time.perf_counter()
    report = history.HistoryReport()
    with transaction.atomic():
        history.ensure_history_staff()
        reference.generation()  # made now if missing: the workers must find it, not create it
    with history.memo.reference_data_memo():
        world = history.World()
        stories = history.draw_stories(world, count=count, seed=seed, until=until, days=days)
    shares = share_out([story.unit.pk for story in stories], workers)
    spec = {"count": count, "seed": seed, "until": until.isoformat(), "days": days}
    with tempfile.TemporaryDirectory(prefix="motcua-history-", dir=_scratch_folder()) as folder:
        crew = _prepare(shares, Path(folder))
        _run(crew, spec, Path(folder), count, started, progress, every, on_progress)
        for worker in crew:
            report.dossiers += worker.report["dossiers"]
            report.actions += worker.report["actions"]
        if connection.vendor == "sqlite":
            _merge_sqlite(crew)
    with history.memo.reference_data_memo():
        history.finish_history(history.history_end(until), report, started)
    return report


def _scratch_folder() -> str | None:
    """SQLite copies beside the database (same disk, no copy across file systems)."""
    if connection.vendor == "sqlite":
        return str(Path(connection.settings_dict["NAME"]).resolve().parent)
    return None


def _prepare(shares: list[tuple[list[int], int]], folder: Path) -> list[Worker]:
    crew = []
    for index, (unit_ids, stories) in enumerate(shares):
        worker = Worker(index, unit_ids, stories, str(connection.settings_dict["NAME"]))
        if connection.vendor == "sqlite":
            worker.database = str(folder / f"worker-{index}.sqlite3")
            _copy_sqlite(worker, offset=(index + 1) * ID_STRIDE)
        crew.append(worker)
    return crew


def _copy_sqlite(worker: Worker, offset: int) -> None:
    """A consistent copy of the committed database whose new history rows get ids from max + offset;
    the row counts of its other tables are noted."""
    source = sqlite3.connect(connection.settings_dict["NAME"])
    copy = sqlite3.connect(worker.database)
    try:
        source.backup(copy)
        for model in history_models():
            table = model._meta.db_table
            (highest,) = copy.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"').fetchone()
            copy.execute("DELETE FROM sqlite_sequence WHERE name = ?", [table])
            copy.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, highest + offset])
            worker.first_ids[table] = highest + offset
        copy.commit()
        worker.counts = _other_tables(copy, set(worker.first_ids))
    finally:
        copy.close()
        source.close()


def _other_tables(database: sqlite3.Connection, history_tables: set[str]) -> dict[str, int]:
    names = [row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        name: database.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
        for name in sorted(set(names) - history_tables - {"sqlite_sequence"})
    }


def _run(crew, spec, folder, count, started, progress, every, on_progress) -> None:
    """Start every worker, follow their progress, and raise if any fails (the others are stopped)."""
    readers = []
    for worker in crew:
        path = folder / f"worker-{worker.index}.json"
        batch = SQLITE_BATCH if connection.vendor == "sqlite" else POSTGRES_BATCH
        path.write_text(
            json.dumps(
                {
                    **spec,
                    "units": worker.unit_ids,
                    "database": worker.database,
                    "engine": connection.settings_dict["ENGINE"],
                    "batch": batch,
                }
            )
        )
        worker.process = subprocess.Popen(
            [sys.executable, "-m", "motcua.demo.parallel", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={"DJANGO_SETTINGS_MODULE": "motcua.config.settings", **os.environ},
        )
        readers += [
            threading.Thread(target=_follow, args=(worker,), daemon=True),
            threading.Thread(target=_collect_errors, args=(worker,), daemon=True),
        ]
    for reader in readers:
        reader.start()
    _watch(crew, count, started, progress, every, on_progress)
    for reader in readers:
        reader.join()
    failed = [worker for worker in crew if worker.process.returncode != 0]
    if failed:
        detail = "".join(failed[0].error)[-2000:]
        raise RuntimeError(f"demo history worker {failed[0].index} failed:\n{detail}")


def _follow(worker: Worker) -> None:
    for line in worker.process.stdout:
        kind, _, value = line.strip().partition(" ")
        if kind == "played":
            worker.played = int(value)
        elif kind == "report":
            worker.report = json.loads(value)


def _collect_errors(worker: Worker) -> None:
    for line in worker.process.stderr:
        worker.error.append(line)


def _watch(crew, count, started, progress, every, on_progress) -> None:
    reported = 0
    while True:
        running = [worker for worker in crew if worker.process.poll() is None]
        if any(worker.process.returncode not in (None, 0) for worker in crew):
            for worker in running:
                worker.process.kill()
            for worker in crew:
                worker.process.wait()
            return
        played = sum(worker.played for worker in crew)
        if played // every > reported // every and progress:
            rate = played / max(time.perf_counter() - started, 1e-9)
            progress(
                f"  {played}/{count} hồ sơ / dossiers, {rate:.0f}/s ({len(crew)} tiến trình / processes)"
            )
        if played != reported and on_progress:
            on_progress(played)
        reported = played
        if not running:
            return
        time.sleep(0.2)


def _merge_sqlite(crew: list[Worker]) -> None:
    """Carry every worker's new dossier rows into the database, in one transaction."""
    for worker in crew:
        _refuse_other_writes(worker)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for worker in crew:  # ATTACH is not allowed inside a transaction
            cursor.execute(f"ATTACH DATABASE %s AS worker_{worker.index}", [worker.database])
        try:
            with transaction.atomic():
                for worker in crew:
                    for model in history_models():
                        table = quote(model._meta.db_table)
                        cursor.execute(
                            f"INSERT INTO main.{table} SELECT * FROM worker_{worker.index}.{table} WHERE id > %s",
                            [worker.first_ids[model._meta.db_table]],
                        )
        finally:
            for worker in crew:
                cursor.execute(f"DETACH DATABASE worker_{worker.index}")


def _refuse_other_writes(worker: Worker) -> None:
    """The merge carries dossier rows only: a worker must have left every other table as it found it."""
    copy = sqlite3.connect(worker.database)
    try:
        after = _other_tables(copy, set(worker.first_ids))
    finally:
        copy.close()
    changed = sorted(name for name, rows in after.items() if worker.counts.get(name) != rows)
    if changed:
        raise RuntimeError(f"demo history worker {worker.index} wrote to {', '.join(changed)}: not merged")


# --- the worker process --------------------------------------------------------------------------------


def work(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    os.nice(5)  # a bulk job: the site's own requests come first
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = spec["database"]
    if settings.DATABASES["default"]["ENGINE"] != spec["engine"]:
        raise SystemExit(
            f"worker database engine {settings.DATABASES['default']['ENGINE']} != {spec['engine']}"
        )
    django.setup()
    from . import history

    units = set(spec["units"])
    until = date.fromisoformat(spec["until"])
    report = history.HistoryReport()
    with history.memo.reference_data_memo():
        world = history.World()
        stories = history.draw_stories(
            world, count=spec["count"], seed=spec["seed"], until=until, days=spec["days"]
        )
        mine = [story for story in stories if story.unit.pk in units]

        def played(done: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == len(mine):
                print(f"played {done}", flush=True)

        history.play_stories(
            world,
            mine,
            history.history_end(until),
            report,
            batch_size=spec["batch"] or None,
            on_played=played,
        )
    print("report " + json.dumps({"dossiers": report.dossiers, "actions": report.actions}), flush=True)


if __name__ == "__main__":
    work(sys.argv[1])
