"""The guards the action table names: each returns None when the action may go ahead, or the reason it
may not, in Vietnamese and English. A guard knows the input field it judges (its reason shows next to
that field) and whether it reads only the dossier's state (then the pages dry-run it to offer the action
or not)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime

from motcua.errors import Problem, ValidationFailed
from motcua.network.models import Role, RoleAssignment

from .context import ActionContext, Reason
from .models import Rating, Shipment
from .satisfaction import rating_scale


@dataclass(frozen=True)
class Guard:
    check: Callable[[ActionContext], Reason]
    field: str = ""  # the input field judged, if any
    state_only: bool = False  # depends on the dossier alone, not on what the actor gives

    @property
    def name(self) -> str:
        return self.check.__name__

    def __call__(self, ctx: ActionContext) -> Reason:
        return self.check(ctx)

    def refusal(self, reason: tuple[str, str]) -> ValidationFailed:
        """The error for this guard not holding, naming the field it judged when there is one."""
        problems = [Problem(self.field, reason[0], reason[1])] if self.field else []
        return ValidationFailed(message_vi=reason[0], message_en=reason[1], code="guard", problems=problems)


def guard(
    *, field: str = "", state_only: bool = False
) -> Callable[[Callable[[ActionContext], Reason]], Guard]:
    def wrap(check: Callable[[ActionContext], Reason]) -> Guard:
        return Guard(check, field, state_only)

    return wrap


def missing_on_file(ctx: ActionContext) -> list[str]:
    """The codes of the required components no paper on file answers."""
    on_file = {p.component_id for p in ctx.papers}
    return [c.code for c in ctx.components.values() if c.required and c.pk not in on_file]


@guard()
def checklist_complete(ctx: ActionContext) -> Reason:
    missing = ctx.params.get("missing") if ctx.receiving else [{"code": c} for c in missing_on_file(ctx)]
    if missing:
        codes = ", ".join(m["code"] for m in missing)
        return (
            f"Thiếu thành phần bắt buộc: {codes}; hãy lập phiếu yêu cầu bổ sung.",
            f"Required papers are missing: {codes}; issue a supplement request instead.",
        )
    return None


@guard(field="reason")
def has_reason(ctx: ActionContext) -> Reason:
    if not str(ctx.params.get("reason", "")).strip():
        return "Cần ghi rõ lý do.", "A reason is required."
    return None


def payment_amount(ctx: ActionContext) -> int | None:
    """The amount a payment request asks for: the one given (a whole number, also as text from a
    page), else the procedure's fees; None when what was given is not a whole number >= 0."""
    given = ctx.params.get("amount_vnd")
    if given is None or given == "":
        return ctx.dossier.fee_total_vnd
    try:
        amount = int(str(given).strip())
    except ValueError:
        return None
    return amount if amount >= 0 else None


@guard(field="amount_vnd")
def has_amount(ctx: ActionContext) -> Reason:
    """A payment request names what is owed: the amount given, else the procedure's fees."""
    amount = payment_amount(ctx)
    if amount is None or amount == 0:
        no_fee = not ctx.dossier.fee_total_vnd
        return (
            "Số tiền phải nộp (amount_vnd) phải là số nguyên lớn hơn 0 đồng"
            + (" (thủ tục này không quy định phí, lệ phí)." if no_fee else "."),
            "The amount to pay (amount_vnd) must be a whole number of dong, more than 0"
            + (" (this procedure has no set fee)." if no_fee else "."),
        )
    return None


@guard(field="missing")
def names_missing_papers(ctx: ActionContext) -> Reason:
    missing = ctx.params.get("missing") or []
    if not missing and not str(ctx.params.get("reason", "")).strip():
        return (
            "Phiếu yêu cầu bổ sung phải nêu rõ giấy tờ còn thiếu.",
            "A supplement request must list exactly what is missing.",
        )
    unknown = sorted({str(m.get("code", "")) for m in missing} - set(ctx.components))
    if unknown:
        codes = ", ".join(unknown)
        return (
            f"Không có thành phần hồ sơ {codes} trong thủ tục của hồ sơ này.",
            f"No component {codes} in this dossier's procedure.",
        )
    return None


