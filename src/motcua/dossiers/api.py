"""The dossier API: intake, lifecycle actions, work queues, the dossier with its history, and the
applicant's tracking. Thin: parse, call a service or selector, return what it gives; the response
schemas (schemas.py) read its attributes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticError

from motcua import inputs
from motcua.auth import staff_auth
from motcua.error_schemas import errors
from motcua.errors import MotcuaError, Problem, ValidationFailed
from motcua.ratelimit import client_subject, hit

from . import selectors, services, tracking
from .engine import record_named
from .intake import IntakeResult
from .lifecycle import ActionRecord
from .models import Dossier, DossierEvent
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
)

router = Router(tags=["dossiers"], auth=staff_auth)
track_router = Router(tags=["tracking"])

ERRORS = errors(400, 401, 403, 404, 409, 413, 422)


def _actor(request: HttpRequest) -> Actor:
    # Ninja sets request.auth to what staff_auth gave (the staff user); HttpRequest does not declare it.
    return Actor.staff(request.auth)  # type: ignore[attr-defined]


# --- intake ---------------------------------------------------------------------------------------


def _intake_request(body: IntakeIn | OnlineFilingIn, **overrides: Any) -> services.IntakeRequest:
    values = body.model_dump(exclude={"applicant", "papers"})
    values.update(overrides)
    return services.IntakeRequest(
        applicant=services.Applicant(**body.applicant.model_dump()),
        papers=[services.PaperIn(**p.model_dump()) for p in body.papers],
        **values,
    )


@router.post("", response={201: IntakeOut, **ERRORS}, summary="Tiếp nhận hồ sơ / receive a dossier")
def receive(request: HttpRequest, body: IntakeIn) -> Status[IntakeResult]:
    return Status(201, services.intake(actor=_actor(request), request=_intake_request(body)))


# --- actions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionTaken:
    """What an action did, as ActionOut reads it: the dossier after it, and the action's name."""

    dossier: Dossier
    action: str


def _action_params(record: ActionRecord, body: ActionIn | None) -> dict[str, Any]:
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
def take_action(
    request: HttpRequest, code: Code, action: Annotated[str, inputs.Text(40, 1)], body: ActionIn | None = None
) -> ActionTaken:
    record = record_named(action)
    params = _action_params(record, body)
    dossier = services.act(actor=_actor(request), code=code, action=record.name, params=params)
    return ActionTaken(dossier, record.name)


# --- reads ----------------------------------------------------------------------------------------


@router.get("", response={200: QueuePage, **ERRORS}, summary="Hàng đợi công việc / work queue")
def work_queue(request: HttpRequest, filters: Query[QueueFilters]) -> selectors.QueuePage[selectors.Clocked]:
    page = selectors.work_queue(_actor(request), **filters.model_dump())
    return selectors.clocked_page(page)  # one moment, one calendar read, for the whole page


@router.get(
    "/{code}", response={200: DossierOut, **ERRORS}, summary="Hồ sơ và lịch sử / dossier with history"
)
def dossier_detail(request: HttpRequest, code: Code) -> selectors.DossierRead:
    return selectors.read_dossier(_actor(request), code)


@router.get("/{code}/events", response={200: list[EventOut], **ERRORS}, summary="Nhật ký / event log")
def dossier_events(request: HttpRequest, code: Code) -> list[DossierEvent]:
    return selectors.dossier_events(_actor(request), code)


# --- the applicant: tracking and online filing (no login; rate-limited) ---------------------------


@track_router.post(
    "",
    response={200: TrackOut, **errors(400, 403, 404, 413, 422, 429)},
    summary="Tra cứu hồ sơ bằng mã và PIN / track a dossier with its code and PIN",
    description=(
        "Sau nhiều lần tra cứu sai một mã, cần thêm `second_factor` (403 second_factor_required) / "
        "after many failed look-ups of a code, `second_factor` is required as well (403 "
        "second_factor_required)."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": TrackIn.model_json_schema()}},
        }
    },
)
def track(request: HttpRequest) -> selectors.PublicStatus:
    # The body is read here, not by Ninja: the rate limit comes first, then the size, then parsing.
    client = client_subject(request)
    tracking.admit(client)
    body = _track_body(request)
    return tracking.look_up(code=body.code, pin=body.pin, second_factor=body.second_factor, client=client)


def _track_body(request: HttpRequest) -> TrackIn:
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = tracking.BODY_LIMIT + 1
    if size > tracking.BODY_LIMIT:
        raise MotcuaError(
            f"Nội dung yêu cầu quá lớn (tối đa {tracking.BODY_LIMIT} byte).",
            f"The request body is too large (at most {tracking.BODY_LIMIT} bytes).",
            [Problem("body", "quá lớn", "too large")],
            "too_large",
            413,
        )
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        raise HttpError(400, "Cannot parse request body") from None
    try:
        return TrackIn.model_validate(data)
    except PydanticError as error:  # as Ninja reports a body that breaks its schema
        raise NinjaValidationError(
            [{**e, "loc": ("body", "body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None


@track_router.post(
    "/submit",
    response={201: FilingOut, **errors(400, 413, 422, 429)},
    summary="Nộp hồ sơ trực tuyến / file a dossier online",
)
def submit_online(request: HttpRequest, body: OnlineFilingIn) -> Status[IntakeResult]:
    hit("submit_ip", client_subject(request))
    request_in = _intake_request(body, channel=2, decision="receive")
    return Status(201, services.intake(actor=Actor.of_applicant(), request=request_in))
