"""The aggregates follow the event log: one fold, used twice.

- follow: a pass folds the events appended since the previous pass (by id; an event is read again
  until it is SETTLE old, and each dossier's last folded seq makes a second reading harmless). The
  dashboard, its exports and the monitoring API run a pass before they read (`catch_up`: one query
  when nothing is new, no wait behind a running pass or rebuild), so their figures are those of the
  moment. Nothing is added to the intake's and the actions'
  transactions;
- rebuild: `motcua rebuild-stats` folds every dossier's events from scratch, a chunk of dossiers at a
  time (its memory does not grow with the history), stages each chunk's counts in the database, which
  sums them, compares them with the kept counts, reports the differences and replaces them.

Because both go through `fold`, the kept counts equal a recomputation from the events by construction;
tests check it on random histories. What late means is the watch's mark (the `late` the clock rules
set, dossiers/clock.py); working time comes from the work calendar (worktime)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.dossiers import memo
from motcua.dossiers.models import Channel, Dossier, DossierEvent, Status
from motcua.network.models import Jurisdiction, Unit

from .models import (
    COUNTERS,
    HOUR_COUNTERS,
    PROVINCE,
    AreaTally,
    DailyTally,
    DossierTally,
    FollowCursor,
    HourTally,
    ProcedureMonthTally,
    ScopeTally,
)

# Not open for Index 766's "still open and late": finished, returned, or closed without a result.
NOT_OPEN = frozenset({Status.FINISHED, Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})
# Received and in someone's hands: pending (not finished, not closed).
IN_HAND = frozenset({Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.AWAITING_PAYMENT})
TALLIES = "tallies"
# fees paid: at the counter's payment step, collected with a receipt, or through the online gateway;
# the payload's "online" says which
PAYMENT_ACTIONS = frozenset({"payment_received", "collect_fee", "pay_online"})
KEY_FIELDS = ("procedure_id", "competent_unit_id", "receiving_unit_id", "channel", "assisted", "outside")


@dataclass(frozen=True)
class Static:
    """A dossier's attributes fixed at intake, which key its counts."""

    procedure_id: int
    sector_id: int
    competent_unit_id: int
    receiving_unit_id: int
    channel: int
    assisted: bool
    outside: bool
    fee_bearing: bool
    subject_jurisdiction_id: int = 0  # the commune the matter concerns
    return_unit_id: int | None = None  # where the result is handed over (None: by post)

    @property
    def key(self) -> tuple:
        return (
            self.procedure_id,
            self.competent_unit_id,
            self.receiving_unit_id,
            self.channel,
            self.assisted,
            self.outside,
        )


@dataclass
class FoldState:
    seq: int = 0
    status: int = 0
    late: bool = False
    open_late: bool = False
    pending: bool = False
    paused_since: datetime | None = None
    paused_seconds: int = 0
    clock_start: datetime | None = None


@dataclass
class Folded:
    """Counts to add: (day, sector, key) -> Counter of COUNTERS; (unit, day, hour) -> Counter of
    HOUR_COUNTERS; (day, commune of the matter) -> intakes."""

    daily: dict[tuple, Counter] = field(default_factory=lambda: defaultdict(Counter))
    hourly: dict[tuple, Counter] = field(default_factory=lambda: defaultdict(Counter))
    areas: Counter = field(default_factory=Counter)
    # derived from daily (derive): (day, scope unit) -> counts; (month, scope unit, procedure) -> counts
    scoped: dict[tuple, Counter] = field(default_factory=lambda: defaultdict(Counter))
    months: dict[tuple, Counter] = field(default_factory=lambda: defaultdict(Counter))


PROCEDURE_COUNTERS = ("received", "received_online", "paid_online")


def _unit_chain(unit_id: int) -> list[int]:
    parents = memo.remembered(
        ("oversight_unit_parents",), lambda: dict(Unit.objects.values_list("id", "parent_id"))
    )
    chain, node = [], unit_id
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return chain


def scope_units(competent_unit_id: int, receiving_unit_id: int) -> tuple[int, ...]:
    """The scopes a dossier counts in, once each: the province, and every unit that is, or is above,
    its competent agency or its receiving unit."""
    return memo.remembered(
        ("oversight_scope_units", competent_unit_id, receiving_unit_id),
        lambda: tuple(sorted({PROVINCE, *_unit_chain(competent_unit_id), *_unit_chain(receiving_unit_id)})),
    )


