"""Every write to a dossier. One transaction per call: check (input, permission, lifecycle, guard),
then mutate, then append the event; nothing is half-written."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from motcua import db
from motcua.catalog.models import Component, LimitUnit, OnlineLevel, PaperForm, Procedure, ProcedureVersion
from motcua.catalog.search import fold
from motcua.catalog.selectors import version_in_force_cached
from motcua.errors import MotcuaError, NotFound, Problem, ValidationFailed
from motcua.network import reference
from motcua.network.models import SERVICE_UNIT_KINDS, Jurisdiction, JurisdictionLevel, Unit
from motcua.worktime import Pause, TimeLimit

from . import guards, memo, numbered, routing, rows
from .codes import next_code
from .events import EVENT_BOOKKEEPING, hashed_text_around_code, prepare_event
from .lifecycle import ACTION_LABELS, NOT_CREATED, Action, actions_from, resolve_target, transition_for
from .models import (
    Apology,
    Channel,
    Dossier,
    DossierPaper,
    DossierStep,
    Handover,
    PaperMovement,
    Status,
    StepState,
    SupplementRequest,
    Timeliness,
)
from .permissions import Actor, authorize, ensure_visible

ORIGINALS_DEADLINE_DAYS = Decimal(1)


# --- input ---------------------------------------------------------------------------------------


@dataclass
class Applicant:
    name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass
class PaperIn:
    component: str  # component code of the procedure version
    form: str = ""
    quantity: int = 1
    reused: bool = False
    digitized: bool = False


@dataclass
class IntakeRequest:
    unit: str  # agency code of the receiving unit
    procedure: str
    subject_jurisdiction: str  # code of the place the matter concerns
    applicant: Applicant
    papers: list[PaperIn] = field(default_factory=list)
    channel: int = Channel.IN_PERSON
    return_unit: str = ""  # agency code; empty with return_by_post
    return_by_post: bool = False
    return_address: str = ""
    request_text: str = ""
    decision: str = "receive"  # receive | refuse | supplement
    reason: str = ""
    missing_note: str = ""


@dataclass
class IntakeResult:
    dossier: Dossier
    pin: str
    missing: list[dict[str, str]]


def _keyed_hash(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def tracking_secret(pin: str, salt: str | None = None) -> str:
    """What is kept of the PIN printed on the receipt: "v", a random salt (15 hex digits) and the keyed
    hash of salt and PIN (48 hex digits). It needs no dossier code, so it is made before the database
    numbers the dossier."""
    salt = salt or secrets.token_hex(8)[:15]
    return f"v{salt}{_keyed_hash(f'{salt}:{pin}')[:48]}"


def pin_matches(dossier: Dossier, pin: str) -> bool:
    pin, kept = pin.strip(), dossier.tracking_secret
    if kept.startswith("v") and len(kept) == 64:
        expected = tracking_secret(pin, salt=kept[1:16])
    else:  # kept before salts were used: the keyed hash of code and PIN
        expected = _keyed_hash(f"{dossier.code}:{pin}")
    return hmac.compare_digest(kept, expected)


# --- intake --------------------------------------------------------------------------------------


def intake(*, actor: Actor, request: IntakeRequest, now: datetime | None = None) -> IntakeResult:
    """Receive a dossier at a counter (or by post), file it online, or refuse it or ask for a
    supplement at intake. Missing required papers make reception impossible: a supplement request
    naming exactly those papers is issued instead.

    Everything is computed first; the day's number is taken last (the counter row lock then covers
    only the inserts), and each row is inserted once with its final values."""
    now = now or timezone.now()
    one_statement = numbered.available(request.unit)
    # The one-statement write is a transaction by itself; everything before it only reads.
    with nullcontext() if one_statement else transaction.atomic(), reference.scope():
        context = _IntakeContext.load(request, now)
        missing = context.missing_required()
        action = _intake_action(request, missing)
        transition = transition_for(NOT_CREATED, action)
        dossier = context.unsaved_dossier(now)
        role_unit, role = authorize(actor, transition, dossier)
        problem = guards.check(
            transition.guard, dossier=dossier, now=now, params={"missing": missing, "reason": request.reason}
        )
        if problem:
            raise guards.refusal(transition.guard, problem)
        context.fill(dossier, action, now, actor)
        papers, steps = context.papers(dossier), context.steps(dossier)
        changes, follow_up = _intake_changes(context, dossier, action, now, missing, papers, steps)
        _apply(dossier, changes)
        pin = f"{secrets.randbelow(10**6):06d}"
        dossier.tracking_secret = tracking_secret(pin)
        if not one_statement:
            context.number(dossier, now)
        event = prepare_event(
            dossier=dossier,
            at=now,
            actor=actor.user,
            role=role,
            unit_id=role_unit,
            action=action,
            from_status=None,
            changes=_snapshot(dossier, changes),
            payload={
                "missing": missing,
                "reason": request.reason,
                "channel": request.channel,
                "procedure_version": context.version.version,
            },
        )
        if one_statement:
            numbered.write(
                dossier,
                agency_code=context.unit.code,
                day=timezone.localtime(now).date(),
                groups=[group for group in (papers, steps, *([row] for row in follow_up)) if group],
                event=event,
                hashed=numbered.HashedText(*hashed_text_around_code(event)),
            )
        else:
            _insert_intake(dossier, papers, steps, follow_up, event)
    return IntakeResult(dossier=dossier, pin=pin, missing=missing)


def _insert_intake(dossier: Dossier, papers: list, steps: list, follow_up: list, event) -> None:
    """Every row of the new dossier: the dossier (its id comes back), then one INSERT per table of its
    papers, its steps, the supplement request or the originals' movement (follow_up) and the event,
    sent in one round trip where the database takes several statements in one call (PostgreSQL with
    Django's client-side parameters), else one after the other. Like bulk_create: no model signals."""
    dossier.pk = db.run(*rows.insert_statement([dossier], returning_id=True)).fetchone()[0]
    dossier._state.adding, dossier._state.db = False, connection.alias
    groups = [group for group in (papers, steps, *([row] for row in follow_up), [event]) if group]
    for group in groups:
        for row in group:
            row.dossier_id = dossier.pk
    statements = [rows.insert_statement(group) for group in groups]
    if connection.vendor == "postgresql" and not connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    ):
        with connection.cursor() as cursor:
            cursor.execute("; ".join(sql for sql, _ in statements), [p for _, ps in statements for p in ps])
    else:
        for statement in statements:
            db.run(*statement)


