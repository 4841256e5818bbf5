"""Input and output shapes of the dossier API (Pydantic v2 through Django Ninja). Inputs are strict:
unknown fields are refused, strings are bounded by their columns and may not contain NUL.

Outputs read the attributes of what the API returns (model instances, and the small dataclasses of
selectors, intake and api that hold them with values computed for one answer): a field reads the
attribute of its name, or the dotted path of its alias, or its resolve_<field> (computed values). The
answer names the fields, never the aliases. What each reads is said in a comment: a docstring would
become its description in the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Annotated, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, Field, PlainSerializer, StringConstraints

from motcua.i18n import both
from motcua.inputs import Text, no_nul

from . import selectors
from .intake import IntakeResult
from .models import Dossier, DossierEvent, DossierStep, Handover, Status
from .params import MissingIn, Moment, Papers, Strict
from .tracking import FACTOR_PATTERN

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from .api import ActionTaken

CODE_PATTERN = r"^[0-9A-Za-z.\-]{1,40}$"
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
AgencyCode = Annotated[str, StringConstraints(max_length=16), AfterValidator(no_nul)]
Pin = Annotated[str, StringConstraints(pattern=r"^\s*\d{6}\s*$")]


# Times are answered in the province's zone (e.g. 2026-03-06T17:00:00+07:00), whatever the database gives.
Local = Annotated[datetime, PlainSerializer(lambda v: timezone.localtime(v).isoformat(), return_type=str)]


# --- intake ---------------------------------------------------------------------------------------


class ApplicantIn(Strict):
    name: Annotated[str, Text(200, 1)]
    id_number: Annotated[str, Text(20, 1)]
    phone: Annotated[str, Text(20)] = ""
    email: Annotated[str, Text(254)] = ""
    address: Annotated[str, Text(300)] = ""


class IntakeIn(Strict):
    unit: AgencyCode = Field(description="mã đơn vị tiếp nhận / agency code of the receiving unit")
    procedure: Annotated[str, Text(40, 1)]
    subject_jurisdiction: Annotated[str, Text(16, 1)]
    applicant: ApplicantIn
    papers: Papers = Field(default_factory=list)
    channel: Literal[1, 2, 3] = 1
    return_unit: AgencyCode = ""
    return_by_post: bool = False
    return_address: Annotated[str, Text(300)] = ""
    shipment_number: Annotated[str, Text(40)] = Field(
        "",
        description="số hiệu bưu gửi của hồ sơ nhận qua bưu chính (kênh 3) / the shipment number it came in by post",
    )
    request_text: Annotated[str, Text(5000)] = ""
    decision: Literal["receive", "refuse", "supplement"] = "receive"
    reason: Annotated[str, Text(2000)] = ""
    missing_note: Annotated[str, Text(500)] = ""


class OnlineFilingIn(Strict):
    """Online filing by the applicant: always channel 2, always 'submit'."""

    unit: AgencyCode
    procedure: Annotated[str, Text(40, 1)]
    subject_jurisdiction: Annotated[str, Text(16, 1)]
    applicant: ApplicantIn
    papers: Papers = Field(default_factory=list)
    return_unit: AgencyCode = ""
    return_by_post: bool = False
    return_address: Annotated[str, Text(300)] = ""
    request_text: Annotated[str, Text(5000)] = ""


class MissingPaper(Schema):
    # Reads an item of a supplement request's missing list (stored JSON).
    code: str
    name_vi: str = ""
    name_en: str = ""
    note: str = ""


class IntakeOut(Schema):
    # Reads an intake.IntakeResult.
    code: str = Field(alias="dossier.code")
    status: int = Field(alias="dossier.status")
    status_label: str
    received_at: Local | None = Field(alias="dossier.received_at")
    due_at: Local | None = Field(alias="dossier.due_at")
    pin: str = Field(
        description="mã tra cứu, chỉ hiện một lần để in lên giấy hẹn / shown once, for the receipt"
    )
    missing: list[MissingPaper]

    @staticmethod
    def resolve_status_label(result: IntakeResult) -> str:
        label_vi, label_en = status_labels(int(result.dossier.status))
        return f"{label_vi} / {label_en}"  # this field's "vi / en" form, as before


# --- actions --------------------------------------------------------------------------------------


class ActionIn(Strict):
    """Every parameter any action record declares (tests/dossiers/test_fee_actions_by_api.py holds it
    so); which are required, and their exact limits, come from the action's own parameter schema."""

    reason: Annotated[str, Text(2000)] | None = None
    note: Annotated[str, Text(2000)] | None = None
    missing: list[MissingIn] | None = Field(None, max_length=100)
    assignee: Annotated[str, Text(150, 1)] | Annotated[int, Field(ge=1, le=2**62)] | None = None
    new_due_at: Moment | None = None
    online: bool | None = None
    receipt: Annotated[str, Text(200)] | None = None
    amount_vnd: int | None = Field(None, ge=0, le=10**15)
    receiver: Annotated[str, Text(200)] | None = None
    result_papers: list[Annotated[str, Text(200)]] | None = Field(None, max_length=50)
    papers: Papers | None = None
    shipment_number: Annotated[str, Text(40)] | None = None  # hand_to_post
    delivered_at: Moment | None = None  # post_delivered (empty: now)
    returned_at: Moment | None = None  # post_returned_to_sender (empty: now)
    receipt_number: Annotated[str, Text(40)] | None = None  # collect_fee, refund_fee
    score: int | None = Field(None, ge=0, le=100)  # rate
    comment: Annotated[str, Text(1000)] | None = None  # rate
    form: Annotated[str, Text(20)] | None = None  # sign_form; a paper's form
    component: Annotated[str, Text(40)] | None = None  # a paper of the checklist
    title: Annotated[str, Text(300)] | None = None  # issue_result
    applicant_id_number: Annotated[str, Text(20)] | None = None  # a supplement brought to any counter