def derive(folded: Folded) -> None:
    """The per-scope counts, from the daily ones (inside a reference memo)."""
    scopes: dict[tuple[int, int], tuple[int, ...]] = {}
    for (day, _sector, key), counts in folded.daily.items():
        procedure_id, competent_id, receiving_id = key[0], key[1], key[2]
        units = scopes.get((competent_id, receiving_id))
        if units is None:
            units = scopes[(competent_id, receiving_id)] = scope_units(competent_id, receiving_id)
        per_procedure = {name: counts[name] for name in PROCEDURE_COUNTERS if counts.get(name)}
        month = day.replace(day=1)
        for unit_id in units:
            folded.scoped[(day, unit_id)].update(counts)
            if per_procedure:
                folded.months[(month, unit_id, procedure_id)].update(per_procedure)


def _moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _working_seconds(start: datetime | None, end: datetime) -> int:
    if start is None or end <= start:
        return 0
    return int(memo.calendar().working_time_between(start, end).total_seconds())


def fold(state: FoldState, static: Static, event: Any, into: Folded) -> None:
    """Add one event's counts to `into` and move `state` past it. `event` has seq, at, action,
    from_status, to_status, changes, payload (a DossierEvent, saved or read back)."""
    local = event.at.astimezone(timezone.get_default_timezone())  # the province's day, whoever reads
    day = local.date()
    counts = into.daily[(day, static.sector_id, static.key)]
    changes, payload, action = event.changes or {}, event.payload or {}, event.action
    if event.seq == 1:
        _count_intake(static, day, local.hour, into)
    if "clock_start" in changes:
        state.clock_start = _moment(changes["clock_start"])
    if "received_at" in changes and changes["received_at"] is not None:
        counts["received"] += 1
        counts["received_online"] += int(static.channel == Channel.ONLINE)
        counts["fee_bearing"] += int(static.fee_bearing)
    if action == "refuse":
        counts["refused"] += 1
    elif action == "withdraw":
        counts["withdrawn"] += 1
    elif action == "stop":
        counts["stopped"] += 1
    elif action == "finish":
        counts["finished"] += 1
        counts["on_time" if changes.get("finished_on_time") else "finished_late"] += 1
        counts["resolution_seconds"] += max(
            0, _working_seconds(state.clock_start, event.at) - state.paused_seconds
        )
    elif action == "return_result" and static.return_unit_id is not None:  # a visit to the counter
        into.hourly[(static.return_unit_id, day, local.hour)]["counter_returns"] += 1
    elif action in PAYMENT_ACTIONS:
        counts["payments"] += 1
        counts["paid_online"] += int(bool(payload.get("online")))
    elif action == "apologize":
        counts["apologies"] += 1
    elif action == "rate":  # the contract for ratings: payload {"satisfied": bool}
        counts["rated"] += 1
        counts["satisfied"] += int(bool(payload.get("satisfied")))
    if changes.get("returned_at"):  # at the counter (return_result) or delivered by the post
        counts["returned"] += 1
    if action == "request_supplement" and payload.get("repeated"):
        counts["repeated_supplements"] += 1
    if "paused_since" in changes:
        started = _moment(changes["paused_since"])
        if started is None and state.paused_since is not None:  # the pause ends
            state.paused_seconds += _working_seconds(state.paused_since, event.at)
        state.paused_since = started
    if "late" in changes:
        state.late = bool(changes["late"])
    state.status = event.to_status
    open_late = state.late and state.status not in NOT_OPEN
    if open_late != state.open_late:
        counts["late_open"] += 1 if open_late else -1
        state.open_late = open_late
    pending = state.clock_start is not None and state.status in IN_HAND
    if pending != state.pending:
        counts["pending"] += 1 if pending else -1
        state.pending = pending
    state.seq = event.seq