def _intake_action(request: IntakeRequest, missing: list[dict]) -> Action:
    if request.channel == Channel.ONLINE and request.decision == "receive":
        return Action.SUBMIT_ONLINE
    if request.decision == "refuse":
        return Action.REFUSE
    if request.decision == "supplement" or missing:
        return Action.REQUEST_SUPPLEMENT
    return Action.RECEIVE


@dataclass
class _IntakeContext:
    request: IntakeRequest
    unit: Unit
    procedure: Procedure
    version: ProcedureVersion
    subject: Jurisdiction
    competent: Unit
    return_unit: Unit | None
    components: dict[str, Component]

    @classmethod
    def load(cls, request: IntakeRequest, now: datetime) -> _IntakeContext:
        problems: list[Problem] = []
        unit = _lookup_unit(request.unit, "unit", problems, service_only=True)
        procedure = memo.remembered(
            ("procedure", request.procedure),
            lambda: (
                Procedure.objects.filter(code=request.procedure).select_related("competent_agency").first()
            ),
        )
        if not request.procedure.strip():
            problems.append(Problem("procedure", "bắt buộc", "is required"))
        elif procedure is None:
            problems.append(
                Problem(
                    "procedure",
                    f"không có thủ tục mã '{request.procedure}'",
                    f"no procedure with code '{request.procedure}'",
                )
            )
        elif request.channel == Channel.ONLINE and procedure.online_level == OnlineLevel.NONE:
            problems.append(
                Problem(
                    "channel",
                    "thủ tục này không nhận hồ sơ trực tuyến; hãy nộp tại quầy hoặc qua bưu chính",
                    "this procedure is not offered online; file it at a counter or by post",
                )
            )
        subject = memo.remembered(
            ("jurisdiction", request.subject_jurisdiction),
            lambda: Jurisdiction.objects.filter(code=request.subject_jurisdiction).first(),
        )
        if subject is None or subject.level != JurisdictionLevel.COMMUNE:
            problems.append(
                Problem(
                    "subject_jurisdiction",
                    "phải là mã một xã, phường, thị trấn",
                    "must be the code of a commune-level unit",
                )
            )
        return_unit = None
        if request.return_by_post:
            if not request.return_address.strip():
                problems.append(
                    Problem(
                        "return_address",
                        "cần địa chỉ nhận kết quả qua bưu chính",
                        "a delivery address is needed for postal return",
                    )
                )
        else:
            return_unit = _lookup_unit(
                request.return_unit or request.unit, "return_unit", problems, service_only=True
            )
        _check_applicant(request.applicant, problems)
        if request.channel not in Channel.values:
            problems.append(Problem("channel", "kênh phải là 1, 2 hoặc 3", "channel must be 1, 2 or 3"))
        if problems:
            raise ValidationFailed(
                message_vi="Hồ sơ tiếp nhận chưa hợp lệ.",
                message_en="The intake is invalid.",
                problems=problems,
            )
        day = timezone.localtime(now).date()
        version = memo.remembered(
            ("version", procedure.pk, day), lambda: version_in_force_cached(procedure, day)
        )
        components = memo.remembered(
            ("components", version.pk), lambda: {c.code: c for c in version.components.all()}
        )
        context = cls(
            request,
            unit,
            procedure,
            version,
            subject,
            memo.remembered(
                ("competent", procedure.pk, subject.pk), lambda: routing.competent_unit(procedure, subject)
            ),
            return_unit,
            components,
        )
        context.check_place_and_papers()
        return context

    def check_place_and_papers(self) -> None:
        if not routing.may_receive(self.unit, self.procedure, self.subject):
            names = "; ".join(
                u.name_vi for u in routing.units_that_may_receive(self.procedure, self.subject)[:8]
            )
            raise ValidationFailed(
                message_vi=f"Thủ tục {self.procedure.code} không tiếp nhận phi địa giới; hãy nộp tại: {names}.",
                message_en=f"Procedure {self.procedure.code} is not boundary-free; file it at: {names}.",
                problems=[
                    Problem(
                        "unit",
                        "đơn vị không thuộc địa bàn có thẩm quyền",
                        "the unit is outside the competent area",
                    )
                ],
                code="not_boundary_free",
            )
        problems = paper_problems(self.request.papers, self.components)
        if problems:
            raise ValidationFailed(
                message_vi="Danh sách giấy tờ chưa hợp lệ.",
                message_en="The papers are invalid.",
                problems=problems,
            )

    def missing_required(self) -> list[dict[str, str]]:
        given = {p.component for p in self.request.papers}
        return [
            {"code": c.code, "name_vi": c.name_vi, "name_en": c.name_en, "note": self.request.missing_note}
            for c in self.components.values()
            if c.required and c.code not in given
        ]

    def unsaved_dossier(self, now: datetime) -> Dossier:
        return Dossier(
            procedure=self.procedure,
            procedure_version=self.version,
            channel=self.request.channel,
            status=NOT_CREATED,
            receiving_unit=self.unit,
            competent_unit=self.competent,
            current_unit=self.unit,
            subject_jurisdiction=self.subject,
            return_unit=self.return_unit,
            return_by_post=self.request.return_by_post,
            return_address=self.request.return_address,
        )

    def fill(self, dossier: Dossier, action: Action, now: datetime, actor: Actor) -> None:
        """Every field known before the number is taken. Assisted: filed online by an officer on the
        applicant's behalf."""
        request = self.request
        dossier.status = resolve_target(transition_for(NOT_CREATED, action), NOT_CREATED, None)
        dossier.assisted = request.channel == Channel.ONLINE and not (actor.applicant or actor.system)
        dossier.applicant_name = request.applicant.name.strip()
        dossier.applicant_search = searchable_name(dossier.applicant_name)
        dossier.applicant_id_number = request.applicant.id_number.strip()
        dossier.applicant_phone = request.applicant.phone.strip()
        dossier.applicant_email = request.applicant.email.strip()
        dossier.applicant_address = request.applicant.address.strip()
        dossier.request_text = request.request_text
        dossier.submitted_at = now
        dossier.fee_total_vnd = memo.remembered(
            ("fees", self.version.pk), lambda: sum(f.amount_vnd for f in self.version.fees.all())
        )

    def number(self, dossier: Dossier, now: datetime) -> None:
        """The day's next number of the receiving unit: the last step before the inserts."""
        dossier.code, dossier.log_book_number = next_code(self.unit.code, timezone.localtime(now).date())

    def papers(self, dossier: Dossier) -> list[DossierPaper]:
        return [
            DossierPaper(
                dossier=dossier,
                component=self.components[p.component],
                form=p.form or self.components[p.component].form,
                quantity=p.quantity,
                reused=p.reused,
                digitized=p.digitized or p.reused,
            )
            for p in self.request.papers
        ]

    def steps(self, dossier: Dossier) -> list[DossierStep]:
        """The dossier's steps from the version's process template, each with its performing unit."""
        return_unit = self.return_unit or self.unit
        template = memo.remembered(("steps", self.version.pk), lambda: list(self.version.steps.all()))

        def unit_for(performer: str) -> Unit:
            key = ("step_unit", performer, self.unit.pk, self.competent.pk, return_unit.pk, self.subject.pk)
            return memo.remembered(
                key,
                lambda: routing.step_unit(
                    performer,
                    receiving=self.unit,
                    competent=self.competent,
                    return_unit=return_unit,
                    subject=self.subject,
                ),
            )

        return [
            DossierStep(
                dossier=dossier,
                order=s.order,
                name_vi=s.name_vi,
                name_en=s.name_en,
                role=s.role,
                days=s.days,
                is_return=s.performer == "return",
                unit=unit_for(s.performer),
            )
            for s in template
        ]


