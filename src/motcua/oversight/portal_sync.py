"""The national-portal sync outbox (DOMAIN.md section 7).

- produce: a follower of the event log turns every dossier event into the portal's record of the
  dossier as it stood after that event (state replayed from the events), one SyncRecord per event,
  keyed "<code>:<seq>" (idempotent: a record made twice is one row);
- deliver: records are claimed (a lease), sent by the configured sender outside any transaction, then
  marked acknowledged, or retried with exponential back-off; per dossier in order (a record waits
  until the dossier's earlier ones are acknowledged);
- rebuild: `motcua sync --rebuild` makes every record again from the event log, keeping what was
  acknowledged;
- the transparency component "dossiers synced" counts what the portal acknowledged.

The sender is pluggable (MOTCUA["SYNC_SENDER"]): "folder" (default) writes one JSON file per record
(the key as its name, so a re-sent record replaces itself), "http" posts it to MOTCUA["SYNC_URL"] with
an Idempotency-Key header (2xx and 409 mean acknowledged)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from motcua.dossiers.events import initial_state
from motcua.dossiers.models import Dossier, DossierEvent, DossierPaper, Status
from motcua.network import reference

from . import scoring, selectors
from .models import FollowCursor, SyncRecord
from .scope import Period, Scope, unit_tree
from .tallies import behind

SYNC = "sync"
SETTLE = timedelta(seconds=60)
BATCH = 2000
LEASE = timedelta(seconds=60)
BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_CAP = timedelta(hours=1)
EVENT_FIELDS = ("dossier_id", "seq", "at", "actor_name", "role", "unit_id", "action", "to_status", "changes")


def backoff(attempts: int, base: timedelta = BACKOFF_BASE, cap: timedelta = BACKOFF_CAP) -> timedelta:
    """The wait after the n-th failed attempt: base, 2 × base, 4 × base … at most cap."""
    return min(cap, base * (2 ** max(0, attempts - 1)))


# --- the record ---------------------------------------------------------------------------------------


def _time(value: Any) -> str | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return timezone.localtime(moment).isoformat()


def _unit_code(unit_id: int | None) -> str | None:
    node = unit_tree().get(unit_id) if unit_id else None
    return node.code if node else None


def build_records(dossier: Dossier, events: list[dict], papers: list[dict], wanted: set[int]) -> list[dict]:
    """The portal's record after each wanted event (seq), from the dossier's fixed fields and the
    state its events give up to that event."""
    state = initial_state()
    history, supplements, records = [], [], []
    for event in events:
        before_due = state.get("due_at")
        state.update(event["changes"] or {})
        state["status"] = event["to_status"]
        history.append(
            {
                "who": event["actor_name"] or event["role"] or "system",
                "title": event["role"],
                "when": _time(event["at"]),
                "unit": _unit_code(event["unit_id"]),
                "action": event["action"],
                "status": event["to_status"],
                # a step begins when the dossier is handed to it
                "step_start": _time(event["at"])
                if "current_step_order" in (event["changes"] or {})
                else None,
                "step_due": _time(state.get("due_at")),
            }
        )
        if event["action"] == "supplement_received" and "due_at" in (event["changes"] or {}):
            supplements.append(
                {"previous_appointment": _time(before_due), "new_appointment": _time(state["due_at"])}
            )
        elif event["action"] == "apologize":
            supplements.append(
                {
                    "previous_appointment": _time(before_due),
                    "new_appointment": _time(state["due_at"]),
                    "apology": True,
                }
            )
        if event["seq"] not in wanted:
            continue
        status = state["status"]
        records.append(
            {
                "key": f"{dossier.code}:{event['seq']}",
                "seq": event["seq"],
                "dossier_code": dossier.code,
                "procedure_code": dossier.procedure.code,
                "sector_code": dossier.procedure.sector.code,
                "channel": dossier.channel,
                "applicant_name": dossier.applicant_name,
                "applicant_id": dossier.applicant_id_number,
                "submitted_at": _time(dossier.submitted_at),
                "received_at": _time(state.get("received_at")),
                "appointment_at": _time(state.get("due_at")),
                "finished_at": _time(state.get("finished_at")),
                "returned_at": _time(state.get("returned_at")),
                "refused_at": _time(state.get("closed_at")) if status == Status.REFUSED else None,
                "status": status,
                "processing_unit": _unit_code(state.get("current_unit_id")),
                "place_of_submission": _unit_code(dossier.receiving_unit_id),
                "digitized": bool(papers) and all(p["digitized"] for p in papers),
                "identity_verified": None,  # VNeID: not known to motcua yet
                "paid_online": dossier.paid_online,
                "papers": papers,
                "results": [],
                "supplements": list(supplements),
                "history": list(history),
                "fees_vnd": dossier.fee_total_vnd,
            }
        )
    return records


def _papers_of(dossier_ids: set[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    rows = DossierPaper.objects.filter(dossier_id__in=dossier_ids).values(
        "dossier_id", "component__code", "digitized", "reused"
    )
    for row in rows.order_by("dossier_id", "id"):
        found.setdefault(row["dossier_id"], []).append(
            {"component": row["component__code"], "file": None, "digitized": row["digitized"],
             "reused": row["reused"], "from_national_store": False}
        )  # fmt: skip
    return found


def _records_for(wanted: dict[int, set[int]]) -> list[SyncRecord]:
    """SyncRecords (unsaved) for the wanted (dossier id -> seqs)."""
    with reference.scope():  # the unit codes: the reference data read once
        return _make_records(wanted)


def _make_records(wanted: dict[int, set[int]]) -> list[SyncRecord]:
    now = timezone.now()
    dossiers = Dossier.objects.filter(pk__in=wanted).select_related("procedure__sector")
    events: dict[int, list[dict]] = {}
    upto = max((max(seqs) for seqs in wanted.values()), default=0)
    rows = DossierEvent.objects.filter(dossier_id__in=wanted, seq__lte=upto).order_by("dossier_id", "seq")
    for row in rows.values(*EVENT_FIELDS):
        events.setdefault(row["dossier_id"], []).append(row)
    papers = _papers_of(set(wanted))
    made = []
    for dossier in dossiers:
        for record in build_records(
            dossier, events.get(dossier.pk, []), papers.get(dossier.pk, []), wanted[dossier.pk]
        ):
            at = next(e["at"] for e in events[dossier.pk] if e["seq"] == record["seq"])
            made.append(
                SyncRecord(
                    dossier_id=dossier.pk, seq=record["seq"], key=record["key"], changed_at=at, created_at=now,
                    payload=json.loads(json.dumps(record, default=str)), next_attempt_at=at,
                )
            )  # fmt: skip
    return made


def produce(*, batch: int = BATCH) -> int:
    """Outbox records for the events appended since the last pass (a follower of the event log, as
    tallies.follow); returns how many were made."""
    if not behind(SYNC):
        return 0
    made, position, settled_so_far = 0, None, True
    while True:
        with transaction.atomic():
            FollowCursor.objects.get_or_create(name=SYNC)
            cursor = FollowCursor.objects.select_for_update().get(name=SYNC)
            position = cursor.last_id if position is None else position
            events = list(
                DossierEvent.objects.filter(id__gt=position)
                .order_by("id")
                .values("id", "recorded_at", "dossier_id", "seq")[:batch]
            )
            if not events:
                return made
            wanted: dict[int, set[int]] = {}
            for event in events:
                wanted.setdefault(event["dossier_id"], set()).add(event["seq"])
            existing = set(SyncRecord.objects.filter(dossier_id__in=wanted).values_list("dossier_id", "seq"))
            wanted = {d: {s for s in seqs if (d, s) not in existing} for d, seqs in wanted.items()}
            wanted = {d: seqs for d, seqs in wanted.items() if seqs}
            records = _records_for(wanted) if wanted else []
            SyncRecord.objects.bulk_create(records, batch_size=1000, ignore_conflicts=True)
            made += len(records)
            position = events[-1]["id"]
            settled = timezone.now() - SETTLE
            for event in events:
                settled_so_far = settled_so_far and event["recorded_at"] < settled
                if not settled_so_far:
                    break
                cursor.last_id = event["id"]
            cursor.read_id = max(cursor.read_id, position)
            cursor.save(update_fields=["last_id", "read_id"])
        if len(events) < batch:
            return made


@dataclass
class RebuildResult:
    records: int
    created: int
    rewritten: int
    kept_acknowledged: int


def rebuild() -> RebuildResult:
    """Every record made again from the event log; acknowledged ones are kept as they are (the portal
    has them), unacknowledged ones get the payload the events give now, missing ones are created."""
    with transaction.atomic():
        FollowCursor.objects.get_or_create(name=SYNC)
        FollowCursor.objects.select_for_update().get(name=SYNC)
        wanted: dict[int, set[int]] = {}
        for dossier_id, seq in DossierEvent.objects.values_list("dossier_id", "seq").iterator(
            chunk_size=5000
        ):
            wanted.setdefault(dossier_id, set()).add(seq)
        existing = {r.key: r for r in SyncRecord.objects.all()}
        created = rewritten = kept = 0
        ids = list(wanted)
        for start in range(0, len(ids), 500):
            part = {d: wanted[d] for d in ids[start : start + 500]}
            new, changed = [], []
            for record in _records_for(part):
                old = existing.get(record.key)
                if old is None:
                    new.append(record)
                elif old.acknowledged_at is not None:
                    kept += 1
                elif old.payload != record.payload:
                    old.payload = record.payload
                    changed.append(old)
            SyncRecord.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
            SyncRecord.objects.bulk_update(changed, ["payload"], batch_size=1000)
            created, rewritten = created + len(new), rewritten + len(changed)
        last = DossierEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        FollowCursor.objects.filter(name=SYNC).update(last_id=last, read_id=last)
    return RebuildResult(sum(len(s) for s in wanted.values()), created, rewritten, kept)


# --- senders ---------------------------------------------------------------------------------------------


class SendError(Exception):
    pass


class Sender(Protocol):
    def send(self, record: dict) -> None:
        """Deliver one record; raise SendError when it was not acknowledged."""


class FolderSender:
    """One file per record, <folder>/<dossier code>/<seq>.json, written whole (a temporary file renamed)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def send(self, record: dict) -> None:
        target = self.folder / record["dossier_code"] / f"{record['seq']:06d}.json"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".tmp")
            temporary.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(temporary, target)
        except OSError as error:
            raise SendError(f"folder: {error}") from error


