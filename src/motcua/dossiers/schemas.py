"""Input and output shapes of the dossier API (Pydantic v2 through Django Ninja). Inputs are strict:
unknown fields are refused, strings are bounded by their columns and may not contain NUL."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, Field, PlainSerializer, StringConstraints

from motcua.inputs import no_nul, text

from .params import MissingIn, Moment, Papers, Strict

CODE_PATTERN = r"^[0-9A-Za-z.\-]{1,40}$"
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
AgencyCode = Annotated[str, StringConstraints(max_length=16), AfterValidator(no_nul)]
Pin = Annotated[str, StringConstraints(pattern=r"^\s*\d{6}\s*$")]


# Times are answered in the province's zone (e.g. 2026-03-06T17:00:00+07:00), whatever the database gives.
Local = Annotated[datetime, PlainSerializer(lambda v: timezone.localtime(v).isoformat(), return_type=str)]


# --- intake ---------------------------------------------------------------------------------------


class ApplicantIn(Strict):
    name: text(200, 1)
    id_number: text(20, 1)
    phone: text(20) = ""
    email: text(254) = ""
    address: text(300) = ""


class IntakeIn(Strict):
    unit: AgencyCode = Field(description="mã đơn vị tiếp nhận / agency code of the receiving unit")
    procedure: text(40, 1)
    subject_jurisdiction: text(16, 1)
    applicant: ApplicantIn
    papers: Papers = Field(default_factory=list)
    channel: Literal[1, 2, 3] = 1
    return_unit: AgencyCode = ""
    return_by_post: bool = False
    return_address: text(300) = ""
    request_text: text(5000) = ""
    decision: Literal["receive", "refuse", "supplement"] = "receive"
    reason: text(2000) = ""
    missing_note: text(500) = ""


class OnlineFilingIn(Strict):
    """Online filing by the applicant: always channel 2, always 'submit'."""

    unit: AgencyCode
    procedure: text(40, 1)
    subject_jurisdiction: text(16, 1)
    applicant: ApplicantIn
    papers: Papers = Field(default_factory=list)
    return_unit: AgencyCode = ""
    return_by_post: bool = False
    return_address: text(300) = ""
    request_text: text(5000) = ""


class MissingPaper(Schema):
    code: str
    name_vi: str = ""
    name_en: str = ""
    note: str = ""


class IntakeOut(Schema):
    code: str
    status: int
    status_label: str
    received_at: Local | None
    due_at: Local | None
    pin: str = Field(
        description="mã tra cứu, chỉ hiện một lần để in lên giấy hẹn / shown once, for the receipt"
    )
    missing: list[MissingPaper]


# --- actions --------------------------------------------------------------------------------------


class ActionIn(Strict):
    """Every parameter any action takes; which are required depends on the action (see ACTION_PARAMS)."""

    reason: text(2000) | None = None
    note: text(2000) | None = None
    missing: list[MissingIn] | None = Field(None, max_length=100)
    assignee: text(150, 1) | Annotated[int, Field(ge=1, le=2**62)] | None = None
    new_due_at: Moment | None = None
    online: bool | None = None
    receipt: text(200) | None = None
    amount_vnd: int | None = Field(None, ge=0, le=10**15)
    receiver: text(200) | None = None
    result_papers: list[text(200)] | None = Field(None, max_length=50)
    papers: Papers | None = None


class QueueFilters(Strict):
    unit: text(16) | None = Field(None, description="mã đơn vị / agency code (default: your units)")
    status: int | None = Field(None, ge=1, le=10, description="default: the open statuses")
    due: Literal["soon", "late"] | None = None
    procedure: text(40) | None = None
    channel: int | None = Field(None, ge=1, le=3)
    q: text(200) | None = Field(None, description="đầu mã hồ sơ hoặc tên người nộp / code or name prefix")
    scope: Literal["current", "involved"] = "current"
    cursor: text(200) | None = None
    limit: int = Field(50, ge=1, le=200)


# --- reads ----------------------------------------------------------------------------------------


class UnitRef(Schema):
    code: str
    name_vi: str
    name_en: str


class StatusOut(Schema):
    code: int
    label_vi: str
    label_en: str


class QueueItem(Schema):
    code: str
    status: StatusOut
    procedure_code: str
    procedure_name_vi: str
    channel: int
    applicant_name: str
    receiving_unit: UnitRef
    current_unit: UnitRef
    current_step: str | None
    assignee: str | None
    received_at: Local | None
    due_at: Local | None
    paused: bool
    due_soon: bool
    late: bool


class QueuePage(Schema):
    items: list[QueueItem]
    next_cursor: str | None


class AllowedAction(Schema):
    action: str
    label_vi: str
    label_en: str
    target_status: int
    guard: str | None
    role: str
    unit: str | None


class EventOut(Schema):
    seq: int
    at: Local
    action: str
    label_vi: str
    label_en: str
    actor: str
    role: str
    unit: str | None
    from_status: int | None
    to_status: int
    payload: dict
    hash: str


class TrackIn(Strict):
    code: Code
    pin: Pin


class TrackStep(Schema):
    at: Local
    status: StatusOut


class TrackOut(Schema):
    code: str
    procedure_code: str
    procedure_name_vi: str
    procedure_name_en: str
    status: StatusOut
    received_at: Local | None
    due_at: Local | None
    return_point: UnitRef | None
    return_by_post: bool
    result_ready: bool
    result_at_return_point: bool
    missing: list[MissingPaper]
    current_unit: UnitRef | None  # where the dossier is now
    history: list[TrackStep]  # each change of status, oldest first
    closed: bool  # refused, withdrawn, stopped or returned: nothing more will happen
    reason: str  # why it was refused, withdrawn or stopped; empty otherwise
    returned_at: Local | None


class FilingOut(Schema):
    code: str
    status: StatusOut
    pin: str
    missing: list[MissingPaper]


class ActionOut(Schema):
    code: str
    action: str
    status: StatusOut
    due_at: Local | None
    event_seq: int
    pin: str | None = None  # the new PIN of reissue_pin, shown this once


class ApplicantOut(Schema):
    name: str
    id_number: str
    phone: str
    email: str
    address: str


class PaperOut(Schema):
    component: str
    name_vi: str
    form: str
    quantity: int
    reused: bool
    digitized: bool


class StepOut(Schema):
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


class HandoverOut(Schema):
    kind: str
    step_order: int | None
    from_unit: UnitRef
    from_user: str | None
    to_unit: UnitRef | None
    at: Local
    due_at: Local | None
    timeliness: str


class MovementOut(Schema):
    from_unit: UnitRef
    to_unit: UnitRef
    created_at: Local
    due_at: Local
    sent_at: Local | None
    received_at: Local | None


class SupplementOut(Schema):
    unit: UnitRef
    at_intake: bool
    requested_at: Local
    completed_at: Local | None
    missing: list[dict]
    reason: str
    repeated: bool


class ApologyOut(Schema):
    unit: UnitRef
    at: Local
    reason: str
    previous_due_at: Local
    new_due_at: Local


class DueOut(Schema):
    state: str
    clock_start: Local | None
    legal_due_at: Local | None
    due_at: Local | None
    paused_seconds: int
    explanation_vi: str
    explanation_en: str


class DossierOut(Schema):
    code: str
    status: StatusOut
    procedure_code: str
    procedure_name_vi: str
    procedure_version: int
    channel: int
    assisted: bool
    applicant: ApplicantOut
    request_text: str
    receiving_unit: UnitRef
    competent_unit: UnitRef
    current_unit: UnitRef
    return_unit: UnitRef | None
    return_by_post: bool
    return_address: str
    subject_jurisdiction: str
    log_book_number: int | None
    submitted_at: Local | None
    received_at: Local | None
    due_at: Local | None
    finished_at: Local | None
    returned_at: Local | None
    closed_at: Local | None
    current_step_order: int | None
    due_soon: bool
    late: bool
    finished_on_time: bool | None
    reason: str
    fee_total_vnd: int
    due: DueOut
    papers: list[PaperOut]
    steps: list[StepOut]
    control_slip: list[HandoverOut]
    paper_movements: list[MovementOut]
    supplements: list[SupplementOut]
    apologies: list[ApologyOut]
    events: list[EventOut]
    allowed_actions: list[AllowedAction]