MAX_PAPER_QUANTITY = 999
_ID_NUMBER = re.compile(r"[0-9]{9}|[0-9]{12}")


def paper_problems(papers: list[PaperIn], components: dict[str, Component]) -> list[Problem]:
    """What is wrong with a list of papers given for a procedure version's checklist."""
    problems = []
    for index, paper in enumerate(papers):
        component = components.get(paper.component)
        where = f"papers[{index}]"
        if component is None:
            problems.append(
                Problem(
                    "component",
                    f"thành phần '{paper.component}' không có trong thủ tục",
                    f"component '{paper.component}' is not part of this procedure",
                    where,
                )
            )
        elif paper.form and paper.form not in PaperForm.values:
            forms = ", ".join(PaperForm.values)
            problems.append(
                Problem("form", f"hình thức phải là một trong {forms}", f"form must be one of {forms}", where)
            )
        elif type(paper.quantity) is not int or not 1 <= paper.quantity <= MAX_PAPER_QUANTITY:
            problems.append(
                Problem(
                    "quantity",
                    f"số lượng phải từ 1 đến {MAX_PAPER_QUANTITY}",
                    f"quantity must be 1 to {MAX_PAPER_QUANTITY}",
                    where,
                )
            )
        elif paper.reused and not component.reusable:
            problems.append(
                Problem(
                    "reused",
                    "thành phần này không được tái sử dụng từ kho dữ liệu",
                    "this component cannot be reused from digitized papers",
                    where,
                )
            )
    return problems


def _lookup_unit(code: str, field_name: str, problems: list[Problem], *, service_only: bool) -> Unit | None:
    unit = memo.remembered(("unit", code), lambda: Unit.objects.filter(code=code, active=True).first())
    if unit is None:
        problems.append(Problem(field_name, f"không có đơn vị mã '{code}'", f"no unit with code '{code}'"))
    elif service_only and unit.kind not in SERVICE_UNIT_KINDS:
        problems.append(
            Problem(
                field_name,
                f"'{code}' không phải trung tâm, chi nhánh hay điểm tiếp nhận",
                f"'{code}' is not a center, branch or reception point",
            )
        )
    return unit


def _check_applicant(applicant: Applicant, problems: list[Problem]) -> None:
    if not applicant.name.strip():
        problems.append(Problem("applicant.name", "bắt buộc", "is required"))
    if not _ID_NUMBER.fullmatch(applicant.id_number.strip()):
        problems.append(
            Problem(
                "applicant.id_number",
                "số CCCD/CMND phải gồm 12 (hoặc 9) chữ số",
                "the ID number must have 12 (or 9) digits",
            )
        )
    if applicant.phone.strip() and not _valid_phone(applicant.phone.strip()):
        problems.append(
            Problem(
                "applicant.phone",
                "số điện thoại gồm 8-15 chữ số (có thể có +, dấu cách, chấm, gạch nối)",
                "a phone number has 8-15 digits (+, spaces, dots and hyphens allowed)",
            )
        )
    if applicant.email.strip() and not _valid_email(applicant.email.strip()):
        problems.append(
            Problem("applicant.email", "địa chỉ email không hợp lệ", "the email address is invalid")
        )


_PHONE = re.compile(r"\+?[0-9][0-9 .\-]*")


def searchable_name(name: str) -> str:
    """What the queues' search matches word by word: a space, then the folded name."""
    return " " + fold(name)


def _valid_phone(number: str) -> bool:
    digits = sum(c.isdigit() for c in number)
    return _PHONE.fullmatch(number) is not None and number.isascii() and 8 <= digits <= 15


def _valid_email(address: str) -> bool:
    try:
        validate_email(address)
    except DjangoValidationError:
        return False
    return True


def _intake_changes(
    context: _IntakeContext,
    dossier: Dossier,
    action: Action,
    now: datetime,
    missing: list[dict],
    papers: list[DossierPaper],
    steps: list[DossierStep],
) -> tuple[dict[str, Any], list]:
    """The intake's changes to the dossier (steps planned in place) and the rows to insert after it."""
    changes: dict[str, Any] = {
        "current_unit_id": context.unit.id,
        "return_unit_id": dossier.return_unit_id,
        "return_by_post": dossier.return_by_post,
    }
    follow_up: list = []
    if action == Action.RECEIVE:
        changes.update(_start_clock(dossier, now, steps))
        movement = _originals_movement(dossier, now, any(p.form == "original" for p in papers))
        follow_up += [movement] if movement else []
    elif action == Action.REFUSE:
        changes.update(_refusal(dossier, context.request.reason, now))
        _stop_unfinished(steps, saved=False)  # the plan is kept on the page, as nobody's work
    elif action == Action.REQUEST_SUPPLEMENT:
        follow_up.append(_intake_supplement(dossier, context.unit.id, now, missing, context.request.reason))
        changes.update(resume_status=Status.RECEIVED)
    return changes, follow_up