class QueueFilters(Strict):
    unit: Annotated[str, Text(16)] | None = Field(
        None, description="mã đơn vị / agency code (default: your units)"
    )
    status: int | None = Field(None, ge=1, le=10, description="default: the open statuses")
    due: Literal["soon", "late"] | None = None
    procedure: Annotated[str, Text(40)] | None = None
    channel: int | None = Field(None, ge=1, le=3)
    q: Annotated[str, Text(200)] | None = Field(
        None, description="đầu mã hồ sơ hoặc tên người nộp / code or name prefix"
    )
    scope: Literal["current", "involved"] = "current"
    cursor: Annotated[str, Text(200)] | None = None
    limit: int = Field(50, ge=1, le=200)


# --- reads ----------------------------------------------------------------------------------------


class UnitRef(Schema):
    # Reads a network Unit.
    code: str
    name_vi: str
    name_en: str


class StatusOut(Schema):
    # Reads a status code (a dossier's status, an event's to_status) and gives its labels.
    code: int
    label_vi: str
    label_en: str

    @staticmethod
    def resolve_code(status: int) -> int:
        return int(status)

    @staticmethod
    def resolve_label_vi(status: int) -> str:
        return status_labels(int(status))[0]

    @staticmethod
    def resolve_label_en(status: int) -> str:
        return status_labels(int(status))[1]


@cache
def status_labels(status: int) -> tuple[str, str]:
    """A status's labels in Vietnamese and in English (both languages whatever the request's, so
    they are read once per process)."""
    return both(Status(status).label)


def _active_step(dossier: Dossier) -> DossierStep | None:
    """The first active step of a queue row (selectors.work_queue loads them)."""
    return dossier.active_steps[0] if dossier.active_steps else None


def _username(user: AbstractBaseUser | None) -> str | None:
    return user.get_username() if user is not None else None


class QueueItem(Schema):
    # Reads a selectors.Clocked: a dossier of the queue's page with its clock.
    code: str = Field(alias="dossier.code")
    status: StatusOut = Field(alias="dossier.status")
    procedure_code: str = Field(alias="dossier.procedure.code")
    procedure_name_vi: str = Field(alias="dossier.procedure.name_vi")
    channel: int = Field(alias="dossier.channel")
    applicant_name: str = Field(alias="dossier.applicant_name")
    receiving_unit: UnitRef = Field(alias="dossier.receiving_unit")
    current_unit: UnitRef = Field(alias="dossier.current_unit")
    current_step: str | None
    assignee: str | None
    received_at: Local | None = Field(alias="dossier.received_at")
    due_at: Local | None = Field(alias="dossier.due_at")
    paused: bool
    due_soon: bool = Field(alias="clock.due_soon")
    late: bool = Field(alias="clock.late")

    @staticmethod
    def resolve_current_step(row: selectors.Clocked) -> str | None:
        step = _active_step(row.dossier)
        return step.name_vi if step else None

    @staticmethod
    def resolve_assignee(row: selectors.Clocked) -> str | None:
        step = _active_step(row.dossier)
        return _username(step.assignee) if step else None

    @staticmethod
    def resolve_paused(row: selectors.Clocked) -> bool:
        return row.dossier.paused_since is not None


class QueuePage(Schema):
    # Reads a selectors.QueuePage of selectors.Clocked rows.
    items: list[QueueItem]
    next_cursor: str | None