@guard(field="papers")
def supplied_papers_complete(ctx: ActionContext) -> Reason:
    """An intake supplement ends in reception: the papers on file and those brought now must
    complete the checklist. (A supplement during processing has no checklist to complete.)"""
    request = ctx.open_supplement
    if request is None or not request.at_intake:
        return None
    given = {p["component"] if isinstance(p, dict) else p.component for p in ctx.params.get("papers") or []}
    missing = [code for code in missing_on_file(ctx) if code not in given]
    if missing:
        names = ctx.components
        vi = ", ".join(f"{names[code].name_vi} ({code})" for code in missing)
        en = ", ".join(f"{names[code].name_en or names[code].name_vi} ({code})" for code in missing)
        return (
            f"Vẫn thiếu thành phần bắt buộc: {vi}; hãy đánh dấu các giấy tờ đã bổ sung.",
            f"Required papers are still missing: {en}; tick the papers supplied.",
        )
    return None


def assignee_id(ctx: ActionContext) -> int:
    """The assignee's user id, looked up once per action (the guard's look-up serves the handler)."""
    if "assignee_id" not in ctx.found:
        ctx.found["assignee_id"] = _find_assignee(ctx.params.get("assignee"))
    return int(ctx.found["assignee_id"])


def _find_assignee(value: Any) -> int:
    users = get_user_model().objects.values_list("pk", flat=True)
    user = users.filter(username=value).first() if isinstance(value, str) else None
    if user is None and isinstance(value, int):
        user = users.filter(pk=value).first()
    if user is None:
        raise ValidationFailed(
            message_vi=f"Không có cán bộ '{value}'.",
            message_en=f"No staff member '{value}'.",
            code="unknown_assignee",
        )
    return int(user)


ASSIGNABLE_ROLES = frozenset({Role.SPECIALIST, Role.LEADER})
"""Roles that process a dossier's steps; the current step's own role (e.g. the counter's return step)
is assignable as well."""


def assignable_roles(step_role: str | None) -> frozenset[str]:
    return ASSIGNABLE_ROLES | {step_role} if step_role else ASSIGNABLE_ROLES


@guard(field="assignee")
def assignee_works_there(ctx: ActionContext) -> Reason:
    """The assignee works at the unit handling the dossier, with an active account and a role that
    processes the step there."""
    value = ctx.params.get("assignee")
    given_id = value if type(value) is int else None
    user_id = given_id if given_id is not None else assignee_id(ctx)
    held = list(
        RoleAssignment.objects.filter(user_id=user_id, unit_id=ctx.dossier.current_unit_id).values_list(
            "role", "user__is_active"
        )
    )
    if not held:
        if given_id is not None:
            assignee_id(ctx)  # an id of nobody is its own error (unknown_assignee)
        return (
            "Người được phân công không thuộc đơn vị đang xử lý hồ sơ.",
            "The assignee does not work at the unit handling the dossier.",
        )
    ctx.found["assignee_id"] = user_id  # roles are of existing users (a key): no look-up of the user
    if not held[0][1]:
        return (
            "Tài khoản của người được phân công đã bị khóa; hãy chọn cán bộ khác.",
            "The assignee's account is deactivated; choose another officer.",
        )
    step = ctx.current_step
    if not any(role in assignable_roles(step.role if step else None) for role, _ in held):
        return (
            "Người được phân công không có vai trò xử lý hồ sơ tại đơn vị (chuyên viên, lãnh đạo).",
            "The assignee has no role that processes dossiers at the unit (specialist, leader).",
        )
    return None


def _following_step(ctx: ActionContext):
    return next((s for s in ctx.steps if s.order > (ctx.dossier.current_step_order or 0)), None)


