"""Reads of dossiers: work queues (keyset pages), the dossier with its whole history, the due-time
explanation, the actions a user may take, and the applicant's public status. No side effects; every
read checks what the actor may see; query counts do not grow with page size or history length.

Reads return model instances, or small dataclasses holding them with what is computed for one reader
at one moment (the clock, the allowed actions, the applicant's view); the API's schemas read their
attributes."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.catalog.models import Procedure
from motcua.catalog.search import words
from motcua.errors import Forbidden, NotFound, Problem, ValidationFailed
from motcua.i18n import both
from motcua.network.clock import work_calendar
from motcua.network.models import Unit
from motcua.worktime.deadlines import ClockStatus
from motcua.worktime.text import moment_en, moment_vi

from . import clock
from .context import ActionContext, open_supplement
from .lifecycle import ACTIONS, ActionRecord, Transition, actions_from, resolve_target
from .models import (
    OPEN_STATUSES,
    Apology,
    Dossier,
    DossierEvent,
    DossierPaper,
    DossierStep,
    Handover,
    PaperMovement,
    Shipment,
    Status,
    StepState,
    SupplementRequest,
)
from .permissions import Actor, authorize, brought_to_counter, dossier_not_found, ensure_visible, involving

MAX_PAGE = 200
QUEUE_RELATED = ("procedure", "receiving_unit", "current_unit")


# --- work queues ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    due_at: datetime | None
    id: int

    def encode(self) -> str:
        raw = json.dumps([self.due_at.isoformat() if self.due_at else None, self.id])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            due_text, pk = json.loads(raw)
            due = parse_datetime(due_text) if due_text is not None else None
            if (due_text is not None and (due is None or due.tzinfo is None)) or type(pk) is not int:
                raise ValueError(text)
            if not 0 <= pk < 2**62 or (due is not None and not 1900 <= due.year <= 2200):
                raise ValueError(text)
            return cls(due, pk)
        except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError):
            raise ValidationFailed(
                message_vi="Con trỏ trang không hợp lệ.",
                message_en="The page cursor is invalid.",
                problems=[Problem("cursor", "không hợp lệ", "invalid; use next_cursor as given")],
            ) from None


Row = TypeVar("Row")


@dataclass
class QueuePage(Generic[Row]):
    items: list[Row]
    next_cursor: str | None


@dataclass(frozen=True)
class Clocked:
    """A dossier with its clock read at one moment (clock.clock_status): late and due soon as the
    queues, the desk and the watch answer them, never the flags the watch stored."""

    dossier: Dossier
    clock: ClockStatus


def clocked_page(page: QueuePage[Dossier], now: datetime | None = None) -> QueuePage[Clocked]:
    """The page's dossiers with their clocks, all read at one moment with the calendar read once."""
    now, calendar = now or timezone.now(), clock.calendar()
    return QueuePage([Clocked(d, clock.clock_status(d, now, calendar)) for d in page.items], page.next_cursor)