def _refusal(dossier: Dossier, reason: str, now: datetime) -> dict[str, Any]:
    """Refused at intake (at the counter, or an online filing): the reason is kept, the dossier closed."""
    dossier.reason = reason
    return {"closed_at": now}


def _intake_supplement(
    dossier: Dossier, unit_id: int, now: datetime, missing: list, reason: str
) -> SupplementRequest:
    """The supplement request of an intake (Form 02), not yet saved: reception waits for it."""
    return SupplementRequest(
        dossier=dossier, unit_id=unit_id, at_intake=True, requested_at=now, missing=missing, reason=reason
    )


def applicable_limit(dossier: Dossier) -> TimeLimit:
    version = guards.version_of(dossier)
    if dossier.channel == Channel.ONLINE and version.online_limit_amount is not None:
        return TimeLimit(version.online_limit_amount, version.online_limit_unit or LimitUnit.WORKING_DAYS)
    return TimeLimit(version.limit_amount, version.limit_unit)


def _start_clock(dossier: Dossier, now: datetime, steps: list[DossierStep]) -> dict[str, Any]:
    """Reception: the appointment and every step's deadline are fixed from the receipt time (the steps
    are changed in place; the caller writes them)."""
    calendar = memo.calendar()
    limit = applicable_limit(dossier)
    due = calendar.trace_due(now, limit)  # the time and the clock's start: no explanation text
    step_dues = _step_dues(calendar, due.clock_start, due.at, limit, [s.days for s in steps])
    first = steps[0] if steps else None
    for step, step_due in zip(steps, step_dues, strict=True):
        step.due_at = step_due
        if step is first:
            step.state, step.started_at = StepState.ACTIVE, now
    changes = {
        "received_at": now,
        "clock_start": due.clock_start,
        "due_at": due.at,
        "legal_due_at": due.at,
        "current_step_order": first.order if first else None,
        "resume_status": None,
    }
    if first is not None:  # the first step's unit holds it (the receiving unit, in most templates)
        changes["current_unit_id"] = first.unit_id
    return changes


def _start_clock_of_saved(dossier: Dossier, now: datetime) -> dict[str, Any]:
    steps = _steps(dossier)
    changes = _start_clock(dossier, now, steps)
    for step in steps:  # plain UPDATEs: far cheaper to build than one bulk CASE statement
        rows.update(step, ["due_at", "state", "started_at"])
    return changes


def _step_dues(
    calendar, start: datetime, due: datetime, limit: TimeLimit, shares: list[Decimal]
) -> list[datetime]:
    if limit.unit == LimitUnit.WORKING_DAYS and limit.amount > 0:
        total = sum((Decimal(s) for s in shares), Decimal(0))
        if not total or total == limit.amount:
            return [min(d, due) for d in calendar.step_dues(start, shares)]
        # The shares add up to another limit (the in-person one for a shorter online limit): each step
        # keeps its fraction of the applicable limit; the last share ends exactly at the limit.
        dues, running = [], Decimal(0)
        for share in shares:
            running += Decimal(share)
            dues.append(calendar.add_working_days(start, running * limit.amount / total))
        return [min(d, due) for d in dues]
    # On-the-spot and calendar-day limits: each step's due is the share's fraction of the whole span.
    total = sum(shares) or Decimal(1)
    span = due - start
    dues, running = [], Decimal(0)
    for share in shares:
        running += share
        dues.append(start + span * float(running / total) if shares and sum(shares) else due)
    return [min(d, due) for d in dues]


def _originals_movement(dossier: Dossier, now: datetime, has_originals: bool) -> PaperMovement | None:
    """Paper originals received away from the competent agency travel there within a working day."""
    if not has_originals or dossier.channel == Channel.ONLINE:
        return None
    if dossier.receiving_unit_id == dossier.competent_unit_id:
        return None
    return PaperMovement(
        dossier=dossier,
        from_unit_id=dossier.receiving_unit_id,
        to_unit_id=dossier.competent_unit_id,
        created_at=now,
        due_at=memo.calendar().add_working_days(now, ORIGINALS_DEADLINE_DAYS),
    )


def _plan_originals(dossier: Dossier, now: datetime) -> None:
    if dossier.channel == Channel.ONLINE or dossier.receiving_unit_id == dossier.competent_unit_id:
        return
    movement = _originals_movement(dossier, now, dossier.papers.filter(form="original").exists())
    if movement:
        movement.save(force_insert=True)


# --- actions on an existing dossier ---------------------------------------------------------------


def act(
    *,
    actor: Actor,
    code: str,
    action: Action | str,
    now: datetime | None = None,
    params: dict[str, Any] | None = None,
) -> Dossier:
    """Perform one lifecycle action on a dossier, as the transition table allows."""
    now = now or timezone.now()
    params = dict(params or {})  # guards may note what they looked up for the handler
    action = _parse_action(action)
    held = _held_here(code)
    try:
        with transaction.atomic(savepoint=held is None), reference.scope():
            return _perform(actor, _locked(code, held), action, now, params)
    except BaseException:
        if held is not None:  # the instance may be half changed; the transaction cannot go on anyway
            held.pop(code, None)
        raise


def _perform(actor: Actor, dossier: Dossier, action: Action, now: datetime, params: dict) -> Dossier:
    before = _field_values(dossier)
    if not actor.applicant:  # staff see only dossiers of their units (before learning its status)
        ensure_visible(actor, dossier)
    transition = transition_for(dossier.status, action)
    if transition is None:
        raise illegal_action(dossier, action)
    unit_id, role = authorize(actor, transition, dossier)
    problem = guards.check(transition.guard, dossier=dossier, now=now, params=params, actor=actor)
    if problem:
        raise guards.refusal(transition.guard, problem)
    from_status = dossier.status
    target = resolve_target(transition, dossier.status, dossier.resume_status)
    handler = HANDLERS_BY_STATUS.get((from_status, action)) or HANDLERS[action]
    changes, payload = handler(dossier, now=now, params=params, actor=actor, unit_id=unit_id)
    note = str(params.get("note") or "").strip()
    if note and "note" not in payload:  # what the officer wrote is kept with every action
        payload = {**payload, "note": note}
    dossier.status = target
    _apply(dossier, changes)
    event = prepare_event(
        dossier=dossier,
        at=now,
        actor=actor.user,
        role=role,
        unit_id=unit_id,
        action=action,
        from_status=from_status,
        changes=_snapshot(dossier, changes),
        payload=payload,
    )
    rows.insert([event])
    rows.update(dossier, _changed_fields(dossier, before))
    return dossier