class AllowedAction(Schema):
    # Reads a selectors.AllowedAction of selectors.offered_actions.
    action: str
    label_vi: str = Field(alias="record.label_vi")
    label_en: str = Field(alias="record.label_en")
    target_status: int = Field(alias="target")
    guard: str | None
    role: str
    unit: str | None

    @staticmethod
    def resolve_guard(allowed: selectors.AllowedAction) -> str | None:
        guard = allowed.transition.guard
        return guard.name if guard else None

    @staticmethod
    def resolve_unit(allowed: selectors.AllowedAction) -> str | None:
        return allowed.unit.code if allowed.unit else None


class EventOut(Schema):
    # Reads a DossierEvent.
    seq: int
    at: Local
    action: str
    label_vi: str
    label_en: str
    actor: str = Field(alias="actor_name")
    role: str
    unit: str | None
    from_status: int | None
    to_status: int
    payload: dict
    hash: str

    @staticmethod
    def resolve_label_vi(event: DossierEvent) -> str:
        return selectors.action_label(event.action)[0]

    @staticmethod
    def resolve_label_en(event: DossierEvent) -> str:
        return selectors.action_label(event.action)[1]

    @staticmethod
    def resolve_unit(event: DossierEvent) -> str | None:
        return event.unit.code if event.unit else None


class TrackIn(Strict):
    code: Code
    pin: Pin
    # asked past the code's threshold of failed look-ups (dossiers/tracking.py)
    second_factor: Annotated[str, StringConstraints(pattern=FACTOR_PATTERN)] | None = None


class TrackStep(Schema):
    # Reads a selectors.StatusChange.
    at: Local
    status: StatusOut


class TrackShipment(Schema):
    # Reads a models.Shipment: a shipment of the public postal service.
    kind: str = Field(description="intake: the dossier came by post; result: the result sent by post")
    number: str
    outcome: str = Field(description="in_transit | delivered | returned (to sender)")
    handed_at: Local
    outcome_at: Local | None


class TrackOut(Schema):
    # Reads a selectors.PublicStatus.
    code: str = Field(alias="dossier.code")
    procedure_code: str = Field(alias="dossier.procedure.code")
    procedure_name_vi: str = Field(alias="dossier.procedure.name_vi")
    procedure_name_en: str = Field(alias="dossier.procedure.name_en")
    status: StatusOut = Field(alias="dossier.status")
    received_at: Local | None = Field(alias="dossier.received_at")
    due_at: Local | None = Field(alias="dossier.due_at")
    return_point: UnitRef | None = Field(alias="dossier.return_unit")
    return_by_post: bool = Field(alias="dossier.return_by_post")
    result_ready: bool
    result_at_return_point: bool
    missing: list[MissingPaper]
    current_unit: UnitRef | None = Field(alias="dossier.current_unit")  # where the dossier is now
    history: list[TrackStep]  # each change of status, oldest first
    closed: bool  # refused, withdrawn, stopped or returned: nothing more will happen
    reason: str  # why it was refused, withdrawn or stopped; empty otherwise
    returned_at: Local | None = Field(alias="dossier.returned_at")
    shipments: list[TrackShipment]  # by the public postal service, oldest first


class FilingOut(Schema):
    # Reads an intake.IntakeResult.
    code: str = Field(alias="dossier.code")
    status: StatusOut = Field(alias="dossier.status")
    pin: str
    missing: list[MissingPaper]


class ActionOut(Schema):
    # Reads an api.ActionTaken.
    code: str = Field(alias="dossier.code")
    action: str
    status: StatusOut = Field(alias="dossier.status")
    due_at: Local | None = Field(alias="dossier.due_at")
    event_seq: int = Field(alias="dossier.last_event_seq")
    pin: str | None = None  # the new PIN of reissue_pin, shown this once

    @staticmethod
    def resolve_pin(taken: ActionTaken) -> str | None:
        return getattr(taken.dossier, "new_pin", None)  # set by reissue_pin only


class ApplicantOut(Schema):
    # Reads the applicant's columns of a Dossier.
    name: str = Field(alias="applicant_name")
    id_number: str = Field(alias="applicant_id_number")
    phone: str = Field(alias="applicant_phone")
    email: str = Field(alias="applicant_email")
    address: str = Field(alias="applicant_address")


class PaperOut(Schema):
    # Reads a DossierPaper.
    component: str = Field(alias="component.code")
    name_vi: str = Field(alias="component.name_vi")
    form: str
    quantity: int
    reused: bool
    digitized: bool


