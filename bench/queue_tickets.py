"""Benchmark: 200 counters press "call next" at the same instant, on PostgreSQL.

A throw-away PostgreSQL database gets the schema, one service unit with 200 counters serving one group
(the worst case: every counter competes for the same queue's oldest tickets), one counter officer and
enough waiting tickets for every round. Then, ROUNDS times, all 200 counters press at the same wall-clock
instant; the presses are served by the app's database connections (PROCESSES x THREADS, as gunicorn
workers x threads would: a server never holds one connection per counter, and PostgreSQL's default
max_connections is 100). Each call runs `tickets.services.call_next`, the function the counter page
calls.

Figures: `ticket_call_p99_ms` is the press-to-answer latency (waiting for a free connection included);
`ticket_call_service_p99_ms` the time inside the service only; `ticket_duplicates` the tickets called
more than once (must be 0) and `ticket_missed` the presses that found no ticket although tickets were
waiting (must be 0). Target: ticket_call_p99_ms < 50.

Usage: python bench/queue_tickets.py [--quick] [--no-record] [--counters N] [--processes P] [--threads T]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

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

UNIT = "000.00.00.H57"
OFFICER = "bench.counter"
GAP_S = 3.0  # between two rounds of presses


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2 rounds instead of 10")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument("--counters", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=20, help="database connections per process")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # JSON: the worker process's part
    return parser.parse_args(argv)


# --- set-up (main process) ---------------------------------------------------------------------------


def seed(counters: int, tickets: int) -> list[int]:
    """One unit, its counters, one group, the officer and `tickets` waiting tickets of today."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from motcua.network.models import Jurisdiction, Role, RoleAssignment, Unit
    from motcua.tickets.models import Counter, ServiceGroup, Ticket, TicketSequence

    province = Jurisdiction.objects.create(code="74", level="province", name="Bình Dương")
    unit = Unit.objects.create(
        code=UNIT, kind="center", name_vi="Trung tâm", jurisdiction=province, counters=counters
    )
    user = User.objects.create_user(username=OFFICER)
    RoleAssignment.objects.create(user=user, unit=unit, role=Role.COUNTER)
    group = ServiceGroup.objects.create(unit=unit, letter="A", name_vi="Tất cả")
    Counter.objects.bulk_create(Counter(unit=unit, number=n) for n in range(1, counters + 1))
    now = timezone.now()
    day = timezone.localdate(now)
    # one ticket a second before now, but none before the local midnight: all of them today
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    first = max(now - timedelta(seconds=tickets), midnight)
    step = (now - first) / (tickets + 1)
    Ticket.objects.bulk_create(
        Ticket(unit=unit, group=group, day=day, number=n, issued_at=first + n * step)
        for n in range(1, tickets + 1)
    )
    TicketSequence.objects.create(group=group, day=day, last=tickets)
    return list(Counter.objects.filter(unit=unit).order_by("number").values_list("pk", flat=True))


def check(calls: int) -> dict[str, int]:
    from motcua.tickets.models import TicketCall

    ids = list(TicketCall.objects.values_list("ticket_id", flat=True))
    return {"calls_logged": len(ids), "duplicates": len(ids) - len(set(ids)), "expected": calls}


# --- a worker process: its share of the counters, its connections --------------------------------------