def _count_intake(static: Static, day, hour: int, into: Folded) -> None:
    """A dossier's first event: an intake at its receiving unit (a visit to the counters unless filed
    online) and in the commune the matter concerns."""
    hourly = into.hourly[(static.receiving_unit_id, day, hour)]
    hourly["intakes"] += 1
    hourly["counter_intakes"] += int(static.channel != Channel.ONLINE)
    into.areas[(day, static.subject_jurisdiction_id)] += 1


# --- the dossier's fixed attributes ------------------------------------------------------------------


def _jurisdiction_chain(jurisdiction_id: int) -> tuple[int, ...]:
    chain, node = [], jurisdiction_id
    parents = memo.remembered(
        ("oversight_jurisdiction_parents",),
        lambda: dict(Jurisdiction.objects.values_list("id", "parent_id")),
    )
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return tuple(chain)


def outside_area(receiving_unit_id: int, competent_unit_id: int) -> bool:
    """Received outside the competent agency's area: the receiving unit's place is not the competent
    agency's place nor inside it (a commune's dossier filed in another commune or district)."""

    def compute() -> bool:
        places = memo.remembered(
            ("oversight_unit_places",), lambda: dict(Unit.objects.values_list("id", "jurisdiction_id"))
        )
        return places[competent_unit_id] not in _jurisdiction_chain(places[receiving_unit_id])

    return memo.remembered(("oversight_outside", receiving_unit_id, competent_unit_id), compute)


def sector_of(procedure_id: int) -> int:
    sectors = memo.remembered(
        ("oversight_sectors",), lambda: dict(Procedure.objects.values_list("id", "sector_id"))
    )
    if procedure_id not in sectors:  # a procedure added since: read it
        return Procedure.objects.values_list("sector_id", flat=True).get(pk=procedure_id)
    return sectors[procedure_id]


def static_of(values: dict[str, Any]) -> Static:
    """From a dossier's values (or a Dossier's __dict__)."""
    return Static(
        procedure_id=values["procedure_id"],
        sector_id=sector_of(values["procedure_id"]),
        competent_unit_id=values["competent_unit_id"],
        receiving_unit_id=values["receiving_unit_id"],
        channel=values["channel"],
        assisted=bool(values["assisted"]),
        outside=outside_area(values["receiving_unit_id"], values["competent_unit_id"]),
        fee_bearing=bool(values["fee_total_vnd"]),
        subject_jurisdiction_id=values["subject_jurisdiction_id"],
        return_unit_id=None if values["return_by_post"] else values["return_unit_id"],
    )


STATIC_FIELDS = (
    "id",
    "procedure_id",
    "competent_unit_id",
    "receiving_unit_id",
    "channel",
    "assisted",
    "fee_total_vnd",
    "subject_jurisdiction_id",
    "return_unit_id",
    "return_by_post",
)
EVENT_FIELDS = ("dossier_id", "seq", "at", "action", "from_status", "to_status", "changes", "payload")

# --- following the event log --------------------------------------------------------------------------

STATE_FIELDS = (
    "seq",
    "status",
    "late",
    "open_late",
    "pending",
    "paused_since",
    "paused_seconds",
    "clock_start",
)
# An event is read again by the next pass until it is this old: a transaction that took its id earlier
# may commit after a later one (the per-dossier seq makes reading an event twice harmless).
SETTLE = timedelta(seconds=60)
BATCH = 5000


def _state_of(row: DossierTally) -> FoldState:
    return FoldState(**{name: getattr(row, name) for name in STATE_FIELDS})


def follow(*, batch: int = BATCH, wait: bool = True) -> int:
    """Fold the events appended since the last pass into the kept counts; returns how many were
    folded. Passes are serialized (the cursor's row is locked); each batch is one transaction. The
    cursor passes only the events settled so far; newer ones are read again by the next pass.
    wait=False: when another pass or a rebuild holds the cursor, fold nothing and return at once."""
    if not behind():
        return 0
    folded_events, position, settled_so_far = 0, None, True
    while True:
        with transaction.atomic():
            FollowCursor.objects.get_or_create(name=TALLIES)
            cursor = FollowCursor.objects.select_for_update(skip_locked=not wait).filter(name=TALLIES).first()
            if cursor is None:  # another pass or a rebuild is folding: the kept counts are read as they are
                return folded_events
            position = cursor.last_id if position is None else position
            events = list(
                DossierEvent.objects.filter(id__gt=position)
                .order_by("id")
                .values("id", "recorded_at", *EVENT_FIELDS)[:batch]
            )
            if not events:
                return folded_events
            folded_events += _fold_batch(events)
            position = events[-1]["id"]
            settled = timezone.now() - SETTLE
            for values in events:
                settled_so_far = settled_so_far and values["recorded_at"] < settled
                if not settled_so_far:
                    break
                cursor.last_id = values["id"]
            cursor.read_id = max(cursor.read_id, position)
            cursor.save(update_fields=["last_id", "read_id"])
        if len(events) < batch:
            return folded_events