def work_queue(
    actor: Actor,
    *,
    unit: str | None = None,
    status: int | None = None,
    due: str | None = None,
    procedure: str | None = None,
    channel: int | None = None,
    q: str | None = None,
    scope: str = "current",
    cursor: str | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> QueuePage[Dossier]:
    """Dossiers of a unit's queue, soonest due first (undated, i.e. paused, last), `limit` at a time.

    scope "current": dossiers the unit (or the actor's units) holds now: the work queue, served by
    the (current_unit, status, due_at) indexes; "involved": every dossier the unit received, performs
    a step of, is the competent agency or the return point of. Without a unit filter, the actor's own
    units; center managers see all. At most five queries whatever the page size: the unit, the
    calendar (due soon), dated rows, undated rows, the active steps."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(
            message_vi=f"limit phải từ 1 đến {MAX_PAGE}.",
            message_en=f"limit must lie within 1-{MAX_PAGE}.",
            problems=[Problem("limit", f"1-{MAX_PAGE}", f"1-{MAX_PAGE}")],
        )
    now = now or timezone.now()
    queryset = _scoped(actor, unit, scope)
    queryset = _filtered(queryset, status=status, due=due, procedure=procedure, channel=channel, q=q, now=now)
    after = Cursor.decode(cursor) if cursor else None
    rows = _keyset_page(queryset.select_related(*QUEUE_RELATED), after, limit + 1)
    items = rows[:limit]
    _prefetch_active_steps(items)
    last = items[-1] if len(rows) > limit else None
    return QueuePage(items, Cursor(last.due_at, last.id).encode() if last else None)


def _scoped(actor: Actor, unit_code: str | None, scope: str) -> QuerySet[Dossier]:
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).values_list("id", flat=True).first()
        if unit is None:
            raise NotFound(f"đơn vị {unit_code}", f"unit {unit_code}")
        if not actor.manager and unit not in actor.unit_ids:
            raise Forbidden(
                f"Bạn không có vai trò tại đơn vị {unit_code}.", f"You hold no role at unit {unit_code}."
            )
        unit_ids: list[int] | None = [unit]
    elif actor.manager:
        unit_ids = None
    else:
        unit_ids = sorted(actor.unit_ids)
        if not unit_ids:
            return Dossier.objects.none()
    queryset = Dossier.objects.all()
    if unit_ids is None:
        return queryset
    if scope == "current":
        return queryset.filter(current_unit_id__in=unit_ids)
    return queryset.filter(involving(unit_ids))


def _filtered(
    queryset: QuerySet[Dossier],
    *,
    status: int | None,
    due: str | None,
    procedure: str | None,
    channel: int | None,
    q: str | None,
    now: datetime,
) -> QuerySet[Dossier]:
    queryset = queryset.filter(status__in=OPEN_STATUSES) if status is None else queryset.filter(status=status)
    if due == "late":  # running clocks only, as clock.clock_status decides
        queryset = queryset.filter(clock.late_q(now))
    elif due == "soon":
        queryset = queryset.filter(clock.due_soon_q(now))
    if procedure:
        # By id, not through the join on the code: the planner then knows how common the procedure is
        # (a frequent one is best found by walking the unit's open queue in due order).
        procedure_id = Procedure.objects.filter(code=procedure).values_list("id", flat=True).first()
        queryset = queryset.filter(procedure_id=procedure_id) if procedure_id else queryset.none()
    if channel is not None:
        queryset = queryset.filter(channel=channel)
    if q and q.strip():
        text = q.strip()
        by_name = Q()
        for word in words(text):  # each word starts a word of the name, whatever the capitals and marks
            by_name &= Q(applicant_search__contains=" " + word)
        queryset = queryset.filter(Q(code__startswith=text.upper()) | by_name)
    return queryset


def _keyset_page(queryset: QuerySet[Dossier], after: Cursor | None, size: int) -> list[Dossier]:
    """Rows ordered by (due_at, id), NULL due times last. Two index-friendly range queries (dated,
    then undated) instead of one OR that no index serves."""
    rows: list[Dossier] = []
    if after is None or after.due_at is not None:
        dated = queryset.filter(due_at__isnull=False)
        if after is not None:
            dated = dated.filter(due_at__gte=after.due_at).filter(
                Q(due_at__gt=after.due_at) | Q(id__gt=after.id)
            )
        rows = list(dated.order_by("due_at", "id")[:size])
    if len(rows) < size:
        undated = queryset.filter(due_at__isnull=True)
        if after is not None and after.due_at is None:
            undated = undated.filter(id__gt=after.id)
        rows += list(undated.order_by("id")[: size - len(rows)])
    return rows


def _prefetch_active_steps(dossiers: list[Dossier]) -> None:
    """One query for the active step (and its assignee) of every dossier on the page."""
    by_id = {d.id: d for d in dossiers}
    for dossier in dossiers:
        dossier.active_steps = []
    if not by_id:
        return
    steps = DossierStep.objects.filter(dossier_id__in=by_id, state=StepState.ACTIVE).select_related(
        "assignee"
    )
    for step in steps.order_by("dossier_id", "order"):
        by_id[step.dossier_id].active_steps.append(step)


# --- one dossier ----------------------------------------------------------------------------------


def _with_history(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return queryset.select_related(
        "procedure",
        "procedure_version",
        "receiving_unit",
        "competent_unit",
        "current_unit",
        "return_unit",
        "subject_jurisdiction",
        "late_unit",
    ).prefetch_related(
        Prefetch("papers", DossierPaper.objects.select_related("component").order_by("id")),
        Prefetch("steps", DossierStep.objects.select_related("unit", "assignee").order_by("order")),
        Prefetch("handovers", Handover.objects.select_related("from_unit", "to_unit", "from_user")),
        Prefetch("paper_movements", PaperMovement.objects.select_related("from_unit", "to_unit")),
        Prefetch("supplements", SupplementRequest.objects.select_related("unit")),
        Prefetch("apologies", Apology.objects.select_related("unit")),
        Prefetch("events", DossierEvent.objects.select_related("unit", "actor").order_by("seq")),
    )


def dossier_detail(actor: Actor, code: str) -> Dossier:
    """The dossier with its papers, steps, control slip, paper movements, supplement requests,
    apologies and events: eight queries whatever the history's length."""
    dossier = _with_history(Dossier.objects.filter(code=code)).first()
    if dossier is None:
        raise dossier_not_found(code)
    ensure_visible(actor, dossier, dossier.steps.all())
    return dossier


def dossier_events(actor: Actor, code: str) -> list[DossierEvent]:
    dossier = Dossier.objects.filter(code=code).prefetch_related("steps").first()
    if dossier is None:
        raise dossier_not_found(code)
    ensure_visible(actor, dossier, dossier.steps.all())
    return list(DossierEvent.objects.filter(dossier=dossier).select_related("unit").order_by("seq"))


@dataclass(frozen=True)
class AllowedAction:
    record: ActionRecord
    transition: Transition
    target: int
    unit_id: int | None
    role: str
    unit: Unit | None = None  # the unit acted for, as offered_actions names it

    @property
    def action(self) -> str:
        return self.record.name


def allowed_actions(actor: Actor, dossier: Dossier, now: datetime | None = None) -> list[AllowedAction]:
    """The table's actions from the dossier's status that the actor's roles permit here and whose
    state-only guard holds now (guards on the parameters, e.g. a reason, are checked when acting)."""
    ctx = ActionContext(dossier, now or timezone.now(), actor, {}, from_status=dossier.status)
    allowed = []
    for record in actions_from(dossier.status):
        if record.system or record.with_files:  # files: the documents page offers these
            continue
        transition = record.transition_from(dossier.status)
        assert transition is not None
        try:
            unit_id, role = authorize(actor, transition, ctx)
        except Forbidden:
            continue
        if transition.guard is not None and transition.guard.state_only and transition.guard(ctx):
            continue
        target = resolve_target(transition, dossier.status, dossier.resume_status)
        allowed.append(AllowedAction(record, transition, target, unit_id, role))
    return allowed


def offered_actions(actor: Actor, dossier: Dossier, now: datetime | None = None) -> list[AllowedAction]:
    """allowed_actions, each with the unit it would be taken for when that unit is one the dossier
    names (dossier_units): a unit only the paper originals pass through is not named."""
    units = dossier_units(dossier)
    return [
        replace(a, unit=units.get(a.unit_id) if a.unit_id is not None else None)
        for a in allowed_actions(actor, dossier, now)
    ]


def dossier_units(dossier: Dossier) -> dict[int, Unit]:
    """The units the dossier names, by id: receiving, current, competent, each step's, the return point
    (loaded with it by dossier_detail)."""
    units = {u.id: u for u in (dossier.receiving_unit, dossier.current_unit, dossier.competent_unit)}
    units.update({s.unit_id: s.unit for s in dossier.steps.all()})
    if dossier.return_unit:
        units[dossier.return_unit.id] = dossier.return_unit
    return units


@dataclass(frozen=True)
class DossierRead:
    """A dossier as one staff member reads it at one moment (the API's dossier page): the dossier with
    its history (dossier_detail), its clock then, and the actions the reader may take then."""

    dossier: Dossier
    clock: ClockStatus
    allowed_actions: list[AllowedAction]


def read_dossier(actor: Actor, code: str, now: datetime | None = None) -> DossierRead:
    dossier = dossier_detail(actor, code)
    now = now or timezone.now()
    return DossierRead(dossier, clock.clock_status(dossier, now), offered_actions(actor, dossier, now))


# --- the due time, explained ----------------------------------------------------------------------


@dataclass
class DueExplanation:
    state: str  # not_started | running | paused | closed
    clock_start: datetime | None
    legal_due_at: datetime | None
    due_at: datetime | None
    paused: timedelta
    vi: str
    en: str


def due_explanation(dossier: Dossier) -> DueExplanation:
    """Why the dossier is due when it is: the legal clock from reception, its days off, the supplement
    pauses, then any apology's new appointment. Uses the prefetched supplements and apologies."""
    if dossier.received_at is None:
        label_vi, label_en = both(Status(dossier.status).label)
        return DueExplanation(
            "not_started",
            None,
            None,
            None,
            timedelta(0),
            f"Hồ sơ chưa được tiếp nhận ({label_vi}): thời hạn chưa bắt đầu tính.",
            f"The dossier has not been received yet ({label_en}): the clock has not started.",
        )
    pauses = clock.supplement_pauses(dossier, list(dossier.supplements.all()))  # as the stored legal due
    due = work_calendar().due(dossier.received_at, clock.limit_of(dossier, dossier.procedure_version), pauses)
    vi, en = [due.explanation_vi], [due.explanation_en]
    for apology in dossier.apologies.all():
        vi.append(
            f"Lúc {moment_vi(timezone.localtime(apology.at))}, {apology.unit.name_vi} xin lỗi và hẹn lại "
            f"{moment_vi(timezone.localtime(apology.new_due_at))} (lý do: {apology.reason})."
        )
        en.append(
            f"At {moment_en(timezone.localtime(apology.at))}, {apology.unit.name_en or apology.unit.name_vi} "
            f"apologized with a new appointment {moment_en(timezone.localtime(apology.new_due_at))} "
            f"(reason: {apology.reason})."
        )
    _explain_outcome(dossier, vi, en)
    return DueExplanation(
        _clock_state(dossier), due.clock_start, due.at, dossier.due_at, due.paused, " ".join(vi), " ".join(en)
    )


def _clock_state(dossier: Dossier) -> str:
    if dossier.closed_at is not None or dossier.finished_at is not None:
        return "closed"
    return "paused" if dossier.paused_since is not None else "running"


def _explain_outcome(dossier: Dossier, vi: list[str], en: list[str]) -> None:
    if dossier.finished_at is None:
        return
    finished = timezone.localtime(dossier.finished_at)
    if dossier.finished_on_time:
        vi.append(f"Có kết quả lúc {moment_vi(finished)}: đúng hạn.")
        en.append(f"Result ready {moment_en(finished)}: on time.")
    else:
        vi.append(f"Có kết quả lúc {moment_vi(finished)}: trễ hạn (Chỉ số 766).")
        en.append(f"Result ready {moment_en(finished)}: late (Index 766).")


# --- the applicant's view -------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    status: int


@dataclass(frozen=True)
class PublicStatus:
    """What the applicant may read with the code and PIN of the receipt, as the API's TrackOut and the
    portal's tracking page show it: of the dossier, its code, procedure, status, times, current unit
    and return point (never the ID number, the officers or the internal steps); and the following."""

    dossier: Dossier
    missing: list[dict[str, str]]  # the papers the open supplement request asks for
    history: list[StatusChange]  # each change of status, oldest first
    shipments: list[Shipment]  # by the postal service: the dossier's envelope, the result sent

    @property
    def in_the_post(self) -> bool:
        return any(s.kind == Shipment.Kind.RESULT and s.in_transit for s in self.shipments)

    @property
    def result_ready(self) -> bool:
        return self.dossier.status in (Status.FINISHED, Status.RETURNED)

    @property
    def result_at_return_point(self) -> bool:
        return self.dossier.status == Status.FINISHED and self.dossier.result_at_return_point

    @property
    def closed(self) -> bool:
        """Refused, withdrawn, stopped or returned: nothing more will happen."""
        return self.dossier.closed_at is not None

    @property
    def reason(self) -> str:
        """Why it was refused, withdrawn or stopped; empty otherwise."""
        return self.dossier.reason if self.dossier.status in ENDED_WITH_REASON else ""


def public_status(dossier: Dossier) -> PublicStatus:
    """The applicant's view of a dossier (its procedure, return and current units selected), once
    tracking.look_up has checked the PIN: no officers, no steps, no personal data."""
    missing: list[dict[str, str]] = []
    if dossier.status == Status.SUPPLEMENT:
        open_request = open_supplement(list(dossier.supplements.order_by("requested_at", "id")))
        missing = list(open_request.missing) if open_request else []
    return PublicStatus(dossier, missing, _status_changes(dossier), shipments_of(dossier))


def shipments_of(dossier: Dossier) -> list[Shipment]:
    """The dossier's postal shipments, oldest first (what the applicant and the officers may read)."""
    return list(dossier.shipments.order_by("handed_at", "id"))


ENDED_WITH_REASON = (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED)


def _status_changes(dossier: Dossier) -> list[StatusChange]:
    """When the dossier's status changed: what the applicant may follow (no officers, no steps)."""
    events = dossier.events.order_by("seq").values_list("at", "from_status", "to_status")
    return [StatusChange(at, to) for at, before, to in events if before != to]


# --- shared with the API --------------------------------------------------------------------------


def action_label(action: str) -> tuple[str, str]:
    record = ACTIONS.get(action)
    return record.labels if record else (action, action)


def supplement_brought(actor: Actor, code: str, id_number: str) -> tuple[Dossier, SupplementRequest]:
    """A dossier whose applicant brings papers to a counter of any unit: found by its code and the
    applicant's ID number together, and only while a supplement request is open. An unknown code, a
    wrong ID number and a dossier not waiting for papers give the same answer."""
    code, id_number = code.strip()[:40], id_number.strip()[:20]
    dossier = (
        Dossier.objects.select_related("procedure", "current_unit", "receiving_unit")
        .filter(code=code)
        .first()
    )
    found = None
    if dossier is not None and id_number and dossier.status == Status.SUPPLEMENT:
        ctx = ActionContext(
            dossier, timezone.now(), actor, {"applicant_id_number": id_number}, dossier.status
        )
        if brought_to_counter(ctx, ACTIONS["supplement_received"].transition_from(dossier.status)):
            found = open_supplement(list(dossier.supplements.order_by("requested_at", "id")))
    if dossier is None or found is None:
        raise NotFound(
            f"hồ sơ {code} đang chờ bổ sung của người có số giấy tờ đã nhập",
            f"dossier {code} waiting for a supplement from the person with the ID number given",
        )
    return dossier, found