class HttpSender:
    def __init__(self, url: str, timeout: float = 10, token: str = "") -> None:
        self.url, self.timeout, self.token = url, timeout, token

    def send(self, record: dict) -> None:
        body = json.dumps(record, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": record["key"]}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                response.read()
        except urllib.error.HTTPError as error:
            if error.code == 409:  # the portal has it already
                return
            raise SendError(f"HTTP {error.code}") from error
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            raise SendError(f"HTTP: {error}") from error


def configured_sender() -> Sender:
    config = getattr(settings, "MOTCUA", {})
    kind = config.get("SYNC_SENDER", "folder")
    if kind == "http":
        url = config.get("SYNC_URL", "")
        if not url:
            raise SendError("MOTCUA_SYNC_URL is not set for the http sender")
        return HttpSender(url, float(config.get("SYNC_TIMEOUT", 10)), config.get("SYNC_TOKEN", ""))
    if kind != "folder":
        raise SendError(f"unknown sync sender {kind!r}: folder or http")
    return FolderSender(config.get("SYNC_FOLDER") or Path(settings.HOME) / "sync-outbox")


# --- delivery ----------------------------------------------------------------------------------------------


@dataclass
class DeliveryResult:
    sent: int = 0
    failed: int = 0


def _claim(now: datetime, batch: int) -> list[SyncRecord]:
    earlier_open = SyncRecord.objects.filter(
        dossier_id=OuterRef("dossier_id"), seq__lt=OuterRef("seq"), acknowledged_at__isnull=True
    )
    with transaction.atomic():
        due = (
            SyncRecord.objects.filter(acknowledged_at__isnull=True, next_attempt_at__lte=now)
            .exclude(Exists(earlier_open))
            .order_by("next_attempt_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        records = list(due[:batch])
        SyncRecord.objects.filter(pk__in=[r.pk for r in records]).update(next_attempt_at=now + LEASE)
    return records


def deliver(*, sender: Sender | None = None, batch: int = 500, now: datetime | None = None) -> DeliveryResult:
    """Send what is due, once: claimed records are sent outside any transaction, then marked."""
    sender = sender or configured_sender()
    now = now or timezone.now()
    result = DeliveryResult()
    records = _claim(now, batch)
    acknowledged, failures = [], []
    for record in records:
        try:
            sender.send(record.payload)
        except SendError as error:
            record.attempts += 1
            record.next_attempt_at = now + backoff(record.attempts)
            record.last_error = str(error)[:300]
            failures.append(record)
        else:
            acknowledged.append(record.pk)
    with transaction.atomic():
        SyncRecord.objects.filter(pk__in=acknowledged).update(acknowledged_at=timezone.now(), last_error="")
        SyncRecord.objects.bulk_update(failures, ["attempts", "next_attempt_at", "last_error"])
    result.sent, result.failed = len(acknowledged), len(failures)
    return result


def drain(
    *, sender: Sender | None = None, batch: int = 500, now: datetime | None = None, rounds: int = 1000
) -> DeliveryResult:
    """Deliver until nothing is due (failed records wait for their back-off)."""
    total = DeliveryResult()
    for _ in range(rounds):
        result = deliver(sender=sender, batch=batch, now=now)
        total.sent += result.sent
        total.failed += result.failed
        if not result.sent and not result.failed:
            break
    return total


@dataclass
class Backlog:
    waiting: int
    failing: int  # waiting after at least one failed attempt
    oldest: datetime | None
    age_seconds: int | None
    last_error: str


def backlog(now: datetime | None = None) -> Backlog:
    now = now or timezone.now()
    waiting = SyncRecord.objects.filter(acknowledged_at__isnull=True)
    oldest = waiting.aggregate(at=Min("changed_at"))["at"]
    error = waiting.exclude(last_error="").order_by("-id").values_list("last_error", flat=True).first() or ""
    return Backlog(
        waiting.count(),
        waiting.filter(attempts__gt=0).count(),
        oldest,
        int((now - oldest).total_seconds()) if oldest else None,
        error,
    )


# --- the transparency component ---------------------------------------------------------------------------


def synced_measure(scope: Scope, period: Period) -> scoring.Measure | None:
    """Changes of the period acknowledged by the portal, out of the changes of the period; not
    measured while the outbox has never held a record."""
    if not SyncRecord.objects.exists():
        return None
    records = SyncRecord.objects.filter(changed_at__gte=period.start, changed_at__lt=period.end)
    scoped = scope.dossier_q()
    if scoped:
        records = records.filter(dossier__in=Dossier.objects.filter(scoped).values("pk"))
    total = records.count()
    return scoring.Measure(records.filter(acknowledged_at__isnull=False).count(), total)


selectors.register_measure("synced", synced_measure)