def catch_up() -> int:
    """The readers' pass (the dashboard, its exports, the monitoring API, the planning demand): fold
    what is new before reading, but never wait behind another pass or a rebuild, which may take
    minutes; the background follower folds what this pass leaves."""
    return follow(wait=False)


def behind(name: str = "tallies") -> bool:
    """Whether an event was appended after the last one a pass read (one query). An event committed
    late with a smaller id is read by the next pass that has something new to read."""
    newest = DossierEvent.objects.order_by("-id").values("id")[:1]
    found = (
        FollowCursor.objects.filter(name=name)
        .annotate(newest=Subquery(newest))
        .values_list("read_id", "newest")
    )
    row = found.first()
    return row is None or (row[1] or 0) > row[0]


def _fold_batch(events: list[dict]) -> int:
    dossier_ids = {e["dossier_id"] for e in events}
    rows = {r.dossier_id: r for r in DossierTally.objects.filter(dossier_id__in=dossier_ids)}
    folded, done = Folded(), 0
    with memo.reference_data_memo():
        statics = {
            v["id"]: static_of(v) for v in Dossier.objects.filter(pk__in=dossier_ids).values(*STATIC_FIELDS)
        }
        states = {d: _state_of(r) for d, r in rows.items()}
        for values in events:
            dossier_id = values["dossier_id"]
            state = states.setdefault(dossier_id, FoldState())
            if values["seq"] <= state.seq:
                continue  # folded by an earlier pass
            if values["seq"] > state.seq + 1:  # an earlier event committed late: fold it first
                missing = DossierEvent.objects.filter(
                    dossier_id=dossier_id, seq__gt=state.seq, seq__lt=values["seq"]
                ).order_by("seq")
                for earlier in missing.values(*EVENT_FIELDS):
                    fold(state, statics[dossier_id], _row(earlier), folded)
                    done += 1
            fold(state, statics[dossier_id], _row(values), folded)
            done += 1
        derive(folded)
    _save_states(states, rows)
    add(folded)
    return done


def _row(values: dict) -> _EventRow:
    return _EventRow(**{name: values[name] for name in EVENT_FIELDS[1:]})


def _save_states(states: dict[int, FoldState], rows: dict[int, DossierTally]) -> None:
    new, changed = [], []
    for dossier_id, state in states.items():
        row = rows.get(dossier_id)
        if row is None:
            new.append(DossierTally(dossier_id=dossier_id, **{n: getattr(state, n) for n in STATE_FIELDS}))
        elif _state_of(row) != state:
            for name in STATE_FIELDS:
                setattr(row, name, getattr(state, name))
            changed.append(row)
    DossierTally.objects.bulk_create(new, batch_size=2000)
    DossierTally.objects.bulk_update(changed, list(STATE_FIELDS), batch_size=2000)


# --- the kept tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A kept table as the rebuild sees it: its key columns and its counters, the names of its staging
    and summed copies."""

    model: Any
    keys: tuple[str, ...]
    counters: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def staging(self) -> str:
        """The chunks' counts, several rows per key."""
        return f"staged_{self.name}"

    @property
    def rebuilt(self) -> str:
        """The staged counts summed: one row per key, rows of zeros left out."""
        return f"rebuilt_{self.name}"

    def column(self, field: str) -> str:
        return self.model._meta.get_field(field).column

    def quoted(self, field: str) -> str:
        return connection.ops.quote_name(self.column(field))

    def listing(self, fields: tuple[str, ...]) -> str:
        return ", ".join(self.quoted(f) for f in fields)