@guard(state_only=True)
def next_step_is_processing(ctx: ActionContext) -> Reason:
    following = _following_step(ctx)
    if following is None or following.is_return:
        return (
            "Đây là bước xử lý cuối: hãy dùng 'Có kết quả'.",
            "This is the last processing step: use 'finish' (result ready).",
        )
    return None


@guard(state_only=True)
def last_processing_step(ctx: ActionContext) -> Reason:
    following = _following_step(ctx)
    if following is not None and not following.is_return:
        return (
            "Hồ sơ còn bước xử lý tiếp theo; chưa thể có kết quả.",
            "Processing steps remain; the result cannot be ready yet.",
        )
    return None


@guard()
def has_previous_processing_step(ctx: ActionContext) -> Reason:
    if not any(s.order < (ctx.dossier.current_step_order or 0) for s in ctx.steps):
        return "Không có bước trước để trả lại.", "There is no previous step to send the dossier back to."
    return has_reason(ctx)


def new_due(ctx: ActionContext) -> datetime:
    value = ctx.params.get("new_due_at")
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value or ""))
    if parsed is None or parsed.tzinfo is None:
        raise ValidationFailed(
            message_vi="new_due_at phải là thời điểm ISO 8601 có múi giờ.",
            message_en="new_due_at must be an ISO 8601 time with a zone.",
            code="invalid_date",
        )
    return parsed


@guard(field="new_due_at")
def before_due_and_later_date(ctx: ActionContext) -> Reason:
    due = ctx.dossier.due_at
    if due is None or ctx.now >= due:
        return (
            "Chỉ được xin lỗi và hẹn lại trước khi hết hạn.",
            "An apology with a new appointment must be issued before the due time passes.",
        )
    if new_due(ctx) <= due:
        return "Ngày hẹn mới phải sau ngày hẹn cũ.", "The new appointment must be later than the current one."
    return has_reason(ctx)


@guard(state_only=True)
def result_at_return_point(ctx: ActionContext) -> Reason:
    if not ctx.dossier.result_at_return_point:
        return (
            "Kết quả chưa được chuyển đến nơi trả kết quả.",
            "The result has not reached the return point yet.",
        )
    if ctx.dossier.return_by_post and any(
        s.kind == Shipment.Kind.RESULT and s.in_transit for s in ctx.shipments
    ):
        return (
            "Kết quả đang được bưu điện chuyển phát: hãy ghi nhận đã phát hoặc chuyển hoàn.",
            "The result is in the post: record its delivery or its return to sender.",
        )
    return None


@guard(state_only=True)
def result_not_at_return_point(ctx: ActionContext) -> Reason:
    if ctx.dossier.result_at_return_point:
        return "Kết quả đã ở nơi trả kết quả.", "The result is already at the return point."
    return None


@guard(state_only=True)
def originals_to_send(ctx: ActionContext) -> Reason:
    if not any(m.waiting_to_be_sent for m in ctx.movements):
        return "Không có bản gốc nào chờ gửi.", "No paper originals are waiting to be sent."
    return None


@guard(state_only=True)
def originals_in_transit(ctx: ActionContext) -> Reason:
    if not any(m.in_transit for m in ctx.movements):
        return "Không có bản gốc nào đang chuyển.", "No paper originals are on their way."
    return None


@guard(state_only=True)
def not_rated_yet(ctx: ActionContext) -> Reason:
    """A dossier is rated once."""
    if ctx.dossier.pk is not None and Rating.objects.filter(dossier_id=ctx.dossier.pk).exists():
        return "Hồ sơ này đã được đánh giá.", "This dossier has already been rated."
    return None


def rating_score(ctx: ActionContext) -> int:
    """The score given, one of the configured scale's."""
    scores = [s for s, _, _ in rating_scale()]
    score = ctx.params.get("score")
    if type(score) is not int or score not in scores:
        listed = ", ".join(map(str, scores))
        raise ValidationFailed(
            message_vi=f"Mức đánh giá phải là một trong: {listed}.",
            message_en=f"The score must be one of: {listed}.",
            problems=[Problem("score", f"một trong: {listed}", f"one of: {listed}")],
        )
    return score
