"""The dossier's event log: appending (hash-chained), verifying the chains, and rebuilding the
dossier's state from its events."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection

from .models import Dossier, DossierEvent

# Fields of Dossier whose value the event log carries; a replay must reproduce them exactly.
TRACKED_FIELDS = (
    "status",
    "current_unit_id",
    "current_step_order",
    "due_at",
    "legal_due_at",
    "clock_start",
    "paused_since",
    "resume_status",
    "result_at_return_point",
    "received_at",
    "finished_at",
    "returned_at",
    "closed_at",
    "late",
    "due_soon",
    "late_unit_id",
    "late_step_order",
    "finished_on_time",
    "return_unit_id",
    "return_by_post",
)


def encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _payload_text(value: Any) -> str:
    """A payload value JSON has no type for. A moment is written in UTC, so that the same moment gives
    the same text (and hash) whether it was read from the database or computed in local time."""
    return str(value.astimezone(UTC) if isinstance(value, datetime) else value)


def _canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(content).encode()).hexdigest()


def _hashed_content(dossier_code: str, event: DossierEvent) -> dict[str, Any]:
    return {
        "dossier": dossier_code,
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "role": event.role,
        "unit": event.unit_id,
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "changes": event.changes,
        "payload": event.payload,
        "prev": event.prev_hash,
    }


def prepare_event(
    *,
    dossier: Dossier,
    at: datetime,
    actor,
    role: str,
    unit_id: int | None,
    action: str,
    from_status: int | None,
    changes: dict[str, Any],
    payload: dict[str, Any],
) -> DossierEvent:
    """The next event of the dossier's chain, hashed but not saved; the dossier's bookkeeping fields
    (last_event_seq, last_event_hash) are set. The hash depends on the dossier's code, not its id, so an
    intake can prepare its event before the dossier's row exists."""
    event = DossierEvent(
        dossier=dossier,
        seq=dossier.last_event_seq + 1,
        at=at,
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        role=role,
        unit_id=unit_id,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        # JSON round trip so the hash is computed over exactly what the database will give back.
        changes=json.loads(json.dumps({k: encode(v) for k, v in changes.items()}, default=str)),
        payload=json.loads(json.dumps(payload, default=_payload_text)),
        prev_hash=dossier.last_event_hash,
    )
    event.hash = _digest(_hashed_content(dossier.code, event))
    dossier.last_event_seq = event.seq
    dossier.last_event_hash = event.hash
    return event


EVENT_BOOKKEEPING = ("last_event_seq", "last_event_hash")


@dataclass
class ChainProblem:
    dossier_code: str
    seq: int
    reason: str


def verify_chain(dossier: Dossier, events=None) -> list[ChainProblem]:
    """Check the dossier's chain; `events` (in seq order) may be given when already fetched."""
    problems: list[ChainProblem] = []
    previous = ""
    expected_seq = 1
    for event in dossier.events.order_by("seq") if events is None else events:
        if event.seq != expected_seq:
            problems.append(ChainProblem(dossier.code, event.seq, f"sequence gap: expected {expected_seq}"))
        if event.prev_hash != previous:
            problems.append(ChainProblem(dossier.code, event.seq, "previous-hash link broken"))
        if _digest(_hashed_content(dossier.code, event)) != event.hash:
            problems.append(ChainProblem(dossier.code, event.seq, "content does not match its hash"))
        previous, expected_seq = event.hash, event.seq + 1
    if previous != dossier.last_event_hash:
        problems.append(
            ChainProblem(dossier.code, expected_seq - 1, "dossier's last hash differs from its chain")
        )
    return problems


def initial_state() -> dict[str, Any]:
    fields = {f.attname: f for f in Dossier._meta.concrete_fields}  # TRACKED_FIELDS are attribute names
    return {name: encode(fields[name].get_default()) for name in TRACKED_FIELDS}


def replay(events) -> dict[str, Any]:
    """The tracked state, rebuilt by folding the changes of each event in order onto the defaults."""
    state = initial_state()
    for event in events:
        state.update(event.changes)
        state["status"] = event.to_status
    return state


def stored_state(dossier: Dossier) -> dict[str, Any]:
    return {name: encode(getattr(dossier, name)) for name in TRACKED_FIELDS}


def rebuilt_matches(dossier: Dossier, events=None) -> tuple[bool, dict[str, tuple[Any, Any]]]:
    rebuilt = replay(dossier.events.order_by("seq") if events is None else events)
    stored = stored_state(dossier)
    differences = {
        k: (stored[k], rebuilt.get(k)) for k in stored if _normal(stored[k]) != _normal(rebuilt.get(k))
    }
    return not differences, differences


def _normal(value: Any) -> Any:
    if isinstance(value, str) and "T" in value and value[:4].isdigit():
        return datetime.fromisoformat(value)
    return value


APPEND_ONLY_SQL = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS dossier_events_no_update BEFORE UPDATE ON dossiers_dossierevent "
        "BEGIN SELECT RAISE(ABORT, 'dossier events are append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS dossier_events_no_delete BEFORE DELETE ON dossiers_dossierevent "
        "BEGIN SELECT RAISE(ABORT, 'dossier events are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION dossier_events_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'dossier events are append-only' USING ERRCODE = 'restrict_violation'; END; $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS dossier_events_no_change ON dossiers_dossierevent",
        "CREATE TRIGGER dossier_events_no_change BEFORE UPDATE OR DELETE ON dossiers_dossierevent "
        "FOR EACH ROW EXECUTE FUNCTION dossier_events_append_only()",
        # TRUNCATE fires no row trigger: it has its own, refusing it unless there is nothing to remove
        # (an empty table: a test database's flush). SQLite has no TRUNCATE; its DELETE without a WHERE
        # clause runs the row trigger above.
        "CREATE OR REPLACE FUNCTION dossier_events_no_truncate() RETURNS trigger AS $$ "
        "BEGIN IF EXISTS (SELECT 1 FROM dossiers_dossierevent) THEN "
        "RAISE EXCEPTION 'dossier events are append-only' USING ERRCODE = 'restrict_violation'; "
        "END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS dossier_events_no_truncate ON dossiers_dossierevent",
        "CREATE TRIGGER dossier_events_no_truncate BEFORE TRUNCATE ON dossiers_dossierevent "
        "FOR EACH STATEMENT EXECUTE FUNCTION dossier_events_no_truncate()",
    ],
}


DROP_SQL = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS dossier_events_no_update",
        "DROP TRIGGER IF EXISTS dossier_events_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS dossier_events_no_change ON dossiers_dossierevent",
        "DROP TRIGGER IF EXISTS dossier_events_no_truncate ON dossiers_dossierevent",
    ],
}


def install_append_only_triggers(schema_editor=None) -> None:
    _run(APPEND_ONLY_SQL, schema_editor)


def drop_append_only_triggers(schema_editor=None) -> None:
    """Only for tearing down test databases; production never calls this."""
    _run(DROP_SQL, schema_editor)


def _run(statements: dict[str, list[str]], schema_editor) -> None:
    conn = schema_editor.connection if schema_editor is not None else connection
    with conn.cursor() as cursor:
        for statement in statements.get(conn.vendor, []):
            cursor.execute(statement)
