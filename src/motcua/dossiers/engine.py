"""The action engine: one lifecycle action on a dossier, as its record in the table allows. Lock the
dossier, check who may see it, find the transition, authorize, check the guard, run the handler, apply
the changes and append the event, all in one transaction: nothing is half-written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.errors import MotcuaError, Problem, ValidationFailed
from motcua.i18n import both
from motcua.network import reference

from .context import ActionContext, Outcome
from .events import EVENT_BOOKKEEPING, prepare_event
from .lifecycle import ACTIONS, ActionRecord, actions_from, resolve_target
from .models import Dossier, DossierEvent, Status
from .permissions import (
    Actor,
    authorize,
    brought_to_counter,
    dossier_not_found,
    ensure_applicant,
    ensure_visible,
)

# Concrete fields of the dossier but its id: (attribute name, field name).
DOSSIER_FIELDS = tuple((f.attname, f.name) for f in Dossier._meta.concrete_fields if not f.primary_key)


def act(
    *,
    actor: Actor,
    code: str,
    action: str,
    now: datetime | None = None,
    params: dict[str, Any] | None = None,
    attachments: list[Any] | None = None,
) -> Dossier:
    """Perform one lifecycle action on a dossier, as the transition table allows. attachments: files
    the documents app stored for the action (attach, digitize, issue a result)."""
    now = now or timezone.now()
    record = record_named(action)
    with transaction.atomic(), reference.scope():
        dossier = locked(code)
        ctx = ActionContext(dossier, now, actor, dict(params or {}), from_status=dossier.status)
        ctx.attachments = list(attachments or [])
        if actor.applicant:  # an identified applicant, only their own
            ensure_applicant(actor, dossier)
        elif not brought_to_counter(ctx, record.transition_from(dossier.status)):
            # staff see only dossiers of their units (before learning its status), but for what the
            # applicant brings to any counter with the dossier's code and their ID number
            ensure_visible(actor, dossier, ctx.steps)
        before = field_values(dossier)
        done = perform(ctx, record)
        event = append_event(ctx, record, done)
        event.save(force_insert=True)
        dossier.save(update_fields=changed_fields(dossier, before))
    return dossier


@dataclass
class Performed:
    role: str
    outcome: Outcome


def perform(ctx: ActionContext, record: ActionRecord) -> Performed:
    """Check and run the action on the context's dossier (saved or being received); the dossier's
    fields are changed in memory, its related rows through the context."""
    dossier = ctx.dossier
    transition = record.transition_from(ctx.from_status)
    if transition is None:
        raise illegal_action(dossier, record)
    ctx.unit_id, role = authorize(ctx.actor, transition, ctx)
    if transition.guard is not None:
        reason = transition.guard(ctx)
        if reason:
            raise transition.guard.refusal(reason)
    target = resolve_target(transition, dossier.status, dossier.resume_status)
    outcome = record.handler(ctx)
    note = str(ctx.params.get("note") or "").strip()
    if note and "note" not in outcome.payload:  # what the officer wrote is kept with every action
        outcome.payload = {**outcome.payload, "note": note}
    dossier.status = target
    for name, value in outcome.changes.items():
        setattr(dossier, name, value)
    return Performed(role, outcome)


def append_event(ctx: ActionContext, record: ActionRecord, done: Performed) -> DossierEvent:
    """The action's event, chained to the dossier's last one (not saved yet)."""
    dossier = ctx.dossier
    return prepare_event(
        dossier=dossier,
        at=ctx.now,
        actor=ctx.actor.user,
        role=done.role,
        unit_id=ctx.unit_id,
        action=record.name,
        from_status=ctx.from_status or None,
        changes={name: getattr(dossier, name) for name in done.outcome.changes},
        payload=done.outcome.payload,
    )


def locked(code: str) -> Dossier:
    """The dossier, its row locked until the end of the transaction."""
    try:
        return Dossier.objects.select_for_update().get(code=code)
    except Dossier.DoesNotExist:
        raise dossier_not_found(code) from None


def field_values(dossier: Dossier) -> list[Any]:
    return [getattr(dossier, attname) for attname, _ in DOSSIER_FIELDS]


def changed_fields(dossier: Dossier, before: list[Any]) -> list[str]:
    """The fields an action changed (handler's changes, fields it set directly, the event bookkeeping):
    the UPDATE writes only these."""
    changed = [
        name
        for (attname, name), old in zip(DOSSIER_FIELDS, before, strict=True)
        if getattr(dossier, attname) != old
    ]
    return changed or list(EVENT_BOOKKEEPING)


def record_named(action: str) -> ActionRecord:
    record = ACTIONS.get(str(action))
    if record is None:
        known = ", ".join(ACTIONS)
        raise ValidationFailed(
            message_vi=f"Không có thao tác '{action}'. Các thao tác: {known}.",
            message_en=f"There is no action '{action}'. Actions: {known}.",
            problems=[Problem("action", "không hợp lệ", "unknown")],
        )
    return record


def illegal_action(dossier: Dossier, record: ActionRecord) -> MotcuaError:
    allowed = [r for r in actions_from(dossier.status) if not r.system]
    status = Status(dossier.status)
    vi_list = ", ".join(r.label_vi for r in allowed) or "không có"
    en_list = ", ".join(r.name for r in allowed) or "none"
    label_vi, label_en = both(status.label)
    return ValidationFailed(
        message_vi=f"Không thể '{record.label_vi}' hồ sơ {dossier.code} đang ở trạng thái "
        f"{status.value} ({label_vi}). Thao tác được phép: {vi_list}.",
        message_en=f"Cannot '{record.name}' dossier {dossier.code} in status {status.value} ({label_en}). "
        f"Allowed actions: {en_list}.",
        code="illegal_action",
        http_status=409,
    )