class StepOut(Schema):
    # Reads a DossierStep.
    order: int
    name_vi: str
    name_en: str
    unit: UnitRef
    role: str
    days: float
    is_return: bool
    state: str
    assignee: str | None
    due_at: Local | None
    started_at: Local | None
    completed_at: Local | None
    late: bool

    @staticmethod
    def resolve_days(step: DossierStep) -> float:
        return float(step.days)

    @staticmethod
    def resolve_assignee(step: DossierStep) -> str | None:
        return _username(step.assignee)


class HandoverOut(Schema):
    # Reads a Handover.
    kind: str
    step_order: int | None
    from_unit: UnitRef
    from_user: str | None
    to_unit: UnitRef | None
    at: Local
    due_at: Local | None
    timeliness: str

    @staticmethod
    def resolve_from_user(handover: Handover) -> str | None:
        return _username(handover.from_user)


class MovementOut(Schema):
    # Reads a PaperMovement.
    from_unit: UnitRef
    to_unit: UnitRef
    created_at: Local
    due_at: Local
    sent_at: Local | None
    received_at: Local | None


class SupplementOut(Schema):
    # Reads a SupplementRequest.
    unit: UnitRef
    at_intake: bool
    requested_at: Local
    completed_at: Local | None
    missing: list[dict]
    reason: str
    repeated: bool


class ApologyOut(Schema):
    # Reads an Apology.
    unit: UnitRef
    at: Local
    reason: str
    previous_due_at: Local
    new_due_at: Local


class DueOut(Schema):
    # Reads a selectors.DueExplanation.
    state: str
    clock_start: Local | None
    legal_due_at: Local | None
    due_at: Local | None
    paused_seconds: int
    explanation_vi: str = Field(alias="vi")
    explanation_en: str = Field(alias="en")

    @staticmethod
    def resolve_paused_seconds(due: selectors.DueExplanation) -> int:
        return int(due.paused.total_seconds())


class DossierOut(Schema):
    # Reads a selectors.DossierRead: the dossier with its history, its clock and the reader's
    # actions at the moment of reading.
    code: str = Field(alias="dossier.code")
    status: StatusOut = Field(alias="dossier.status")
    procedure_code: str = Field(alias="dossier.procedure.code")
    procedure_name_vi: str = Field(alias="dossier.procedure.name_vi")
    procedure_version: int = Field(alias="dossier.procedure_version.version")
    channel: int = Field(alias="dossier.channel")
    assisted: bool = Field(alias="dossier.assisted")
    applicant: ApplicantOut = Field(alias="dossier")
    request_text: str = Field(alias="dossier.request_text")
    receiving_unit: UnitRef = Field(alias="dossier.receiving_unit")
    competent_unit: UnitRef = Field(alias="dossier.competent_unit")
    current_unit: UnitRef = Field(alias="dossier.current_unit")
    return_unit: UnitRef | None = Field(alias="dossier.return_unit")
    return_by_post: bool = Field(alias="dossier.return_by_post")
    return_address: str = Field(alias="dossier.return_address")
    subject_jurisdiction: str = Field(alias="dossier.subject_jurisdiction.code")
    log_book_number: int | None = Field(alias="dossier.log_book_number")
    submitted_at: Local | None = Field(alias="dossier.submitted_at")
    received_at: Local | None = Field(alias="dossier.received_at")
    due_at: Local | None = Field(alias="dossier.due_at")
    finished_at: Local | None = Field(alias="dossier.finished_at")
    returned_at: Local | None = Field(alias="dossier.returned_at")
    closed_at: Local | None = Field(alias="dossier.closed_at")
    current_step_order: int | None = Field(alias="dossier.current_step_order")
    due_soon: bool = Field(alias="clock.due_soon")  # as the queues, desk and watch answer it
    late: bool = Field(alias="clock.late")
    finished_on_time: bool | None = Field(alias="dossier.finished_on_time")
    reason: str = Field(alias="dossier.reason")
    fee_total_vnd: int = Field(alias="dossier.fee_total_vnd")
    due: DueOut
    papers: list[PaperOut] = Field(alias="dossier.papers")
    steps: list[StepOut] = Field(alias="dossier.steps")
    control_slip: list[HandoverOut] = Field(alias="dossier.handovers")
    paper_movements: list[MovementOut] = Field(alias="dossier.paper_movements")
    supplements: list[SupplementOut] = Field(alias="dossier.supplements")
    apologies: list[ApologyOut] = Field(alias="dossier.apologies")
    events: list[EventOut] = Field(alias="dossier.events")
    allowed_actions: list[AllowedAction]

    @staticmethod
    def resolve_due(read: selectors.DossierRead) -> selectors.DueExplanation:
        return selectors.due_explanation(read.dossier)
