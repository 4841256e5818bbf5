"""Small moves the handlers are made of: a step handed over or sent back, a row of the control slip,
steps stopped, paper originals set on their way."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from . import clock, memo
from .context import ActionContext
from .models import Channel, DossierStep, Handover, PaperMovement, StepState

ORIGINALS_DEADLINE_DAYS = Decimal(1)


def record_handover(
    ctx: ActionContext,
    kind: str,
    step_order: int | None,
    from_unit_id: int,
    to_unit_id: int | None,
    due_at: datetime | None,
    at: datetime | None = None,
) -> None:
    """A row of the control slip (Form 06), with its timeliness against the deadline it served (at:
    when it happened, if not now: a delivery the postman reports later)."""
    at = at or ctx.now
    ctx.add(
        Handover(
            dossier=ctx.dossier,
            kind=kind,
            step_order=step_order,
            from_unit_id=from_unit_id,
            from_user=ctx.actor.user,
            to_unit_id=to_unit_id,
            at=at,
            due_at=due_at,
            timeliness=clock.timeliness(at, due_at),
        )
    )


def move_to(ctx: ActionContext, current: DossierStep, target: DossierStep, kind: str) -> dict[str, Any]:
    """The dossier goes from one step to another (handed on, or sent back)."""
    now = ctx.now
    current.state, current.completed_at = (
        (StepState.DONE, now) if kind != Handover.Kind.RETURN_STEP else (StepState.PENDING, None)
    )
    if now > (current.due_at or now):
        current.late = True
    target.state, target.started_at, target.completed_at = StepState.ACTIVE, now, None
    for step in (current, target):
        ctx.save(step, ["state", "completed_at", "started_at", "late"])
    record_handover(ctx, kind, current.order, current.unit_id, target.unit_id, current.due_at)
    return {"current_step_order": target.order, "current_unit_id": target.unit_id}


def stop_unfinished(ctx: ActionContext) -> list[int]:
    """The steps not done become nobody's work (a closed dossier); returns their orders."""
    stopped = [step for step in ctx.steps if step.state != StepState.DONE]
    for step in stopped:
        step.state = StepState.STOPPED
        ctx.save(step, ["state"])
    return [step.order for step in stopped]


def send_originals_on(ctx: ActionContext) -> None:
    """Paper originals received away from the competent agency travel there within a working day."""
    dossier = ctx.dossier
    if dossier.channel == Channel.ONLINE or dossier.receiving_unit_id == dossier.competent_unit_id:
        return
    if not any(p.form == "original" for p in ctx.papers):
        return
    send_papers(ctx, dossier.receiving_unit_id, dossier.competent_unit_id)


def send_papers(ctx: ActionContext, from_unit_id: int, to_unit_id: int) -> None:
    """Paper originals set on their way from one unit to another, due within a working day."""
    ctx.add(
        PaperMovement(
            dossier=ctx.dossier,
            from_unit_id=from_unit_id,
            to_unit_id=to_unit_id,
            created_at=ctx.now,
            due_at=memo.calendar().add_working_days(ctx.now, ORIGINALS_DEADLINE_DAYS),
        )
    )
