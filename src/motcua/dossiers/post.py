"""Return by post (Bưu điện, the public postal service): the result of a dossier whose applicant chose
the post is handed to the postman with a shipment number, then delivered (the result is returned: the
returned time is the delivery time) or returned to sender (back at the unit, to be returned in person
or sent again). The dossier stays FINISHED (status 9) while the result is in the post: the national
portal's codes have no status for it, and the result is returned only once the applicant has it.
Each is a lifecycle action (lifecycle.py) writing or updating one Shipment row beside its event; a
dossier that came in by post keeps its envelope's number the same way (intake)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.errors import Problem, ValidationFailed

from . import moves
from .context import ActionContext, Outcome, Reason
from .guards import guard
from .handlers import result_handed_over
from .models import Dossier, Handover, Shipment

if TYPE_CHECKING:
    from motcua.network.models import Unit

    from .permissions import Actor

SHIPMENT_NUMBER = re.compile(r"[A-Z0-9](?:[A-Z0-9-]{0,38}[A-Z0-9])?")
SHIPMENT_NUMBER_RULE = (
    "1 đến 40 ký tự: chữ cái không dấu, chữ số và dấu gạch ngang (không ở đầu hay cuối), ví dụ EB123456789VN",
    "1 to 40 characters: letters, digits and dashes (not first or last), e.g. EB123456789VN",
)


def normalized_number(value: object) -> str:
    """A shipment number as kept: without surrounding spaces, in capitals (as the postal label prints it)."""
    return str(value or "").strip().upper()


def number_problem(value: object, field: str = "shipment_number") -> Problem | None:
    """Why a shipment number is not one (None: it is), naming the field."""
    if SHIPMENT_NUMBER.fullmatch(normalized_number(value)):
        return None
    return Problem(
        field, f"số hiệu bưu gửi: {SHIPMENT_NUMBER_RULE[0]}", f"shipment number: {SHIPMENT_NUMBER_RULE[1]}"
    )


def in_the_post(ctx: ActionContext) -> Shipment | None:
    """The result's shipment still in transit, if any."""
    return next((s for s in ctx.shipments if s.kind == Shipment.Kind.RESULT and s.in_transit), None)


def came_by_post(dossier: Dossier, unit: Unit, number: str, now: datetime, actor: Actor) -> Shipment:
    """The shipment a dossier received by post came in: delivered to the receiving unit now."""
    return Shipment(
        dossier=dossier,
        kind=Shipment.Kind.INTAKE,
        number=number,
        unit=unit,
        handed_at=now,
        handed_by=actor.user,
        outcome=Shipment.Outcome.DELIVERED,
        outcome_at=now,
    )


# --- guards (state only: the pages offer the action when they hold) ----------------------------------


@guard(state_only=True)
def result_waiting_for_post(ctx: ActionContext) -> Reason:
    """The applicant chose the post, the result is at the unit that sends it, and not in the post now."""
    dossier = ctx.dossier
    if not dossier.return_by_post:
        return (
            "Người nộp không chọn nhận kết quả qua bưu chính.",
            "The applicant did not choose to receive the result by post.",
        )
    if not dossier.result_at_return_point:
        return (
            "Kết quả chưa được chuyển đến nơi gửi bưu chính.",
            "The result has not reached the unit that sends it by post yet.",
        )
    if in_the_post(ctx) is not None:
        return "Kết quả đang được bưu điện chuyển phát.", "The result is already in the post."
    return None


@guard(state_only=True)
def result_in_the_post(ctx: ActionContext) -> Reason:
    if in_the_post(ctx) is None:
        return (
            "Không có kết quả nào đang được bưu điện chuyển phát.",
            "No result of this dossier is in the post.",
        )
    return None


# --- handlers ----------------------------------------------------------------------------------------