TABLES = {
    "daily": Table(DailyTally, ("day", "sector_id", *KEY_FIELDS), COUNTERS),
    "hourly": Table(HourTally, ("receiving_unit_id", "day", "hour"), HOUR_COUNTERS),
    "area": Table(AreaTally, ("day", "jurisdiction_id"), ("intakes",)),
    "scope": Table(ScopeTally, ("day", "unit_id"), COUNTERS),
    "procedure_month": Table(ProcedureMonthTally, ("month", "unit_id", "procedure_id"), PROCEDURE_COUNTERS),
}


def _folded_rows(folded: Folded) -> dict[str, Iterator[tuple]]:
    """Each kept table's rows of a Folded: keys then counters in TABLES' order, rows of zeros left out.
    The follower adds them to the kept rows (add); the rebuild stages them (rebuild)."""

    def rows(items, counters: tuple[str, ...]) -> Iterator[tuple]:
        for key, counts in items:
            if any(counts.values()):
                yield (*key, *(counts.get(name, 0) for name in counters))

    items = {
        "daily": (((day, sector_id, *key), counts) for (day, sector_id, key), counts in folded.daily.items()),
        "hourly": folded.hourly.items(),
        "area": ((key, Counter(intakes=n)) for key, n in folded.areas.items()),
        "scope": folded.scoped.items(),
        "procedure_month": folded.months.items(),
    }
    return {name: rows(items[name], table.counters) for name, table in TABLES.items()}


def add(folded: Folded) -> None:
    """Add the folded counts to the kept rows: each table's rows of the keys are read once, added to in
    memory and written back in bulk (the follower's passes are serialized by the cursor's lock, so no
    other writer changes them meanwhile)."""
    for name, rows in _folded_rows(folded).items():
        table = TABLES[name]
        _upsert(table.model, table.keys, table.counters, rows)


def _upsert(model, key_fields: tuple[str, ...], counters: tuple[str, ...], rows: Iterator[tuple]) -> None:
    """rows: keys then counters, one row per key, none all zeros (_folded_rows)."""
    width = len(key_fields)
    added = {row[:width]: row[width:] for row in rows}
    if not added:
        return
    superset = {f"{name}__in": {key[i] for key in added} for i, name in enumerate(key_fields)}
    existing = {
        tuple(found[name] for name in key_fields): found
        for found in model.objects.filter(**superset).values("id", *key_fields, *counters)
    }
    changed, new = [], []
    for key, values in added.items():
        found = existing.get(key)
        if found is None:
            new.append(
                model(**dict(zip(key_fields, key, strict=True)), **dict(zip(counters, values, strict=True)))
            )
        else:
            summed = {name: found[name] + value for name, value in zip(counters, values, strict=True)}
            changed.append(model(id=found["id"], **summed))
    model.objects.bulk_create(new, batch_size=1000)
    model.objects.bulk_update(changed, list(counters), batch_size=500)


# --- rebuild: from the event log ---------------------------------------------------------------------

# Dossiers folded at once: a rebuild holds one chunk's counts and states in memory, whatever the
# history's size; the counts of every chunk go to staging tables and PostgreSQL (or SQLite) sums them.
REBUILD_CHUNK = 20_000


@dataclass
class _EventRow:
    seq: int
    at: datetime
    action: str
    from_status: int | None
    to_status: int
    changes: dict
    payload: dict


def _dossier_chunks(size: int) -> Iterator[list[dict]]:
    """Every dossier's fixed attributes, `size` at a time in id order (a key-range walk)."""
    after = 0
    while True:
        part = list(Dossier.objects.filter(pk__gt=after).order_by("pk").values(*STATIC_FIELDS)[:size])
        if not part:
            return
        yield part
        after = part[-1]["id"]