def worker(part: dict) -> dict:
    """Press every counter of `part` at each round's instant; THREADS connections answer."""
    from django.contrib.auth.models import User
    from django.db import connections

    from motcua.dossiers.permissions import Actor
    from motcua.tickets.services import call_next

    actor = Actor.staff(User.objects.get(username=OFFICER))
    connections.close_all()

    def through_the_service(counter_id: int) -> int | None:
        ticket = call_next(actor=actor, counter_id=counter_id).ticket
        return ticket.pk if ticket is not None else None

    press = _plain_sql_call if part.get("yardstick") else through_the_service
    presses: queue.Queue = queue.Queue()
    lock = threading.Lock()
    out: dict = {"latency_ms": [], "service_ms": [], "tickets": [], "missed": 0, "errors": []}

    def answer() -> None:
        try:
            while True:
                item = presses.get()
                if item is None:
                    return
                counter_id, pressed_at = item
                started = time.perf_counter()
                try:
                    ticket_id = press(counter_id)
                except Exception as error:  # noqa: BLE001 - reported by the main process
                    with lock:
                        out["errors"].append(repr(error)[:300])
                    continue
                service = time.perf_counter() - started
                answered = time.time()
                with lock:
                    out["latency_ms"].append((answered - pressed_at) * 1000)
                    out["service_ms"].append(service * 1000)
                    if ticket_id is None:
                        out["missed"] += 1
                    else:
                        out["tickets"].append(ticket_id)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer) for _ in range(part["threads"])]
    for thread in threads:
        thread.start()
    # open every connection before the first round, as a running server has them
    for _ in range(part["threads"]):
        presses.put((part["counters"][0], time.time()))
    deadline = time.time() + 30
    while time.time() < deadline and len(out["latency_ms"]) + len(out["errors"]) < part["threads"]:
        time.sleep(0.05)
    with lock:
        out = {**out, "latency_ms": [], "service_ms": [], "tickets": [], "missed": 0}
    for number in range(part["rounds"]):
        at = part["start_at"] + number * part["gap"]
        time.sleep(max(0.0, at - time.time()))
        for counter_id in part["counters"]:
            presses.put((counter_id, at))
    for _ in threads:
        presses.put(None)
    for thread in threads:
        thread.join()
    return out


def _plain_sql_call(counter_id: int) -> int | None:
    """The yardstick: the least a call can be, one SQL statement (take the oldest waiting ticket,
    skipping those another counter holds, and mark it called) on the same connections."""
    from django.db import connection
    from django.utils import timezone

    sql = (
        "WITH next AS (SELECT t.id FROM tickets_ticket t JOIN tickets_counter c ON c.unit_id = t.unit_id "
        "WHERE c.id = %s AND t.state = 'waiting' AND t.day = %s ORDER BY t.issued_at, t.id "
        "LIMIT 1 FOR UPDATE OF t SKIP LOCKED) "
        "UPDATE tickets_ticket SET state = 'called', called_at = now(), counter_id = %s FROM next "
        "WHERE tickets_ticket.id = next.id RETURNING tickets_ticket.id"
    )
    with connection.cursor() as cursor:
        # the local day, as the services number and call tickets (the session's CURRENT_DATE is UTC's)
        cursor.execute(sql, [counter_id, timezone.localdate(), counter_id])
        row = cursor.fetchone()
    return row[0] if row else None


# --- main ----------------------------------------------------------------------------------------------


def _phase(args, env, counter_ids: list[int], rounds: int, yardstick: bool) -> list[dict]:
    """One burst series: worker processes press every counter at each round's instant."""
    start_at = time.time() + 8.0  # the workers start Django meanwhile
    children = []
    for i in range(args.processes):
        part = {
            "counters": counter_ids[i :: args.processes],
            "threads": args.threads,
            "rounds": rounds,
            "start_at": start_at,
            "gap": GAP_S,
            "yardstick": yardstick,
        }
        command = [sys.executable, __file__, "--worker", json.dumps(part)]
        children.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True))
    results = []
    for child in children:
        output, _ = child.communicate(timeout=600)
        if child.returncode:
            raise SystemExit(f"a worker process failed (exit {child.returncode})")
        results.append(json.loads(output.strip().splitlines()[-1]))
    errors = [e for r in results for e in r["errors"]]
    if errors or not any(r["latency_ms"] for r in results):
        raise SystemExit(f"calls failed: {errors[:3]}")
    return results