def hand_to_post(ctx: ActionContext) -> Outcome:
    """The result goes to the postman with a new shipment number; the control slip gets its row."""
    number = _new_number(ctx)
    assert ctx.unit_id is not None  # authorized at the unit sending it (the table's places)
    step = ctx.current_step
    moves.record_handover(
        ctx, Handover.Kind.POST, step.order if step else None, ctx.unit_id, None, ctx.dossier.due_at
    )
    ctx.add(
        Shipment(
            dossier=ctx.dossier,
            kind=Shipment.Kind.RESULT,
            number=number,
            unit_id=ctx.unit_id,
            handed_at=ctx.now,
            handed_by=ctx.actor.user,
            outcome=Shipment.Outcome.IN_TRANSIT,
        )
    )
    return Outcome(payload={"shipment_number": number, "address": ctx.dossier.return_address})


def post_delivered(ctx: ActionContext) -> Outcome:
    """Delivered: the result is returned at the delivery time the postman reports."""
    shipment = in_the_post(ctx)
    assert shipment is not None  # result_in_the_post held
    at = _reported_moment(ctx, "delivered_at", shipment)
    receiver = str(ctx.params.get("receiver") or "").strip()
    shipment.outcome, shipment.outcome_at, shipment.receiver = Shipment.Outcome.DELIVERED, at, receiver
    shipment.outcome_by = ctx.actor.user
    ctx.save(shipment, ["outcome", "outcome_at", "receiver", "outcome_by"])
    changes = result_handed_over(ctx, at)
    return Outcome(changes, {"shipment_number": shipment.number, "delivered_at": at, "receiver": receiver})


def post_returned_to_sender(ctx: ActionContext) -> Outcome:
    """Not delivered (nobody at the address, refused...): the result is back at the unit."""
    shipment = in_the_post(ctx)
    assert shipment is not None  # result_in_the_post held
    at = _reported_moment(ctx, "returned_at", shipment)
    reason = str(ctx.params.get("reason") or "").strip()
    shipment.outcome, shipment.outcome_at, shipment.reason = Shipment.Outcome.RETURNED, at, reason
    shipment.outcome_by = ctx.actor.user
    ctx.save(shipment, ["outcome", "outcome_at", "reason", "outcome_by"])
    return Outcome(payload={"shipment_number": shipment.number, "returned_at": at, "reason": reason})


def _new_number(ctx: ActionContext) -> str:
    value = ctx.params.get("shipment_number")
    problem = number_problem(value)
    if (
        problem is None
        and Shipment.objects.filter(kind=Shipment.Kind.RESULT, number=normalized_number(value)).exists()
    ):
        problem = Problem(
            "shipment_number",
            "số hiệu bưu gửi này đã được ghi cho một bưu gửi khác",
            "this shipment number is already recorded for another shipment",
        )
    if problem is not None:
        raise _invalid(problem)
    return normalized_number(value)


def _reported_moment(ctx: ActionContext, field: str, shipment: Shipment) -> datetime:
    """When the postman says it happened (default: now): not in the future, not before the hand-over."""
    value = ctx.params.get(field)
    at = value if isinstance(value, datetime) else None
    if value not in (None, "") and at is None:
        at = _parsed(value)
        if at is None:
            raise _invalid(
                Problem(field, "phải là ngày giờ ISO 8601 có múi giờ", "must be an ISO 8601 time with a zone")
            )
    at = at or ctx.now
    if at > ctx.now:
        raise _invalid(Problem(field, "không được sau thời điểm hiện tại", "must not be in the future"))
    if at < shipment.handed_at:
        handed = timezone.localtime(shipment.handed_at).strftime("%H:%M %d/%m/%Y")
        raise _invalid(
            Problem(
                field,
                f"không được trước lúc giao cho bưu điện ({handed})",
                f"must not be before the hand-over to the post ({handed})",
            )
        )
    return at


def _parsed(value: object) -> datetime | None:
    try:
        parsed = parse_datetime(str(value))
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _invalid(problem: Problem) -> ValidationFailed:
    return ValidationFailed(
        message_vi=f"{problem.field}: {problem.reason_vi}.",
        message_en=f"{problem.field}: {problem.reason_en}.",
        problems=[problem],
    )
