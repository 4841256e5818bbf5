"""Intake: a dossier received at a counter or by post, filed online, or refused or asked for a
supplement at intake. The request is checked and the dossier with its papers and steps is made in
memory; the action engine then runs the table's record for the decision (receive, submit online, refuse,
request a supplement) on it, exactly as on a saved dossier; its rows are inserted, then the day's number
is taken last, with the first event (its hash covers the code)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Component, OnlineLevel, Procedure, ProcedureVersion
from motcua.catalog.selectors import version_in_force_cached
from motcua.errors import Problem, ValidationFailed
from motcua.network import reference
from motcua.network.models import SERVICE_UNIT_KINDS, Jurisdiction, JurisdictionLevel, Unit

from . import engine, memo, pins, post, routing
from .codes import next_code
from .context import NOT_CREATED, ActionContext, NewRows
from .events import EVENT_BOOKKEEPING
from .lifecycle import Action, record_of
from .models import Channel, Dossier, DossierPaper, DossierStep
from .permissions import Actor
from .validation import Applicant, PaperIn, applicant_problems, paper_problems, searchable_name

__all__ = ["Applicant", "IntakeRequest", "IntakeResult", "PaperIn", "check", "intake"]


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
    shipment_number: str = ""  # received by post: the number of the shipment it came in, if known
    request_text: str = ""
    decision: str = "receive"  # receive | refuse | supplement
    reason: str = ""
    missing_note: str = ""
    # an online filing a counter officer made for the applicant: how the applicant confirmed it
    confirmation: dict[str, str] = field(default_factory=dict)


@dataclass
class IntakeResult:
    dossier: Dossier
    pin: str
    missing: list[dict[str, str]]


def intake(*, actor: Actor, request: IntakeRequest, now: datetime | None = None) -> IntakeResult:
    """Receive, file online, refuse, or ask for a supplement at intake. Missing required papers make
    reception impossible: a supplement request naming exactly those papers is issued instead."""
    now = now or timezone.now()
    _refuse_unconfirmed_assisted(request, actor)
    with transaction.atomic(), reference.scope():
        plan = IntakePlan.load(request, now)
        request = plan.request  # a refusal at the wrong place gets its reason there
        missing = plan.missing_required()
        record = record_of(decided_action(request, missing))
        assert record is not None
        dossier = plan.unsaved_dossier()
        rows = NewRows(plan.papers(dossier), plan.steps(dossier))
        ctx = ActionContext(
            dossier,
            now,
            actor,
            {"missing": missing, "reason": request.reason},
            from_status=NOT_CREATED,
            new_rows=rows,
        )
        plan.fill(dossier, actor, now)
        shipment_number = post.normalized_number(request.shipment_number)
        if shipment_number:
            rows.others.append(post.came_by_post(dossier, plan.unit, shipment_number, now, actor))
        base = {
            "current_unit_id": plan.unit.id,
            "return_unit_id": dossier.return_unit_id,
            "return_by_post": dossier.return_by_post,
        }
        for name, value in base.items():
            setattr(dossier, name, value)
        done = engine.perform(ctx, record)
        done.outcome.changes = {**base, **done.outcome.changes}
        done.outcome.payload = {
            **done.outcome.payload,
            "missing": missing,
            "reason": request.reason,
            "channel": request.channel,
            **({"shipment_number": shipment_number} if shipment_number else {}),
            "procedure_version": plan.version.version,
        }
        if plan.where_to_file is not None:
            done.outcome.payload["where_to_file"] = plan.where_to_file
        if request.confirmation:
            done.outcome.payload["confirmation"] = request.confirmation
        pin = pins.new_pin()
        dossier.tracking_secret = pins.tracking_secret(pin)
        insert_new(dossier, ctx.new_rows)
        # The day's number last: the counter row, which one unit's intakes pass one at a time, is then
        # locked for two statements and the commit, not for every insert.
        dossier.code, dossier.log_book_number = next_code(plan.unit.code, timezone.localtime(now).date())
        engine.append_event(ctx, record, done).save(force_insert=True)
        dossier.save(update_fields=["code", "log_book_number", *EVENT_BOOKKEEPING])
    return IntakeResult(dossier=dossier, pin=pin, missing=missing)


def assisted(request: IntakeRequest, actor: Actor) -> bool:
    """Filed online by an officer on the applicant's behalf."""
    return request.channel == Channel.ONLINE and not (actor.applicant or actor.system)