def _not_at_midnight() -> None:
    """Tickets are numbered and called per local day: a run never spans midnight."""
    from django.utils import timezone

    local = timezone.localtime()
    to_midnight = 86400 - (local.hour * 3600 + local.minute * 60 + local.second)
    if to_midnight < 180:
        time.sleep(to_midnight + 5)


def run(args: argparse.Namespace) -> tuple[list[tuple[str, object]], list[str]]:
    rounds = args.rounds or (2 if args.quick else 10)
    gauge = cpu_gauge_s()
    load_before = load_average()
    with throwaway_database("tickets") as database, temporary_home() as home:
        env = motcua_env(database, home)
        setup_django(env)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        _not_at_midnight()
        per_phase = args.counters * rounds + args.processes * args.threads
        counter_ids = seed(args.counters, 2 * per_phase + 10)
        connections.close_all()
        results = _phase(args, env, counter_ids, rounds, yardstick=False)
        found = check(per_phase)
        plain = _phase(args, env, counter_ids, rounds, yardstick=True)
    latencies = [v for r in results for v in r["latency_ms"]]
    service = [v for r in results for v in r["service_ms"]]
    plain_latencies = [v for r in plain for v in r["latency_ms"]]
    tickets = [t for r in results + plain for t in r["tickets"]]
    p99 = percentile(latencies, 0.99)
    plain_p99 = percentile(plain_latencies, 0.99)
    figures: list[tuple[str, object]] = [
        ("ticket_counters", args.counters),
        ("ticket_rounds", rounds),
        ("ticket_connections", args.processes * args.threads),
        ("ticket_calls", len(latencies)),
        ("ticket_duplicates", len(tickets) - len(set(tickets)) + found["duplicates"]),
        ("ticket_missed", sum(r["missed"] for r in results + plain)),
        ("ticket_call_p50_ms", round(percentile(latencies, 0.5), 1)),
        ("ticket_call_service_p50_ms", round(statistics.median(service), 1)),
        ("ticket_call_service_p99_ms", round(percentile(service, 0.99), 1)),
        ("plain_sql_call_p50_ms", round(percentile(plain_latencies, 0.5), 1)),
        ("plain_sql_call_p99_ms", round(plain_p99, 1)),
        ("ticket_vs_plain_sql_p99", round(p99 / plain_p99, 2)),
        ("cpu_gauge_s", gauge),
        ("ticket_call_p99_ms", round(p99, 1)),
    ]
    notes = [
        f"database: PostgreSQL; {args.counters} counters of one unit pressing at the same instant, {rounds} rounds "
        f"{GAP_S:.0f} s apart; {args.processes} processes x {args.threads} connections answer",
        "yardstick in the same run: the same bursts, each press one plain SQL statement (take and mark the "
        "oldest waiting ticket, SKIP LOCKED) on the same connections",
        "the machine is shared with other developers (2 cores): figures are noisy",
        f"load average before / after: {load_before} / {load_average()}",
        f"target ticket_call_p99_ms < 50: {'met' if p99 < 50 else 'NOT met'}",
    ]
    return figures, notes


def wrong_figures(figures: list[tuple[str, object]]) -> dict[str, object]:
    """The figures that make a run wrong: a ticket called twice, or a press that found nothing while
    tickets were waiting."""
    return {
        name: value for name, value in figures if name in ("ticket_duplicates", "ticket_missed") and value
    }


def main() -> int:
    args = parse_args()
    if args.worker:
        env = dict(os.environ)
        setup_django(env)
        print(json.dumps(worker(json.loads(args.worker))), flush=True)
        return 0
    figures, notes = run(args)
    print_figures(figures)
    wrong = {
        name: value for name, value in figures if name in ("ticket_duplicates", "ticket_missed") and value
    }
    if wrong:  # a run that called a ticket twice or missed waiting tickets is wrong, whatever its speed
        print(f"the run is wrong, nothing recorded: {wrong}", file=sys.stderr)
        return 1
    if not args.quick and not args.no_record:
        record("queue tickets (bench/queue_tickets.py)", figures, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