def _fold_chunk(part: list[dict], upto: int) -> tuple[Folded, dict[int, FoldState]]:
    """The chunk's dossiers' events with id <= upto folded from scratch (inside a reference memo)."""
    folded, states = Folded(), {}
    statics = {values["id"]: static_of(values) for values in part}
    events = DossierEvent.objects.filter(
        dossier_id__gte=part[0]["id"], dossier_id__lte=part[-1]["id"], id__lte=upto
    ).order_by("dossier_id", "seq")
    for values in events.values(*EVENT_FIELDS).iterator(chunk_size=5000):
        dossier_id = values.pop("dossier_id")
        state = states.setdefault(dossier_id, FoldState())
        fold(state, statics[dossier_id], _EventRow(**values), folded)
    derive(folded)
    return folded, states


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    counter: str
    kept: int
    rebuilt: int

    def __str__(self) -> str:
        return f"{self.table} {self.key}: {self.counter} kept {self.kept}, rebuilt {self.rebuilt}"


@dataclass
class RebuildReport:
    dossiers: int
    daily_rows: int
    hourly_rows: int
    differences: list[Difference]  # the first SHOWN_DIFFERENCES of them
    difference_count: int
    applied: bool


SHOWN_DIFFERENCES = 1000
REREAD_AFTER_REBUILD = 10_000  # events before the rebuild's last one that the next pass reads again


def rebuild(*, apply: bool = True, progress: Callable[[int], None] | None = None) -> RebuildReport:
    """Recompute from the events appended so far, compare with the kept counts (events the follower
    had not read yet show as differences) and (apply) replace them, in one transaction. Intake and
    actions go on meanwhile: their events come after the rebuild's last one and the follower folds them
    (the cursor's lock keeps its passes out until the rebuild commits); the next pass also reads the
    last REREAD_AFTER_REBUILD events again, in case one of them committed late (seq makes it harmless).
    progress(dossiers folded so far), when given, is called after each chunk."""
    with transaction.atomic():
        FollowCursor.objects.get_or_create(name=TALLIES)
        cursor = FollowCursor.objects.select_for_update().get(name=TALLIES)  # no pass meanwhile
        upto = DossierEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        with _staging_tables():
            if apply:
                DossierTally.objects.all().delete()
            dossiers = _stage_every_chunk(upto, apply, progress)
            _sum_staged()
            shown, count = _differences()
            if apply:
                _replace_from_rebuilt()
                cursor.last_id = max(0, min(upto, max(cursor.last_id, upto - REREAD_AFTER_REBUILD)))
                cursor.read_id = upto
                cursor.save(update_fields=["last_id", "read_id"])
            daily_rows, hourly_rows = (_rows_in(TABLES[name].rebuilt) for name in ("daily", "hourly"))
    return RebuildReport(dossiers, daily_rows, hourly_rows, shown, count, apply)


def _stage_every_chunk(upto: int, keep_states: bool, progress: Callable[[int], None] | None) -> int:
    dossiers = 0
    with memo.reference_data_memo():
        for part in _dossier_chunks(REBUILD_CHUNK):
            folded, states = _fold_chunk(part, upto)
            for name, rows in _folded_rows(folded).items():
                table = TABLES[name]
                _insert(table.staging, [table.column(f) for f in (*table.keys, *table.counters)], rows)
            if keep_states:
                _insert(
                    DossierTally._meta.db_table,
                    [DossierTally._meta.get_field(f).column for f in ("dossier_id", *STATE_FIELDS)],
                    ((d, *(getattr(state, n) for n in STATE_FIELDS)) for d, state in states.items()),
                )
            dossiers += len(part)
            if progress:
                progress(dossiers)
    return dossiers


@contextmanager
def _staging_tables() -> Iterator[None]:
    """Empty tables shaped like the kept ones, for the chunks' counts; dropped afterwards with the
    summed ones (inside the rebuild's transaction: PostgreSQL and SQLite roll their creation back)."""
    with connection.cursor() as cursor:
        for table in TABLES.values():
            columns = table.listing((*table.keys, *table.counters))
            for name in (table.staging, table.rebuilt):
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {table.staging} AS SELECT {columns} FROM {table.name} WHERE 1 = 0"
            )
    yield
    with connection.cursor() as cursor:  # on an error the rollback removes them
        for table in TABLES.values():
            for name in (table.staging, table.rebuilt):
                cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _sum_staged() -> None:
    """Each staging table summed per key, once (the comparison and the replacement read the sums)."""
    with connection.cursor() as cursor:
        for table in TABLES.values():
            keys = table.listing(table.keys)
            sums = ", ".join(f"SUM({c}) AS {c}" for c in map(table.quoted, table.counters))
            nonzero = " OR ".join(f"SUM({table.quoted(c)}) <> 0" for c in table.counters)
            cursor.execute(
                f"CREATE TEMPORARY TABLE {table.rebuilt} AS SELECT {keys}, {sums} FROM {table.staging} "
                f"GROUP BY {keys} HAVING {nonzero}"
            )
            cursor.execute(f"DROP TABLE {table.staging}")


