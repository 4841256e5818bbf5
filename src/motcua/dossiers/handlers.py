"""What each lifecycle action does to a dossier (the action table, lifecycle.py, names one handler per
action). A handler changes the dossier's related rows through the context and returns the dossier's
changed fields and the event's payload; the engine checks, applies and records. Supplements have a
module of their own (supplements.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import clock, guards, moves, pins
from .context import ActionContext, Outcome
from .models import Apology, Handover, Rating, StepState
from .satisfaction import satisfied


def submit_online(ctx: ActionContext) -> Outcome:
    return Outcome()


def receive(ctx: ActionContext) -> Outcome:
    """The checklist is complete: the clock starts, paper originals set off to the competent agency."""
    changes = clock.start_clock(ctx)
    moves.send_originals_on(ctx)
    return Outcome(changes)


def refuse(ctx: ActionContext) -> Outcome:
    """Refused at intake (at the counter, or an online filing): the reason is kept, the dossier closed,
    its planned steps stopped (kept on the page, as nobody's work)."""
    ctx.dossier.reason = ctx.params.get("reason", "")
    stopped = moves.stop_unfinished(ctx)
    return Outcome({"closed_at": ctx.now}, {"reason": ctx.dossier.reason, "stopped_steps": stopped})


def close(ctx: ActionContext) -> Outcome:
    """Processing stopped or the dossier withdrawn: as a refusal, and a pause for a supplement ends."""
    outcome = refuse(ctx)
    outcome.changes["paused_since"] = None
    return outcome


def assign(ctx: ActionContext) -> Outcome:
    step = ctx.current_step
    assert step is not None  # the table allows assigning from statuses with a current step
    step.assignee_id = guards.assignee_id(ctx)
    ctx.save(step, ["assignee"])
    return Outcome(payload={"assignee": step.assignee_id, "step": step.order})


def complete_step(ctx: ActionContext) -> Outcome:
    steps = {s.order: s for s in ctx.steps}
    current = ctx.current_step
    assert current is not None  # the table allows it from statuses with a current step
    following = min(o for o in steps if o > current.order)
    changes = moves.move_to(ctx, current, steps[following], Handover.Kind.STEP)
    return Outcome(changes, {"note": ctx.params.get("note", ""), "to_step": following})


def return_step(ctx: ActionContext) -> Outcome:
    steps = {s.order: s for s in ctx.steps}
    current = ctx.current_step
    assert current is not None  # the table allows it from statuses with a current step
    previous = max(o for o in steps if o < current.order)
    changes = moves.move_to(ctx, current, steps[previous], Handover.Kind.RETURN_STEP)
    clock.plan_again_from(ctx, previous)
    return Outcome(changes, {"reason": ctx.params.get("reason", ""), "to_step": previous})


def request_payment(ctx: ActionContext) -> Outcome:
    return Outcome({"resume_status": ctx.dossier.status}, {"amount_vnd": guards.payment_amount(ctx)})


def payment_received(ctx: ActionContext) -> Outcome:
    online = bool(ctx.params.get("online"))
    if online:
        ctx.dossier.paid_online = True
    return Outcome({"resume_status": None}, {"online": online, "receipt": ctx.params.get("receipt", "")})


def apologize(ctx: ActionContext) -> Outcome:
    dossier, new_due = ctx.dossier, guards.new_due(ctx)
    assert dossier.due_at is not None  # before_due_and_later_date held: there is an appointment
    ctx.add(
        Apology(
            dossier=dossier,
            unit_id=ctx.unit_id or dossier.current_unit_id,
            at=ctx.now,
            reason=ctx.params["reason"],
            previous_due_at=dossier.due_at,
            new_due_at=new_due,
        )
    )
    clock.move_steps_to_new_appointment(ctx, new_due)
    return Outcome(
        {"due_at": new_due, "late": False, "due_soon": False},
        {"reason": ctx.params["reason"], "previous_due_at": dossier.due_at, "new_due_at": new_due},
    )


def finish(ctx: ActionContext) -> Outcome:
    dossier, now = ctx.dossier, ctx.now
    step = ctx.current_step
    assert step is not None
    step.state, step.completed_at = StepState.DONE, now
    step.late = bool(step.due_at and now > step.due_at)
    ctx.save(step, ["state", "completed_at", "late"])
    on_time = dossier.legal_due_at is None or now <= dossier.legal_due_at
    repeated = any(s.repeated for s in ctx.supplements)
    return_step = ctx.return_step
    at_return_point = (
        return_step is not None
        and return_step.unit_id == dossier.current_unit_id
        and not dossier.return_by_post
    )
    changes = {
        "finished_at": now,
        "finished_on_time": on_time and not repeated,
        "result_at_return_point": at_return_point,
    }
    if return_step is not None and at_return_point:  # nothing to carry: the return step begins now
        return_step.state, return_step.started_at = StepState.ACTIVE, now
        ctx.save(return_step, ["state", "started_at"])
        changes["current_step_order"] = return_step.order
    return Outcome(changes, {"result_papers": ctx.params.get("result_papers", [])})


def carry_result(ctx: ActionContext) -> Outcome:
    dossier, current, target = ctx.dossier, ctx.current_step, ctx.return_step
    to_unit = target.unit_id if target else dossier.return_unit_id
    moves.record_handover(
        ctx,
        Handover.Kind.RESULT,
        current.order if current else None,
        dossier.current_unit_id,
        to_unit,
        dossier.due_at,
    )
    changes = {"current_unit_id": to_unit, "result_at_return_point": True}
    if target:
        target.state, target.started_at = StepState.ACTIVE, ctx.now
        ctx.save(target, ["state", "started_at"])
        changes["current_step_order"] = target.order
    return Outcome(changes, {"by_post": dossier.return_by_post})


def return_result(ctx: ActionContext) -> Outcome:
    changes = result_handed_over(ctx, ctx.now)
    return Outcome(
        changes, {"by_post": ctx.dossier.return_by_post, "receiver": ctx.params.get("receiver", "")}
    )


def result_handed_over(ctx: ActionContext, at: datetime) -> dict[str, Any]:
    """The result reached the applicant at `at` (at the counter, or delivered by the post): the return
    step is done, the control slip has its last row, the dossier closes."""
    dossier, step = ctx.dossier, ctx.current_step
    if step:
        step.state, step.completed_at = StepState.DONE, at
        ctx.save(step, ["state", "completed_at"])
    moves.record_handover(
        ctx,
        Handover.Kind.RETURNED,
        step.order if step else None,
        dossier.current_unit_id,
        None,
        dossier.due_at,
        at,
    )
    return {"returned_at": at, "closed_at": at}


def send_originals(ctx: ActionContext) -> Outcome:
    movement = next(m for m in ctx.movements if m.waiting_to_be_sent and m.from_unit_id == ctx.unit_id)
    movement.sent_at = ctx.now
    ctx.save(movement, ["sent_at"])
    return Outcome(payload={"movement": movement.id})


def receive_originals(ctx: ActionContext) -> Outcome:
    movement = next(m for m in ctx.movements if m.in_transit and m.to_unit_id == ctx.unit_id)
    movement.received_at = ctx.now
    ctx.save(movement, ["received_at"])
    return Outcome(payload={"movement": movement.id, "late": ctx.now > movement.due_at})


def reissue_pin(ctx: ActionContext) -> Outcome:
    """A new PIN replaces the old one. It is shown once, like the receipt's: the caller reads it from
    dossier.new_pin; the event records that a PIN was issued, never the PIN."""
    ctx.dossier.new_pin = pins.new_pin()
    ctx.dossier.tracking_secret = pins.tracking_secret(ctx.dossier.new_pin)
    return Outcome(payload={"pin_reissued": True})


def mark_due_soon(ctx: ActionContext) -> Outcome:
    return Outcome({"due_soon": True})


def mark_late(ctx: ActionContext) -> Outcome:
    """The watch: active steps past their own deadline are marked late, and the dossier past its due
    time, blamed on the step that made it late."""
    dossier, now = ctx.dossier, ctx.now
    late_steps = [
        s for s in ctx.steps if s.state == StepState.ACTIVE and s.due_at and s.due_at < now and not s.late
    ]
    for step in late_steps:
        step.late = True
        ctx.save(step, ["late"])
    changes = {}
    if dossier.due_at and now > dossier.due_at and not dossier.late:
        cause = clock.lateness_cause(ctx)
        changes = {
            "late": True,
            "due_soon": False,
            "late_unit_id": cause.unit_id if cause else dossier.current_unit_id,
            "late_step_order": cause.order if cause else None,
        }
    return Outcome(changes, {"late_steps": [s.order for s in late_steps]})


def rate(ctx: ActionContext) -> Outcome:
    """The applicant's rating: from their pages (logged in), the tracking page (code and PIN), or the
    return desk's tablet (the counter officer's session)."""
    actor = ctx.actor
    via = ("portal" if actor.id_number else "tracking") if actor.applicant else "counter"
    score, comment = guards.rating_score(ctx), str(ctx.params.get("comment") or "").strip()
    ctx.add(Rating(dossier=ctx.dossier, score=score, comment=comment, via=via, at=ctx.now))
    return Outcome(payload={"score": score, "satisfied": satisfied(score), "comment": comment, "via": via})