@dataclass
class _BulkTransaction:
    savepoints: list[str | None]  # the connection's savepoints when the transaction began
    dossiers: dict[str, Dossier]  # by code: those its actions read, in the order first read


_bulk: ContextVar[_BulkTransaction | None] = ContextVar("motcua_bulk_transaction", default=None)
_HELD_DOSSIERS = 32  # a bulk load plays one dossier at a time: a few are enough, memory stays flat


@contextmanager
def bulk_transaction() -> Iterator[None]:
    """One all-or-nothing transaction for a bulk load (the demo history, which never goes on after a
    failed action), cheaper per action than a transaction or savepoint each:
    - the actions run in it without a savepoint of their own. A failed action still leaves nothing
      behind: Django then refuses every statement until the transaction is rolled back;
    - a dossier an action read stays in memory, with its steps, for the next action on it: its row
      stays locked by this transaction until the end (on SQLite, the whole database), so nobody else
      can change it, and the services write every change they make through these instances. The load
      must not change the dossiers by other means (a queryset update) meanwhile. An action inside a
      savepoint the caller opened within runs as usual (its own savepoint, a fresh read)."""
    with transaction.atomic():
        token = _bulk.set(_BulkTransaction(list(connection.savepoint_ids), {}))
        try:
            yield
        finally:
            _bulk.reset(token)


def _held_here(code: str) -> dict[str, Dossier] | None:
    """The bulk transaction's dossiers, when this call runs directly in it; else None (and the
    dossier is no longer held: this call may change it under a savepoint that could roll back)."""
    bulk = _bulk.get()
    if bulk is None:
        return None
    if connection.savepoint_ids != bulk.savepoints:
        bulk.dossiers.pop(code, None)
        return None
    return bulk.dossiers


# Concrete fields of the dossier but its id: (attribute name, field name).
_DOSSIER_FIELDS = tuple((f.attname, f.name) for f in Dossier._meta.concrete_fields if not f.primary_key)


def _field_values(dossier: Dossier) -> list[Any]:
    values = dossier.__dict__
    return [values.get(attname) for attname, _ in _DOSSIER_FIELDS]


def _changed_fields(dossier: Dossier, before: list[Any]) -> list[str]:
    """The fields an action changed (handler's changes, fields it set directly, the event bookkeeping):
    the UPDATE writes only these."""
    values = dossier.__dict__
    changed = [
        name
        for (attname, name), old in zip(_DOSSIER_FIELDS, before, strict=True)
        if values.get(attname) != old
    ]
    return changed or list(EVENT_BOOKKEEPING)


def _parse_action(action: Action | str) -> Action:
    try:
        return Action(action)
    except ValueError:
        known = ", ".join(a.value for a in Action)
        raise ValidationFailed(
            message_vi=f"Không có thao tác '{action}'. Các thao tác: {known}.",
            message_en=f"There is no action '{action}'. Actions: {known}.",
            problems=[Problem("action", "không hợp lệ", "unknown")],
        ) from None


def _locked(code: str, held: dict[str, Dossier] | None = None) -> Dossier:
    """The dossier, locked for the call, with its steps in order, read once per action: permissions,
    guards and handlers iterate `dossier.steps.all()`, which gives this list, as after a prefetch (a list,
    not a queryset: the action's code never filters the steps in the database). In a bulk load (held),
    the instance an earlier action of the same transaction read, with its steps as they were written;
    other related rows are read again, as by a fresh read."""
    if held is not None and code in held:
        dossier = held[code]
        guards.forget_paper_movements(dossier)
        return dossier
    found = rows.fetch("dossier_for_update", _dossier_for_update, [code])
    if not found:
        raise NotFound(f"hồ sơ {code}", f"dossier {code}")
    dossier = found[0]
    steps = rows.fetch("steps_of_dossier", _steps_of_dossier, [dossier.pk])
    for step in steps:
        DossierStep.dossier.field.set_cached_value(step, dossier)
    rows.keep_prefetched(dossier, DossierStep.dossier.field.remote_field.cache_name, steps)
    if held is not None:
        if len(held) >= _HELD_DOSSIERS:
            del held[next(iter(held))]
        held[code] = dossier
    return dossier


def _dossier_for_update():  # compiled inside the call's transaction, as a locking read must be
    return Dossier.objects.select_for_update().filter(code="").order_by()


def _steps_of_dossier():
    return DossierStep.objects.filter(dossier_id=0).order_by("order")


def illegal_action(dossier: Dossier, action: Action) -> MotcuaError:
    allowed = [a for a in actions_from(dossier.status) if a not in (Action.MARK_DUE_SOON, Action.MARK_LATE)]
    status = Status(dossier.status)
    vi_list = ", ".join(ACTION_LABELS[a][0] for a in allowed) or "không có"
    en_list = ", ".join(a.value for a in allowed) or "none"
    label_vi, label_en = status.label.split(" / ")
    return ValidationFailed(
        message_vi=f"Không thể '{ACTION_LABELS[action][0]}' hồ sơ {dossier.code} đang ở trạng thái "
        f"{status.value} ({label_vi}). Thao tác được phép: {vi_list}.",
        message_en=f"Cannot '{action.value}' dossier {dossier.code} in status {status.value} ({label_en}). "
        f"Allowed actions: {en_list}.",
        code="illegal_action",
        http_status=409,
    )


