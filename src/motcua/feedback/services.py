"""Writes: a citizen's feedback (routed and given its handling time), a unit's answer, and the
rating of a dossier through the lifecycle table's `rate` record."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.citizens.models import Citizen
from motcua.dossiers import clock
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import Actor, of_applicant
from motcua.dossiers.services import act
from motcua.errors import Forbidden, NotFound, Problem, ValidationFailed
from motcua.network.models import Role, Unit

from .models import Feedback

ANSWERING_ROLES = {Role.LEADER, Role.MANAGER, Role.SPECIALIST}


def handling_days() -> str:
    """The legal handling time of feedback, in working days (verify: MOTCUA["FEEDBACK_WORKING_DAYS"])."""
    return str(getattr(settings, "MOTCUA", {}).get("FEEDBACK_WORKING_DAYS", 10))


def rate(*, actor: Actor, code: str, score: int, comment: str = "") -> Dossier:
    return act(actor=actor, code=code, action=Action.RATE, params={"score": score, "comment": comment})


def submit_feedback(
    *,
    citizen: Citizen,
    kind: str,
    subject: str,
    text: str,
    dossier_code: str = "",
    unit_code: str = "",
    now: datetime | None = None,
) -> Feedback:
    """Routed to the unit concerned: the agency competent for the citizen's dossier named, else the
    unit chosen; due after the legal handling time in working days."""
    now = now or timezone.now()
    problems = []
    if kind not in Feedback.Kind.values:
        problems.append(Problem("kind", "không hợp lệ", "unknown"))
    if not subject.strip():
        problems.append(Problem("subject", "bắt buộc", "is required"))
    if not text.strip():
        problems.append(Problem("text", "bắt buộc", "is required"))
    dossier = None
    if dossier_code.strip():
        dossier = Dossier.objects.filter(of_applicant(citizen.id_number), code=dossier_code.strip()).first()
        if dossier is None:
            problems.append(
                Problem("dossier", "bạn không có hồ sơ mã này", "you have no dossier with this code")
            )
    unit = dossier.competent_unit if dossier else Unit.objects.filter(code=unit_code, active=True).first()
    if dossier is None and unit is None:
        problems.append(
            Problem("unit", "hãy chọn đơn vị hoặc hồ sơ", "choose a unit or one of your dossiers")
        )
    if problems:
        raise ValidationFailed(
            message_vi="Phản ánh, kiến nghị chưa hợp lệ.",
            message_en="The feedback is invalid.",
            problems=problems,
        )
    with transaction.atomic():
        return Feedback.objects.create(
            citizen=citizen,
            dossier=dossier,
            unit=unit,
            kind=kind,
            subject=subject.strip()[:200],
            text=text.strip()[:5000],
            received_at=now,
            due_at=clock.handling_due(now, handling_days()),
        )


def may_answer(actor: Actor, feedback: Feedback) -> bool:
    return actor.manager or any(
        unit == feedback.unit_id and role in ANSWERING_ROLES for unit, role in actor.roles
    )


def answer_feedback(*, actor: Actor, feedback_id: int, answer: str, now: datetime | None = None) -> Feedback:
    """The unit's answer, published; on time when given by the due time."""
    now = now or timezone.now()
    with transaction.atomic():
        feedback = Feedback.objects.select_for_update().filter(pk=feedback_id).first()
        if feedback is None:
            raise NotFound(f"phản ánh {feedback_id}", f"feedback {feedback_id}")
        if not may_answer(actor, feedback):
            raise Forbidden(
                "Chỉ lãnh đạo, chuyên viên của đơn vị được phản ánh mới trả lời được.",
                "Only a leader or specialist of the unit concerned may answer.",
            )
        if feedback.answered_at is not None:
            raise ValidationFailed(
                message_vi="Phản ánh này đã được trả lời.",
                message_en="This feedback has already been answered.",
                code="already_answered",
                http_status=409,
            )
        if not answer.strip():
            raise ValidationFailed(
                message_vi="Cần nội dung trả lời.",
                message_en="The answer is required.",
                problems=[Problem("answer", "bắt buộc", "is required")],
            )
        feedback.answer = answer.strip()[:5000]
        feedback.answered_at, feedback.answered_by = now, actor.user
        feedback.answered_on_time = now <= feedback.due_at
        feedback.save(update_fields=["answer", "answered_at", "answered_by", "answered_on_time"])
    return feedback