def _refuse_unconfirmed_assisted(request: IntakeRequest, actor: Actor) -> None:
    """An officer files online for a person only with the person's confirmation, which the assisted
    filing (/desk/assisted/) obtains: otherwise a dossier would say "filed online" for someone who
    never saw it. At the counter an officer receives it in person (channel 1)."""
    if assisted(request, actor) and not request.confirmation.get("by"):
        raise ValidationFailed(
            message_vi="Cán bộ chỉ nộp trực tuyến thay người dân qua trang Nộp hộ, khi người dân đã xác nhận.",
            message_en="An officer files online for a person only through assisted filing, once the person "
            "has confirmed.",
            problems=[
                Problem(
                    "channel",
                    "hồ sơ nhận tại quầy là kênh 1; nộp trực tuyến thay người dân cần người dân xác nhận",
                    "a dossier received at the counter is channel 1; filing online for a person needs "
                    "the person's confirmation",
                )
            ],
        )


def check(request: IntakeRequest, now: datetime | None = None) -> None:
    """Raise what `intake` would refuse in the request, making nothing: an assisted online filing is
    checked before the applicant is asked to confirm it."""
    with reference.scope():
        IntakePlan.load(request, now or timezone.now())


def insert_new(dossier: Dossier, rows: NewRows | None) -> None:
    """The new dossier's rows, one INSERT per table; the dossier's code is a provisional one until
    the day's number is taken."""
    assert rows is not None
    dossier.code = f"~{secrets.token_hex(16)}"
    dossier.save(force_insert=True)
    for paper in rows.papers:
        paper.dossier = dossier
    if rows.papers:
        DossierPaper.objects.bulk_create(rows.papers)
    for step in rows.steps:
        step.dossier = dossier
    if rows.steps:
        DossierStep.objects.bulk_create(rows.steps)
    for row in rows.others:
        row.dossier = dossier
        row.save(force_insert=True)


def wrong_place_reason(procedure: Procedure, subject: Jurisdiction) -> str:
    """The refusal's reason when the unit may not receive the procedure for that commune (Form 03 is a
    Vietnamese document: the reason is written in Vietnamese)."""
    return (
        f"Thủ tục {procedure.code} - {procedure.name_vi} không được tiếp nhận không phụ thuộc địa giới hành chính; "
        f"hồ sơ liên quan đến {subject.name} phải nộp tại đơn vị thuộc địa bàn có thẩm quyền (nêu dưới đây)."
    )


def decided_action(request: IntakeRequest, missing: list[dict[str, Any]]) -> str:
    if request.channel == Channel.ONLINE and request.decision == "receive":
        return Action.SUBMIT_ONLINE
    if request.decision == "refuse":
        return Action.REFUSE
    if request.decision == "supplement" or missing:
        return Action.REQUEST_SUPPLEMENT
    return Action.RECEIVE


