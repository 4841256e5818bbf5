"""The dossier API: intake, lifecycle actions, work queues, the dossier with its history, and the
applicant's tracking. Thin: parse, call a service or selector, shape the answer."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import ValidationError as PydanticError

from motcua import inputs
from motcua.auth import staff_auth
from motcua.error_schemas import errors
from motcua.errors import NotFound, ValidationFailed
from motcua.i18n import both
from motcua.ratelimit import client_subject, failures_only, hit

from . import clock, selectors, services
from .engine import record_named
from .models import Dossier, DossierEvent
from .models import Status as DossierStatus
from .permissions import Actor
from .schemas import (
    ActionIn,
    ActionOut,
    Code,
    DossierOut,
    EventOut,
    FilingOut,
    IntakeIn,
    IntakeOut,
    OnlineFilingIn,
    QueueFilters,
    QueuePage,
    TrackIn,
    TrackOut,
    text,
)

router = Router(tags=["dossiers"], auth=staff_auth)
track_router = Router(tags=["tracking"])

ERRORS = errors(400, 401, 403, 404, 409, 413, 422)


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(request.auth)


# --- intake ---------------------------------------------------------------------------------------


def _intake_request(body: IntakeIn | OnlineFilingIn, **overrides) -> services.IntakeRequest:
    values = body.model_dump(exclude={"applicant", "papers"})
    values.update(overrides)
    return services.IntakeRequest(
        applicant=services.Applicant(**body.applicant.model_dump()),
        papers=[services.PaperIn(**p.model_dump()) for p in body.papers],
        **values,
    )


@router.post("", response={201: IntakeOut, **ERRORS}, summary="Tiếp nhận hồ sơ / receive a dossier")
def receive(request: HttpRequest, body: IntakeIn):
    result = services.intake(actor=_actor(request), request=_intake_request(body))
    dossier = result.dossier
    label_vi, label_en = both(DossierStatus(dossier.status).label)
    return Status(
        201,
        {
            "code": dossier.code,
            "status": dossier.status,
            "status_label": f"{label_vi} / {label_en}",  # this field's "vi / en" form, as before
            "received_at": dossier.received_at,
            "due_at": dossier.due_at,
            "pin": result.pin,
            "missing": result.missing,
        },
    )


# --- actions --------------------------------------------------------------------------------------


def _action_params(record, body: ActionIn | None) -> dict:
    given = body.model_dump(exclude_none=True) if body is not None else {}
    try:
        return record.params.model_validate(given).model_dump(mode="json", exclude_none=True)
    except PydanticError as error:
        raise ValidationFailed(
            message_vi=f"Tham số của thao tác '{record.name}' không hợp lệ.",
            message_en=f"The parameters of action '{record.name}' are invalid.",
            problems=inputs.problems(error.errors(include_url=False), where="body"),
            http_status=422,
        ) from None


@router.post(
    "/{code}/actions/{action}",
    response={200: ActionOut, **ERRORS},
    summary="Thực hiện một thao tác / take a lifecycle action",
)
def take_action(request: HttpRequest, code: Code, action: text(40, 1), body: ActionIn | None = None):
    record = record_named(action)
    params = _action_params(record, body)
    dossier = services.act(actor=_actor(request), code=code, action=record.name, params=params)
    return {
        "code": dossier.code,
        "action": record.name,
        "status": selectors.status_out(dossier.status),
        "due_at": dossier.due_at,
        "event_seq": dossier.last_event_seq,
        "pin": getattr(dossier, "new_pin", None),
    }


# --- reads ----------------------------------------------------------------------------------------


@router.get("", response={200: QueuePage, **ERRORS}, summary="Hàng đợi công việc / work queue")
def work_queue(request: HttpRequest, filters: Query[QueueFilters]):
    page = selectors.work_queue(_actor(request), **filters.model_dump())
    calendar, now = clock.calendar(), timezone.now()
    items = [_queue_item(d, clock.clock_status(d, now, calendar)) for d in page.items]
    return {"items": items, "next_cursor": page.next_cursor}


def _clock_flags(status) -> dict[str, bool]:
    return {"due_soon": status.due_soon, "late": status.late}


def _queue_item(dossier: Dossier, status) -> dict:
    step = dossier.active_steps[0] if dossier.active_steps else None
    return {
        "code": dossier.code,
        "status": selectors.status_out(dossier.status),
        "procedure_code": dossier.procedure.code,
        "procedure_name_vi": dossier.procedure.name_vi,
        "channel": dossier.channel,
        "applicant_name": dossier.applicant_name,
        "receiving_unit": selectors.unit_ref(dossier.receiving_unit),
        "current_unit": selectors.unit_ref(dossier.current_unit),
        "current_step": step.name_vi if step else None,
        "assignee": step.assignee.get_username() if step and step.assignee else None,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "paused": dossier.paused_since is not None,
        **_clock_flags(status),
    }


@router.get(
    "/{code}", response={200: DossierOut, **ERRORS}, summary="Hồ sơ và lịch sử / dossier with history"
)
def dossier_detail(request: HttpRequest, code: Code):
    actor = _actor(request)
    dossier = selectors.dossier_detail(actor, code)
    return _detail(actor, dossier)


@router.get("/{code}/events", response={200: list[EventOut], **ERRORS}, summary="Nhật ký / event log")
def dossier_events(request: HttpRequest, code: Code):
    return [_event(e) for e in selectors.dossier_events(_actor(request), code)]


def _event(event: DossierEvent) -> dict:
    label_vi, label_en = selectors.action_label(event.action)
    return {
        "seq": event.seq,
        "at": event.at,
        "action": event.action,
        "label_vi": label_vi,
        "label_en": label_en,
        "actor": event.actor_name,
        "role": event.role,
        "unit": event.unit.code if event.unit else None,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "payload": event.payload,
        "hash": event.hash,
    }


def _detail(actor: Actor, dossier: Dossier) -> dict:
    ref = selectors.unit_ref
    units = {u.id: u for u in (dossier.receiving_unit, dossier.current_unit, dossier.competent_unit)}
    units.update({s.unit_id: s.unit for s in dossier.steps.all()})
    if dossier.return_unit:
        units[dossier.return_unit_id] = dossier.return_unit
    due = selectors.due_explanation(dossier)
    return {
        "code": dossier.code,
        "status": selectors.status_out(dossier.status),
        "procedure_code": dossier.procedure.code,
        "procedure_name_vi": dossier.procedure.name_vi,
        "procedure_version": dossier.procedure_version.version,
        "channel": dossier.channel,
        "assisted": dossier.assisted,
        "applicant": {
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        },
        "request_text": dossier.request_text,
        "receiving_unit": ref(dossier.receiving_unit),
        "competent_unit": ref(dossier.competent_unit),
        "current_unit": ref(dossier.current_unit),
        "return_unit": ref(dossier.return_unit),
        "return_by_post": dossier.return_by_post,
        "return_address": dossier.return_address,
        "subject_jurisdiction": dossier.subject_jurisdiction.code,
        **{
            name: getattr(dossier, name)
            for name in (
                "log_book_number",
                "submitted_at",
                "received_at",
                "due_at",
                "finished_at",
                "returned_at",
                "closed_at",
                "current_step_order",
                "finished_on_time",
                "reason",
                "fee_total_vnd",
            )
        },
        **_clock_flags(clock.clock_status(dossier, timezone.now())),  # as the queues, desk and watch
        "due": {
            "state": due.state,
            "clock_start": due.clock_start,
            "legal_due_at": due.legal_due_at,
            "due_at": due.due_at,
            "paused_seconds": int(due.paused.total_seconds()),
            "explanation_vi": due.vi,
            "explanation_en": due.en,
        },
        "papers": [
            {
                "component": p.component.code,
                "name_vi": p.component.name_vi,
                "form": p.form,
                "quantity": p.quantity,
                "reused": p.reused,
                "digitized": p.digitized,
            }
            for p in dossier.papers.all()
        ],
        "steps": [_step(s) for s in dossier.steps.all()],
        "control_slip": [_handover(h) for h in dossier.handovers.all()],
        "paper_movements": [
            {
                "from_unit": ref(m.from_unit),
                "to_unit": ref(m.to_unit),
                "created_at": m.created_at,
                "due_at": m.due_at,
                "sent_at": m.sent_at,
                "received_at": m.received_at,
            }
            for m in dossier.paper_movements.all()
        ],
        "supplements": [
            {
                "unit": ref(s.unit),
                "at_intake": s.at_intake,
                "requested_at": s.requested_at,
                "completed_at": s.completed_at,
                "missing": s.missing,
                "reason": s.reason,
                "repeated": s.repeated,
            }
            for s in dossier.supplements.all()
        ],
        "apologies": [
            {
                "unit": ref(a.unit),
                "at": a.at,
                "reason": a.reason,
                "previous_due_at": a.previous_due_at,
                "new_due_at": a.new_due_at,
            }
            for a in dossier.apologies.all()
        ],
        "events": [_event(e) for e in dossier.events.all()],
        "allowed_actions": [
            {
                "action": a.action,
                "label_vi": a.record.label_vi,
                "label_en": a.record.label_en,
                "target_status": a.target,
                "guard": a.transition.guard.name if a.transition.guard else None,
                "role": a.role,
                "unit": units[a.unit_id].code if a.unit_id in units else None,
            }
            for a in selectors.allowed_actions(actor, dossier)
        ],
    }


def _step(step) -> dict:
    return {
        "order": step.order,
        "name_vi": step.name_vi,
        "name_en": step.name_en,
        "unit": selectors.unit_ref(step.unit),
        "role": step.role,
        "days": float(step.days),
        "is_return": step.is_return,
        "state": step.state,
        "assignee": step.assignee.get_username() if step.assignee else None,
        "due_at": step.due_at,
        "started_at": step.started_at,
        "completed_at": step.completed_at,
        "late": step.late,
    }


def _handover(handover) -> dict:
    return {
        "kind": handover.kind,
        "step_order": handover.step_order,
        "from_unit": selectors.unit_ref(handover.from_unit),
        "from_user": handover.from_user.get_username() if handover.from_user else None,
        "to_unit": selectors.unit_ref(handover.to_unit),
        "at": handover.at,
        "due_at": handover.due_at,
        "timeliness": handover.timeliness,
    }


# --- the applicant: tracking and online filing (no login; rate-limited) ---------------------------


@track_router.post(
    "",
    response={200: TrackOut, **errors(400, 404, 413, 422, 429)},
    summary="Tra cứu hồ sơ bằng mã và PIN / track a dossier with its code and PIN",
)
def track(request: HttpRequest, body: TrackIn):
    hit("track_ip", client_subject(request))
    with failures_only(("track_code", "track_code_day"), body.code, failures=(NotFound,)):
        return selectors.public_status(body.code, body.pin)


@track_router.post(
    "/submit",
    response={201: FilingOut, **errors(400, 413, 422, 429)},
    summary="Nộp hồ sơ trực tuyến / file a dossier online",
)
def submit_online(request: HttpRequest, body: OnlineFilingIn):
    hit("submit_ip", client_subject(request))
    request_in = _intake_request(body, channel=2, decision="receive")
    result = services.intake(actor=Actor.of_applicant(), request=request_in)
    return Status(
        201,
        {
            "code": result.dossier.code,
            "status": selectors.status_out(result.dossier.status),
            "pin": result.pin,
            "missing": result.missing,
        },
    )