def _rows_in(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {name}")
        return cursor.fetchone()[0]


def _differences() -> tuple[list[Difference], int]:
    """Every counter whose kept value differs from the rebuilt one (an absent row counts as zeros):
    the first SHOWN_DIFFERENCES as Difference rows, and how many in all (counted by the database: a
    first rebuild differs in every row)."""
    shown, count = [], 0
    for label, table in TABLES.items():
        width, counters = len(table.keys), range(len(table.counters))
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS rebuild_differences")
            cursor.execute(f"CREATE TEMPORARY TABLE rebuild_differences AS {_compared(table)}")
            cursor.execute(
                "SELECT COALESCE(SUM("
                + " + ".join(f"CASE WHEN k{i} <> r{i} THEN 1 ELSE 0 END" for i in counters)
                + "), 0) FROM rebuild_differences"
            )
            count += int(cursor.fetchone()[0])
            cursor.execute(
                f"SELECT * FROM rebuild_differences LIMIT {max(0, SHOWN_DIFFERENCES - len(shown))}"
            )
            for row in cursor.fetchall():
                for i, name in zip(counters, table.counters, strict=True):
                    kept_value, rebuilt_value = int(row[width + 2 * i]), int(row[width + 2 * i + 1])
                    if kept_value != rebuilt_value and len(shown) < SHOWN_DIFFERENCES:
                        shown.append(Difference(label, tuple(row[:width]), name, kept_value, rebuilt_value))
            cursor.execute("DROP TABLE rebuild_differences")
    return shown, count


def _compared(table: Table) -> str:
    """The keys where the kept and the rebuilt rows differ, with each counter's kept (k<i>) and rebuilt
    (r<i>) value."""
    keys, counters = table.listing(table.keys), list(enumerate(map(table.quoted, table.counters)))
    kept_side = ", ".join(f"{c} AS k{i}, 0 AS r{i}" for i, c in counters)
    rebuilt_side = ", ".join(f"0 AS k{i}, {c} AS r{i}" for i, c in counters)
    sums = ", ".join(f"SUM(k{i}) AS k{i}, SUM(r{i}) AS r{i}" for i, _ in counters)
    differ = " OR ".join(f"SUM(k{i}) <> SUM(r{i})" for i, _ in counters)
    return (
        f"SELECT {keys}, {sums} FROM (SELECT {keys}, {kept_side} FROM {table.name} "
        f"UNION ALL SELECT {keys}, {rebuilt_side} FROM {table.rebuilt}) AS both_sides "
        f"GROUP BY {keys} HAVING {differ}"
    )


def _replace_from_rebuilt() -> None:
    with connection.cursor() as cursor:
        for table in TABLES.values():
            columns = table.listing((*table.keys, *table.counters))
            cursor.execute(f"DELETE FROM {table.name}")
            cursor.execute(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {table.rebuilt}")


def _insert(table: str, columns: list[str], rows: Iterator[tuple]) -> None:
    """Rows into a table (the staging tables, the emptied dossier states). PostgreSQL: COPY, because
    bulk_create's parameter binding made a 1,000,000-dossier rebuild spend most of its time inserting
    (A/B on the 20,000-dossier bench history, 2026-12-03, shared machine: 42 s of bulk_create against
    about 2 s of COPY for the same ~100,000 rows). Elsewhere executemany."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({quoted}) VALUES ({marks})", [_adapted(row) for row in rows]
        )


def _adapted(row: tuple) -> tuple:
    """Dates and moments as the database backend stores them (SQLite has no types of its own)."""
    ops = connection.ops
    return tuple(
        ops.adapt_datetimefield_value(value) if isinstance(value, datetime)
        else ops.adapt_datefield_value(value) if isinstance(value, date)
        else value
        for value in row
    )  # fmt: skip
