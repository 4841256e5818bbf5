"""Benchmark: the national-portal sync outbox against a local portal that fails now and then.

A throw-away PostgreSQL database gets the demo network and catalog and a burst of dossier changes
written in bulk (bench/_common.py's seeded history: receive, late mark, finish, return...). Then:

- produce_per_s: `portal_sync.produce()` turns the burst's events into outbox records;
- backlog_after_burst: the records waiting for the portal once the burst is in the outbox;
- sync_per_s: `portal_sync.drain()` with the HTTP sender against `FlakyPortal` (every 10th request
  refused, every 25th stored but its answer lost), passes repeated until the backlog is empty, the
  back-off waits skipped by handing each pass a clock moved an hour on; acknowledged records per second;
- the portal's distinct changes must equal the records (idempotent), checked, not timed.

Usage: python bench/sync.py [--quick] [--changes N] [--no-record]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    demo_schema,
    fill_history,
    load_average,
    run_on_throwaway_postgres,
    say,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a burst of 10,000 changes")
    parser.add_argument("--changes", type=int, default=None, help="changes in the burst (default 100,000)")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    args.changes = args.changes or (10_000 if args.quick else 100_000)
    return args


def run(args) -> tuple[list[tuple[str, object]], list[str]]:
    from django.utils import timezone

    load_before = load_average()
    demo_schema()
    dossiers = max(1, args.changes // 3)  # about three changes per dossier
    _, events = fill_history(dossiers)
    say(f"burst: {dossiers:,} dossiers, {events:,} changes")
    from motcua.oversight import portal_sync
    from motcua.oversight.models import SyncRecord
    from motcua.oversight.testserver import FlakyPortal

    started = time.perf_counter()
    made = portal_sync.produce()
    produce_s = time.perf_counter() - started
    backlog = portal_sync.backlog()
    say(f"produced {made:,} records in {produce_s:.1f} s; backlog {backlog.waiting:,}")
    now = timezone.now()
    with FlakyPortal(fail_every=10, lose_every=25) as portal:
        sender = portal_sync.HttpSender(portal.url, timeout=10)
        started = time.perf_counter()
        passes = 0
        while SyncRecord.objects.filter(acknowledged_at__isnull=True).exists() and passes < 200:
            portal_sync.drain(sender=sender, batch=1000, now=now + timedelta(hours=passes))
            passes += 1
        sync_s = time.perf_counter() - started
    acknowledged = SyncRecord.objects.filter(acknowledged_at__isnull=False).count()
    retried = SyncRecord.objects.filter(attempts__gt=0).count()
    idempotent = portal.changes == acknowledged == made
    say(f"delivered {acknowledged:,} in {sync_s:.1f} s ({passes} passes); portal: {portal.changes:,} changes, "
        f"{portal.deliveries:,} deliveries, {portal.requests:,} requests; retried records {retried:,}")  # fmt: skip
    figures = [
        ("produce_per_s", f"{made / produce_s:.0f}"),
        ("backlog_after_burst", backlog.waiting),
        ("portal_changes_equal_records", "yes" if idempotent else "NO"),
        ("sync_per_s", f"{acknowledged / sync_s:.0f}"),
    ]
    notes = [
        f"PostgreSQL; a burst of {events:,} changes ({dossiers:,} dossiers); HTTP sender (urllib, one POST "
        f"per record) to a local ThreadingHTTPServer failing every 10th request, losing every 25th answer",
        f"portal: {portal.changes:,} distinct changes, {portal.deliveries:,} stored deliveries, "
        f"{portal.requests:,} requests; {retried:,} records retried; {passes} passes",
        f"shared machine (2 cores, other developers' jobs): load average before {load_before}, after {load_average()}",
    ]
    return figures, notes


def main() -> None:
    args = parse_args()
    run_on_throwaway_postgres("sync", run, args, f"sync (bench/sync.py{' --quick' if args.quick else ''})")


if __name__ == "__main__":
    main()