@dataclass
class IntakePlan:
    """The request checked, with the reference data it names."""

    request: IntakeRequest
    unit: Unit
    procedure: Procedure
    version: ProcedureVersion
    subject: Jurisdiction
    competent: Unit
    return_unit: Unit | None
    components: dict[str, Component]
    # a refusal at a unit outside the competent area: the units to name on Form 03
    where_to_file: dict[str, list[dict[str, Any]]] | None = None

    @classmethod
    def load(cls, request: IntakeRequest, now: datetime) -> IntakePlan:
        problems: list[Problem] = []
        unit = lookup_unit(request.unit, "unit", problems)
        procedure = _procedure(request, problems)
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
        return_unit = _return_unit(request, problems)
        problems += applicant_problems(request.applicant)
        if request.channel not in Channel.values:
            problems.append(Problem("channel", "kênh phải là 1, 2 hoặc 3", "channel must be 1, 2 or 3"))
        problems += _shipment_problems(request)
        if problems:
            raise ValidationFailed(
                message_vi="Hồ sơ tiếp nhận chưa hợp lệ.",
                message_en="The intake is invalid.",
                problems=problems,
            )
        assert unit is not None and procedure is not None and subject is not None
        day = timezone.localtime(now).date()
        version = memo.remembered(
            ("version", procedure.pk, day), lambda: version_in_force_cached(procedure, day)
        )
        components = memo.remembered(
            ("components", version.pk), lambda: {c.code: c for c in version.components.all()}
        )
        competent = memo.remembered(
            ("competent", procedure.pk, subject.pk), lambda: routing.competent_unit(procedure, subject)
        )
        plan = cls(request, unit, procedure, version, subject, competent, return_unit, components)
        plan.check_place_and_papers()
        return plan

    def check_place_and_papers(self) -> None:
        if not routing.may_receive(self.unit, self.procedure, self.subject):
            if self.request.decision == "refuse":  # Form 03 naming where to file: a written answer
                self.where_to_file = routing.where_to_file(self.procedure, self.subject)
                if not self.request.reason.strip():
                    self.request = replace(
                        self.request, reason=wrong_place_reason(self.procedure, self.subject)
                    )
                return self._check_papers()
            names = "; ".join(
                u.name_vi for u in routing.units_that_may_receive(self.procedure, self.subject)[:8]
            )
            raise ValidationFailed(
                message_vi=f"Thủ tục {self.procedure.code} không tiếp nhận phi địa giới; hãy nộp tại: {names}. "
                "Có thể lập Phiếu từ chối (Mẫu 03) ghi rõ nơi nộp.",
                message_en=f"Procedure {self.procedure.code} is not boundary-free; file it at: {names}. "
                "A refusal slip (Form 03) naming where to file can be issued.",
                problems=[
                    Problem(
                        "unit",
                        "đơn vị không thuộc địa bàn có thẩm quyền",
                        "the unit is outside the competent area",
                    )
                ],
                code="not_boundary_free",
            )
        self._check_papers()

    def _check_papers(self) -> None:
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

    def unsaved_dossier(self) -> Dossier:
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

    def fill(self, dossier: Dossier, actor: Actor, now: datetime) -> None:
        """The applicant's fields. Assisted: filed online by an officer on the applicant's behalf."""
        request, applicant = self.request, self.request.applicant
        dossier.assisted = assisted(request, actor)
        dossier.applicant_name = applicant.name.strip()
        dossier.applicant_search = searchable_name(dossier.applicant_name)
        dossier.applicant_id_number = applicant.id_number.strip()
        dossier.applicant_phone = applicant.phone.strip()
        dossier.applicant_email = applicant.email.strip()
        dossier.applicant_address = applicant.address.strip()
        dossier.request_text = request.request_text
        dossier.submitted_at = now
        dossier.fee_total_vnd = memo.remembered(
            ("fees", self.version.pk), lambda: sum(f.amount_vnd for f in self.version.fees.all())
        )

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
        template = memo.remembered(("steps", self.version.pk), lambda: list(self.version.steps.all()))
        return [
            DossierStep(
                dossier=dossier,
                order=s.order,
                name_vi=s.name_vi,
                name_en=s.name_en,
                role=s.role,
                days=s.days,
                is_return=s.performer == "return",
                unit=self.step_unit(s.performer),
            )
            for s in template
        ]

    def step_unit(self, performer: str) -> Unit:
        return_unit = self.return_unit or self.unit
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


def _procedure(request: IntakeRequest, problems: list[Problem]) -> Procedure | None:
    procedure = memo.remembered(
        ("procedure", request.procedure),
        lambda: Procedure.objects.filter(code=request.procedure).select_related("competent_agency").first(),
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
    return procedure


def _shipment_problems(request: IntakeRequest) -> list[Problem]:
    """A shipment number only for a dossier received by post, and a well-formed one."""
    if not request.shipment_number.strip():
        return []
    if request.channel != Channel.POST:
        return [
            Problem(
                "shipment_number",
                "chỉ ghi số hiệu bưu gửi cho hồ sơ nhận qua bưu chính (kênh 3)",
                "a shipment number is only for a dossier received by post (channel 3)",
            )
        ]
    problem = post.number_problem(request.shipment_number)
    return [problem] if problem else []


def _return_unit(request: IntakeRequest, problems: list[Problem]) -> Unit | None:
    if not request.return_by_post:
        return lookup_unit(request.return_unit or request.unit, "return_unit", problems)
    if not request.return_address.strip():
        problems.append(
            Problem(
                "return_address",
                "cần địa chỉ nhận kết quả qua bưu chính",
                "a delivery address is needed for postal return",
            )
        )
    return None


def lookup_unit(code: str, field_name: str, problems: list[Problem]) -> Unit | None:
    """An active center, branch or reception point by its code; else a problem naming the field."""
    unit = memo.remembered(("unit", code), lambda: Unit.objects.filter(code=code, active=True).first())
    if unit is None:
        problems.append(Problem(field_name, f"không có đơn vị mã '{code}'", f"no unit with code '{code}'"))
    elif unit.kind not in SERVICE_UNIT_KINDS:
        problems.append(
            Problem(
                field_name,
                f"'{code}' không phải trung tâm, chi nhánh hay điểm tiếp nhận",
                f"'{code}' is not a center, branch or reception point",
            )
        )
    return unit