def _apply(dossier: Dossier, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(dossier, name, value)


def _snapshot(dossier: Dossier, changes: dict[str, Any]) -> dict[str, Any]:
    return {name: getattr(dossier, name) for name in changes}


def _current_step(dossier: Dossier) -> DossierStep | None:
    return next((s for s in _steps(dossier) if s.order == dossier.current_step_order), None)


def _steps(dossier: Dossier) -> list[DossierStep]:
    """The dossier's steps in order (those `_locked` prefetched: no query)."""
    return list(dossier.steps.all())


def _return_point_step(dossier: Dossier) -> DossierStep | None:
    return next((s for s in _steps(dossier) if s.is_return), None)


def _timeliness(at: datetime, due: datetime | None) -> str:
    if due is None or at <= due - timedelta(hours=1):
        return Timeliness.EARLY if due is not None else Timeliness.ON_TIME
    return Timeliness.ON_TIME if at <= due else Timeliness.LATE


def _move_to(
    dossier: Dossier, current: DossierStep, target: DossierStep, now: datetime, actor: Actor, kind: str
) -> dict[str, Any]:
    current.state, current.completed_at = (
        (StepState.DONE, now) if kind != Handover.Kind.RETURN_STEP else (StepState.PENDING, None)
    )
    if now > (current.due_at or now):
        current.late = True
    target.state, target.started_at, target.completed_at = StepState.ACTIVE, now, None
    for step in (current, target):  # two plain UPDATEs: cheaper to build than one bulk CASE statement
        rows.update(step, ["state", "completed_at", "started_at", "late"])
    _record_handover(
        dossier, kind, current.order, current.unit_id, target.unit_id, actor, now, current.due_at
    )
    return {"current_step_order": target.order, "current_unit_id": target.unit_id}


def _record_handover(
    dossier: Dossier,
    kind: str,
    step_order: int | None,
    from_unit_id: int,
    to_unit_id: int | None,
    actor: Actor,
    now: datetime,
    due_at: datetime | None,
) -> None:
    """A row of the control slip (Form 06), with its timeliness against the deadline it served."""
    handover = Handover(
        dossier=dossier,
        kind=kind,
        step_order=step_order,
        from_unit_id=from_unit_id,
        from_user=actor.user,
        to_unit_id=to_unit_id,
        at=now,
        due_at=due_at,
        timeliness=_timeliness(now, due_at),
    )
    rows.insert([handover])


def _complete_step(dossier, *, now, params, actor, unit_id):
    steps = {s.order: s for s in _steps(dossier)}
    current = steps[dossier.current_step_order]
    following = min(o for o in steps if o > current.order)
    changes = _move_to(dossier, current, steps[following], now, actor, Handover.Kind.STEP)
    return changes, {"note": params.get("note", ""), "to_step": following}


def _return_step(dossier, *, now, params, actor, unit_id):
    steps = {s.order: s for s in _steps(dossier)}
    current = steps[dossier.current_step_order]
    previous = max(o for o in steps if o < current.order)
    changes = _move_to(dossier, current, steps[previous], now, actor, Handover.Kind.RETURN_STEP)
    _plan_again_from(steps, previous, now)
    return changes, {"reason": params.get("reason", ""), "to_step": previous}


def _plan_again_from(steps: dict[int, DossierStep], first: int, now: datetime) -> None:
    """A step sent back runs again for its share from now, and the steps after it follow in turn (the
    old deadlines have passed or soon will: the re-opened step would be late at once). The dossier's
    own due time does not move. The re-opened step's earlier lateness stays on the control slip."""
    orders = sorted(o for o in steps if o >= first)
    dues = memo.calendar().step_dues(now, [steps[o].days for o in orders])
    for order, due in zip(orders, dues, strict=True):
        step = steps[order]
        step.due_at = due
        if order == first:
            step.late = False
        rows.update(step, ["due_at", "late"])


def _assign(dossier, *, now, params, actor, unit_id):
    step = _current_step(dossier)
    step.assignee_id = guards.assignee_id(params)
    rows.update(step, ["assignee"])
    return {}, {"assignee": step.assignee_id, "step": step.order}


def _finish(dossier, *, now, params, actor, unit_id):
    step = _current_step(dossier)
    step.state, step.completed_at = StepState.DONE, now
    step.late = bool(step.due_at and now > step.due_at)
    rows.update(step, ["state", "completed_at", "late"])
    on_time = dossier.legal_due_at is None or now <= dossier.legal_due_at
    repeated = any(s.repeated for s in guards.supplements_of(dossier, params))
    return_step = _return_point_step(dossier)
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
    if at_return_point:  # nothing to carry: the return step begins here and now
        return_step.state, return_step.started_at = StepState.ACTIVE, now
        rows.update(return_step, ["state", "started_at"])
        changes["current_step_order"] = return_step.order
    return changes, {"result_papers": params.get("result_papers", [])}


def _carry_result(dossier, *, now, params, actor, unit_id):
    current = _current_step(dossier)
    target = _return_point_step(dossier)
    to_unit = target.unit_id if target else dossier.return_unit_id
    _record_handover(
        dossier,
        Handover.Kind.RESULT,
        current.order if current else None,
        dossier.current_unit_id,
        to_unit,
        actor,
        now,
        dossier.due_at,
    )
    changes = {"current_unit_id": to_unit, "result_at_return_point": True}
    if target:
        target.state, target.started_at = StepState.ACTIVE, now
        rows.update(target, ["state", "started_at"])
        changes["current_step_order"] = target.order
    return changes, {"by_post": dossier.return_by_post}


def _return_result(dossier, *, now, params, actor, unit_id):
    step = _current_step(dossier)
    if step:
        step.state, step.completed_at = StepState.DONE, now
        rows.update(step, ["state", "completed_at"])
    _record_handover(
        dossier,
        Handover.Kind.RETURNED,
        step.order if step else None,
        dossier.current_unit_id,
        None,
        actor,
        now,
        dossier.due_at,
    )
    return {"returned_at": now, "closed_at": now}, {
        "by_post": dossier.return_by_post,
        "receiver": params.get("receiver", ""),
    }


def _request_supplement(dossier, *, now, params, actor, unit_id):
    unit_id = unit_id or dossier.current_unit_id
    repeated = dossier.supplements.filter(unit_id=unit_id, at_intake=False).exists()
    missing = _named_from_catalog(dossier, params.get("missing", []))
    SupplementRequest.objects.create(
        dossier=dossier,
        unit_id=unit_id,
        at_intake=False,
        requested_at=now,
        missing=missing,
        reason=params.get("reason", ""),
        repeated=repeated,
        due_before=dossier.due_at,
    )
    return (
        {"paused_since": now, "resume_status": Status.PROCESSING},
        {"missing": missing, "repeated": repeated},
    )


def _named_from_catalog(dossier: Dossier, missing: list[dict]) -> list[dict]:
    """The missing papers with the names the catalog gives them (the guard checked the codes), each
    with the note the officer wrote."""
    components = {c.code: c for c in guards.version_components(dossier)}
    named = []
    first_mentions: dict[str, dict] = {}
    for item in missing:  # a paper named twice is asked for once, as first written
        first_mentions.setdefault(item["code"], item)
    for item in first_mentions.values():
        component = components[item["code"]]
        named.append(
            {
                "code": component.code,
                "name_vi": component.name_vi,
                "name_en": component.name_en,
                "note": item.get("note", ""),
            }
        )
    return named


def _supplement_received(dossier, *, now, params, actor, unit_id):
    supplements = guards.supplements_of(dossier, params)  # in request order
    request = next(s for s in reversed(supplements) if s.completed_at is None)
    supplied = _record_papers(dossier, params.get("papers") or [])
    changes: dict[str, Any] = {"resume_status": None, "paused_since": None}
    request.completed_at = now
    if request.at_intake:  # the checklist is complete now (guard): the dossier is received
        request.save(update_fields=["completed_at"])
        changes.update(_start_clock_of_saved(dossier, now))
        _plan_originals(dossier, now)
        guards.forget_paper_movements(dossier)  # a movement may have been added: read anew if needed
        return changes, {"at_intake": True, "papers": supplied}
    changes.update(_resume_clock(dossier, supplements, now))
    request.due_after = changes.get("due_at", dossier.due_at)
    request.save(update_fields=["completed_at", "due_after"])
    return changes, {"at_intake": False, "paused_from": dossier.paused_since, "papers": supplied}


def _record_papers(dossier: Dossier, given: list) -> list[str]:
    """The papers the applicant brought (intake's shape): a component already on file is replaced
    (e.g. the original instead of a copy). Returns the component codes recorded."""
    if not given:
        return []
    papers = [p if isinstance(p, PaperIn) else PaperIn(**p) for p in given]
    components = {c.code: c for c in guards.version_of(dossier).components.all()}
    problems = paper_problems(papers, components)
    if problems:
        raise ValidationFailed(
            message_vi="Danh sách giấy tờ bổ sung chưa hợp lệ.",
            message_en="The supplied papers are invalid.",
            problems=problems,
        )
    on_file = {p.component_id: p for p in dossier.papers.all()}
    new, replaced = [], []
    for paper in {p.component: p for p in papers}.values():
        component = components[paper.component]
        row = on_file.get(component.pk) or DossierPaper(dossier=dossier, component=component)
        row.form = paper.form or component.form
        row.quantity, row.reused = paper.quantity, paper.reused
        row.digitized = paper.digitized or paper.reused
        (replaced if row.pk else new).append(row)
    if new:
        DossierPaper.objects.bulk_create(new)
    if replaced:
        DossierPaper.objects.bulk_update(replaced, ["form", "quantity", "reused", "digitized"])
    return [row.component.code for row in new + replaced]


def supplement_pauses(dossier: Dossier, supplements) -> list[Pause]:
    """The pauses of the legal clock: the supplement requests made during processing (the one
    source of truth for the stored legal due time and its explanation)."""
    return [
        Pause(s.requested_at, s.completed_at)
        for s in supplements
        if not s.at_intake and dossier.received_at is not None and s.requested_at >= dossier.received_at
    ]


def legal_due(dossier: Dossier, supplements) -> datetime | None:
    """The legal due time from reception, the limit and the supplement pauses, as explained."""
    return memo.calendar().due_at(
        dossier.received_at, applicable_limit(dossier), supplement_pauses(dossier, supplements)
    )


def _resume_clock(dossier: Dossier, supplements, now: datetime) -> dict[str, Any]:
    """The supplement came in: the legal due time is computed again with every pause (a pause that
    began after the due time moves nothing), and the appointment, the unfinished steps and the open
    paper movements move by as much. The due-soon and late marks are cleared when the due time is
    ahead again, so the watch decides afresh."""
    changes: dict[str, Any] = {}
    old, new = dossier.legal_due_at, legal_due(dossier, supplements)
    if old is not None and new is not None and new != old:
        changes["legal_due_at"] = new
        shift = _shifter(memo.calendar(), applicable_limit(dossier), old, new)
        changes["due_at"] = new if dossier.due_at == old else shift(dossier.due_at)
        steps = [s for s in _steps(dossier) if s.state != StepState.DONE and s.due_at is not None]
        for step in steps:
            step.due_at = shift(step.due_at)
            rows.update(step, ["due_at"])
        for movement in [m for m in guards.paper_movements(dossier) if m.received_at is None]:
            movement.due_at = shift(movement.due_at)
            rows.update(movement, ["due_at"])
    elif _paused_within_extension(dossier, old):
        by_pause = _shifter(memo.calendar(), applicable_limit(dossier), dossier.paused_since, now)
        changes["due_at"] = by_pause(dossier.due_at)
    due = changes.get("due_at", dossier.due_at)
    if dossier.due_soon:
        changes["due_soon"] = False
    if dossier.late and due is not None and due > now:
        changes.update(late=False, late_unit_id=None, late_step_order=None)
    return changes


def _paused_within_extension(dossier: Dossier, legal_due: datetime | None) -> bool:
    """Whether the pause ending now began after the legal due time but before the appointment an
    apology set later: it moved no legal time, but it was the applicant's time within the extension."""
    started, due = dossier.paused_since, dossier.due_at
    return None not in (started, due, legal_due) and legal_due <= started < due


def _shifter(calendar, limit: TimeLimit, old: datetime, new: datetime) -> Callable[[datetime | None], Any]:
    """Moves a deadline as the legal due time moved from old to new: by the same working time for a
    working-day limit, by the same span otherwise."""
    if limit.unit == LimitUnit.WORKING_DAYS and new > old:
        worked = calendar.working_time_between(old, new)
        return lambda due: None if due is None else calendar.add_working(due, worked)
    return lambda due: None if due is None else due + (new - old)


def _request_payment(dossier, *, now, params, actor, unit_id):
    return {"resume_status": dossier.status}, {"amount_vnd": guards.payment_amount(dossier, params)}


def _payment_received(dossier, *, now, params, actor, unit_id):
    changes = {"resume_status": None}
    if params.get("online"):
        dossier.paid_online = True
    return changes, {"online": bool(params.get("online")), "receipt": params.get("receipt", "")}


def _apologize(dossier, *, now, params, actor, unit_id):
    new_due = guards.new_due(params)
    Apology.objects.create(
        dossier=dossier,
        unit_id=unit_id or dossier.current_unit_id,
        at=now,
        reason=params["reason"],
        previous_due_at=dossier.due_at,
        new_due_at=new_due,
    )
    # the steps that ended with the old appointment (the last one, the return) end with the new one
    for step in _steps(dossier):
        if step.state in (StepState.PENDING, StepState.ACTIVE) and step.due_at == dossier.due_at:
            step.due_at, step.late = new_due, False
            rows.update(step, ["due_at", "late"])
    return {"due_at": new_due, "late": False, "due_soon": False}, {
        "reason": params["reason"],
        "previous_due_at": dossier.due_at,
        "new_due_at": new_due,
    }


def _close(dossier, *, now, params, actor, unit_id):
    """Processing stopped or the dossier withdrawn: the steps not done are nobody's work any more (an
    active one stayed "in progress", with its assignee, on the dossier's page)."""
    dossier.reason = params.get("reason", "")
    payload = {"reason": dossier.reason, "stopped_steps": _stop_unfinished(_steps(dossier), saved=True)}
    return {"closed_at": now, "paused_since": None}, payload


def _stop_unfinished(steps: list[DossierStep], *, saved: bool) -> list[int]:
    """The steps not done become nobody's work (closed dossiers); returns their orders."""
    stopped = [step for step in steps if step.state != StepState.DONE]
    for step in stopped:
        step.state = StepState.STOPPED
        if saved:
            rows.update(step, ["state"])
    return [step.order for step in stopped]


def _send_originals(dossier, *, now, params, actor, unit_id):
    movements = guards.paper_movements(dossier)
    movement = next((m for m in movements if m.waiting_to_be_sent and m.from_unit_id == unit_id), None)
    movement.sent_at = now
    rows.update(movement, ["sent_at"])
    return {}, {"movement": movement.id}


def _receive_originals(dossier, *, now, params, actor, unit_id):
    movements = guards.paper_movements(dossier)
    movement = next((m for m in movements if m.in_transit and m.to_unit_id == unit_id), None)
    movement.received_at = now
    rows.update(movement, ["received_at"])
    late = now > movement.due_at
    return {}, {"movement": movement.id, "late": late}


def _reissue_pin(dossier, *, now, params, actor, unit_id):
    """A new PIN replaces the old one. It is shown once, like the receipt's: the caller reads it from
    dossier.new_pin; the event records that a PIN was issued, never the PIN."""
    dossier.new_pin = f"{secrets.randbelow(10**6):06d}"
    dossier.tracking_secret = tracking_secret(dossier.new_pin)
    return {}, {"pin_reissued": True}


def _mark_due_soon(dossier, *, now, params, actor, unit_id):
    return {"due_soon": True}, {}


def _mark_late(dossier, *, now, params, actor, unit_id):
    late_steps = [
        s
        for s in _steps(dossier)
        if s.state == StepState.ACTIVE and s.due_at and s.due_at < now and not s.late
    ]
    for step in late_steps:
        step.late = True
        rows.update(step, ["late"])
    changes: dict[str, Any] = {}
    if dossier.due_at and now > dossier.due_at and not dossier.late:
        cause = _lateness_cause(dossier, now)
        changes = {
            "late": True,
            "due_soon": False,
            "late_unit_id": cause.unit_id if cause else dossier.current_unit_id,
            "late_step_order": cause.order if cause else None,
        }
    return changes, {"late_steps": [s.order for s in late_steps]}


def _lateness_cause(dossier: Dossier, now: datetime) -> DossierStep | None:
    """The step that overran its own deadline by the most working time (the earliest of equals); the
    current step when none did. A step counts from when it started if that was after its deadline
    (the steps before it took its time)."""
    calendar = memo.calendar()
    overruns = [
        (calendar.working_time_between(max(s.due_at, s.started_at or s.due_at), s.completed_at or now), s)
        for s in _steps(dossier)
        if s.late and s.due_at is not None
    ]
    if not overruns:
        return _current_step(dossier)
    return max(overruns, key=lambda overrun: overrun[0])[1]  # max keeps the first of equals


HANDLERS = {
    Action.COMPLETE_STEP: _complete_step,
    Action.RETURN_STEP: _return_step,
    Action.ASSIGN: _assign,
    Action.FINISH: _finish,
    Action.CARRY_RESULT: _carry_result,
    Action.RETURN_RESULT: _return_result,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUPPLEMENT_RECEIVED: _supplement_received,
    Action.REQUEST_PAYMENT: _request_payment,
    Action.PAYMENT_RECEIVED: _payment_received,
    Action.APOLOGIZE: _apologize,
    Action.STOP: _close,
    Action.WITHDRAW: _close,
    Action.SEND_ORIGINALS: _send_originals,
    Action.RECEIVE_ORIGINALS: _receive_originals,
    Action.MARK_DUE_SOON: _mark_due_soon,
    Action.MARK_LATE: _mark_late,
    Action.REISSUE_PIN: _reissue_pin,
}


def _receive_online(dossier, *, now, params, actor, unit_id):
    changes = _start_clock_of_saved(dossier, now)
    return changes, {}


def _refuse_online(dossier, *, now, params, actor, unit_id):
    changes = _refusal(dossier, params.get("reason", ""), now)
    return changes, {"reason": dossier.reason, "stopped_steps": _stop_unfinished(_steps(dossier), saved=True)}


def _supplement_online(dossier, *, now, params, actor, unit_id):
    missing = _named_from_catalog(dossier, params.get("missing", []))
    unit = unit_id or dossier.receiving_unit_id
    _intake_supplement(dossier, unit, now, missing, params.get("reason", "")).save(force_insert=True)
    return {"resume_status": Status.RECEIVED}, {"missing": missing}


ONLINE_HANDLERS = {
    Action.RECEIVE: _receive_online,
    Action.REFUSE: _refuse_online,
    Action.REQUEST_SUPPLEMENT: _supplement_online,
}
HANDLERS_BY_STATUS = {(Status.NEW, action): handler for action, handler in ONLINE_HANDLERS.items()}
