"""The legal clock's speed: due times are computed for every intake, step and pause, and millions of
times when history is loaded or re-scanned. Prints per-call costs in microseconds.

    .venv/bin/python bench/worktime.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from motcua.worktime import Pause, TimeLimit, WorkCalendar  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def random_moments(rng: random.Random, count: int) -> list[datetime]:
    start = datetime(2025, 1, 1, tzinfo=TZ)
    return [start + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)) for _ in range(count)]


def per_call_us(function, inputs) -> float:
    began = time.perf_counter()
    for item in inputs:
        function(*item)
    return (time.perf_counter() - began) / len(inputs) * 1e6


def measure(count: int) -> dict[str, float]:
    rng = random.Random(766)
    calendar = WorkCalendar()
    moments = random_moments(rng, count)
    days = [Decimal(rng.randrange(0, 121)) / 2 for _ in range(count)]
    limits = [TimeLimit(d) for d in days]
    pauses = [(Pause(m + timedelta(days=1), m + timedelta(days=3)),) for m in moments]
    calendar.add_working_days(moments[0], 1)  # build the year tables outside the timing
    later = [m + timedelta(days=rng.randrange(0, 90)) for m in moments]
    return {
        "add_working_days_us": per_call_us(calendar.add_working_days, list(zip(moments, days, strict=True))),
        "working_time_between_us": per_call_us(
            calendar.working_time_between, list(zip(moments, later, strict=True))
        ),
        "due_at_us": per_call_us(calendar.due_at, list(zip(moments, limits, strict=True))),
        "due_at_with_pause_us": per_call_us(calendar.due_at, list(zip(moments, limits, pauses, strict=True))),
        "due_with_explanation_us": per_call_us(calendar.due, list(zip(moments, limits, strict=True))),
    }


def machine() -> str:
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return f"{os.cpu_count()} cores, {int(memory) // 1024 // 1024} GiB, {platform.processor() or platform.machine()}"


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "uncommitted"


def record(figures: dict[str, float]) -> None:
    lines = [f"\n## worktime — {date.today().isoformat()} — {machine()} — commit {commit()}\n"]
    lines += [f"- {name}: {value:.2f}\n" for name, value in figures.items()]
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.writelines(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer calls (same figure names)")
    args = parser.parse_args()
    figures = measure(5_000 if args.quick else 100_000)
    if not args.quick:
        record(figures)
    for name, value in figures.items():
        print(f"{name}: {value:.2f}")


if __name__ == "__main__":
    main()
